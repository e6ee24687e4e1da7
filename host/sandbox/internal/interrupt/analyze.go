package interrupt

import (
	"errors"
	"fmt"
)

// Import is one entry of a module's import section.
type Import struct {
	Module, Name string
	// Kind is "func", "table", "memory" or "global".
	Kind string
}

// Table is one table a module imports or defines, in index order.
type Table struct {
	Min    uint32
	Max    uint32 // meaningful only when HasMax
	HasMax bool
	// Grown reports that some function executes table.grow on it.
	Grown bool
}

// MaxEntries is the most entries the table can ever hold, and false when
// it is unbounded (growable with no declared maximum).
func (t Table) MaxEntries() (uint32, bool) {
	switch {
	case t.HasMax:
		return t.Max, true
	case !t.Grown:
		return t.Min, true
	}
	return 0, false
}

// Analysis describes what a module allocates outside its linear memory.
type Analysis struct {
	Imports []Import
	Tables  []Table
	// Globals counts the globals the module defines.
	Globals uint32
	// DataIndices reports that some function names data segments by index
	// (memory.init, data.drop), or that the code could not be decoded.
	DataIndices bool
}

// Analyze decodes wasm's imports, tables, globals and code, reporting the
// tables and the table.grow instructions aimed at them. It accepts the same
// instruction set as Instrument.
func Analyze(wasm []byte) (*Analysis, error) {
	secs, err := sections(wasm)
	if err != nil {
		return nil, err
	}
	a := &Analysis{}
	for _, s := range secs {
		r := &reader{b: s.body}
		switch s.id {
		case secImport:
			if err := a.imports(r); err != nil {
				return nil, fmt.Errorf("import section: %w", err)
			}
		case secTable:
			n, err := r.u32()
			if err != nil {
				return nil, err
			}
			for i := uint32(0); i < n; i++ {
				if _, err := r.byte(); err != nil { // reftype
					return nil, err
				}
				t, err := r.tableLimits()
				if err != nil {
					return nil, fmt.Errorf("table section: %w", err)
				}
				a.Tables = append(a.Tables, t)
			}
		case secGlobal:
			n, err := r.u32()
			if err != nil {
				return nil, err
			}
			a.Globals = n
		case secCode:
			if err := a.code(r); errors.Is(err, ErrUnsupported) {
				// Instructions the decoder does not know: assume every
				// table may grow and data segments are named.
				for i := range a.Tables {
					a.Tables[i].Grown = true
				}
				a.DataIndices = true
			} else if err != nil {
				return nil, err
			}
		}
	}
	return a, nil
}

func (a *Analysis) imports(r *reader) error {
	count, err := r.u32()
	if err != nil {
		return err
	}
	for i := uint32(0); i < count; i++ {
		var names [2]string
		for j := range names {
			l, err := r.u32()
			if err != nil {
				return err
			}
			b, err := r.take(int(l))
			if err != nil {
				return err
			}
			names[j] = string(b)
		}
		kind, err := r.byte()
		if err != nil {
			return err
		}
		imp := Import{Module: names[0], Name: names[1]}
		switch kind {
		case 0:
			imp.Kind = "func"
			_, err = r.u32()
		case 1:
			imp.Kind = "table"
			var t Table
			if _, err = r.byte(); err == nil {
				t, err = r.tableLimits()
				a.Tables = append(a.Tables, t)
			}
		case 2:
			imp.Kind = "memory"
			err = r.limits()
		case 3:
			imp.Kind = "global"
			_, err = r.take(2)
		default:
			return fmt.Errorf("%w: import kind %d", ErrUnsupported, kind)
		}
		if err != nil {
			return err
		}
		a.Imports = append(a.Imports, imp)
	}
	return nil
}

// code marks the tables that table.grow targets.
func (a *Analysis) code(r *reader) error {
	n, err := r.u32()
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		size, err := r.u32()
		if err != nil {
			return err
		}
		fn, err := r.take(int(size))
		if err != nil {
			return err
		}
		if err := a.body(fn); err != nil {
			return fmt.Errorf("function %d: %w", i, err)
		}
	}
	return nil
}

// MaxLocals is the most locals a function may declare (as in V8): wazero
// spends seconds compiling a function that declares billions.
const MaxLocals = 50000

func (a *Analysis) body(fn []byte) error {
	r := &reader{b: fn}
	groups, err := r.u32()
	if err != nil {
		return err
	}
	var locals uint64
	for g := uint32(0); g < groups; g++ {
		n, err := r.u32()
		if err != nil {
			return err
		}
		if locals += uint64(n); locals > MaxLocals {
			return fmt.Errorf("declares more than %d locals", MaxLocals)
		}
		if _, err := r.byte(); err != nil {
			return err
		}
	}
	for r.pos < len(fn) {
		op, _ := r.byte()
		if op == 0xfc {
			save := r.pos
			sub, err := r.u32()
			if err != nil {
				return err
			}
			if sub == 8 || sub == 9 { // memory.init, data.drop
				a.DataIndices = true
			}
			if sub == 15 { // table.grow x
				x, err := r.u32()
				if err != nil {
					return err
				}
				if int(x) >= len(a.Tables) {
					return errors.New("table.grow on an undefined table")
				}
				a.Tables[x].Grown = true
				continue
			}
			r.pos = save
		}
		if err := r.skipImmediates(op); err != nil {
			return err
		}
	}
	return nil
}

func (r *reader) tableLimits() (Table, error) {
	flag, err := r.byte()
	if err != nil {
		return Table{}, err
	}
	var t Table
	if t.Min, err = r.u32(); err != nil {
		return Table{}, err
	}
	if flag&1 != 0 {
		t.HasMax = true
		t.Max, err = r.u32()
	}
	return t, err
}

// sections splits a module into its sections.
func sections(wasm []byte) ([]section, error) {
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" {
		return nil, errors.New("interrupt: not a WebAssembly binary")
	}
	if string(wasm[4:8]) != "\x01\x00\x00\x00" {
		return nil, errors.New("interrupt: unsupported binary version")
	}
	var secs []section
	r := &reader{b: wasm, pos: 8}
	for r.pos < len(r.b) {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		body, err := r.take(int(size))
		if err != nil {
			return nil, err
		}
		secs = append(secs, section{id, body})
	}
	return secs, nil
}
