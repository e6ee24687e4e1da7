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

// FuncType is a function's signature: its parameter and result value types
// (the binary format's bytes, e.g. 0x7f for i32).
type FuncType struct {
	Params, Results []byte
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
	// ExportedFuncs maps each exported function's name to its signature;
	// ExportedMemories lists the names memories are exported under. (The
	// host reads them here rather than from wazero, whose compiled module
	// builds a definition of every function, ~260 bytes apiece kept for the
	// module's life, the first time any is asked for.)
	ExportedFuncs    map[string]FuncType
	ExportedMemories []string
}

// Analyze decodes wasm's imports, tables, globals and code, reporting the
// tables and the table.grow instructions aimed at them. It accepts the same
// instruction set as Instrument.
func Analyze(wasm []byte) (*Analysis, error) {
	secs, err := sections(wasm)
	if err != nil {
		return nil, err
	}
	a := &Analysis{ExportedFuncs: map[string]FuncType{}}
	var types []FuncType
	var funcTypes []uint32 // type index of every function, imported ones first
	for _, s := range secs {
		r := &reader{b: s.body}
		switch s.id {
		case secType:
			if types, err = readTypes(r); err != nil {
				return nil, fmt.Errorf("type section: %w", err)
			}
		case secImport:
			if err := a.imports(r, &funcTypes); err != nil {
				return nil, fmt.Errorf("import section: %w", err)
			}
		case secFunction:
			defined, err := readFuncTypes(r)
			if err != nil {
				return nil, fmt.Errorf("function section: %w", err)
			}
			funcTypes = append(funcTypes, defined...)
		case secExport:
			if err := a.exports(r, types, funcTypes); err != nil {
				return nil, fmt.Errorf("export section: %w", err)
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

// readTypes decodes a type section.
func readTypes(r *reader) ([]FuncType, error) {
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	types := make([]FuncType, 0, min(n, uint32(len(r.b))))
	for i := uint32(0); i < n; i++ {
		form, err := r.byte()
		if err != nil {
			return nil, err
		}
		if form != 0x60 {
			return nil, fmt.Errorf("%w: type form 0x%02x", ErrUnsupported, form)
		}
		var t FuncType
		for _, vs := range []*[]byte{&t.Params, &t.Results} {
			k, err := r.u32()
			if err != nil {
				return nil, err
			}
			b, err := r.take(int(k))
			if err != nil {
				return nil, err
			}
			*vs = b
		}
		types = append(types, t)
	}
	return types, nil
}

// readFuncTypes reads the function section: each defined function's type
// index.
func readFuncTypes(r *reader) ([]uint32, error) {
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	out := make([]uint32, 0, min(n, uint32(len(r.b))))
	for i := uint32(0); i < n; i++ {
		t, err := r.u32()
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// exports records the exported functions' signatures and memories' names.
func (a *Analysis) exports(r *reader, types []FuncType, funcTypes []uint32) error {
	n, err := r.u32()
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		l, err := r.u32()
		if err != nil {
			return err
		}
		name, err := r.take(int(l))
		if err != nil {
			return err
		}
		kind, err := r.byte()
		if err != nil {
			return err
		}
		idx, err := r.u32()
		if err != nil {
			return err
		}
		switch kind {
		case 0:
			if idx >= uint32(len(funcTypes)) || funcTypes[idx] >= uint32(len(types)) {
				return fmt.Errorf("export %q names function %d, which has no type", name, idx)
			}
			a.ExportedFuncs[string(name)] = types[funcTypes[idx]]
		case 2:
			a.ExportedMemories = append(a.ExportedMemories, string(name))
		}
	}
	return nil
}

func (a *Analysis) imports(r *reader, funcTypes *[]uint32) error {
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
			var t uint32
			t, err = r.u32()
			*funcTypes = append(*funcTypes, t)
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
