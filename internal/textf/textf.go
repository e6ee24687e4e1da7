// Package textf is a small printf-style formatter for code that runs inside
// WebAssembly plugins, where linking fmt costs about 700 KB (it brings
// reflect and os).
//
// Sprintf and Errorf accept the verbs this code base uses and print them
// byte for byte as fmt does for the argument types it passes:
//
//	%v %s      string, []byte, error, String() string, bool, signed and
//	           unsigned integers, float32/64, []string, nil
//	%d         signed and unsigned integers
//	%q         string, []byte, error, String() string, integers (a quoted
//	           rune), []string
//	%x %X      string, []byte, integers, error, String() string
//	%f %e %g   float32/64
//	%t         bool
//	%w         an error (Errorf only; one %w wraps as fmt.Errorf does, two or
//	           more wrap a list)
//	%%         a percent sign
//
// with the flags + - # 0 and space, a width and a precision. Anything else
// (another verb, a type without reflection's help, %T, explicit argument
// indexes, * widths) never panics: it prints a fmt-like marker such as
// %!d(string=abc) or %!v(?), where ? stands for a type name textf cannot
// know without reflect.
package textf

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// Sprintf formats according to format, as fmt.Sprintf does for the
// supported verbs and types (see the package documentation).
func Sprintf(format string, args ...any) string {
	p := printer{}
	p.doPrintf(format, args)
	return string(p.buf)
}

// Errorf formats like Sprintf and returns the string as an error. As with
// fmt.Errorf, an error operand of one %w verb is what the result's Unwrap
// returns; with several %w the result has Unwrap() []error; %w with an
// operand that is not an error prints a %!w marker and wraps nothing.
func Errorf(format string, args ...any) error {
	p := printer{wrapErrs: true}
	p.doPrintf(format, args)
	s := string(p.buf)
	switch len(p.wrapped) {
	case 0:
		return errors.New(s)
	case 1:
		// As fmt does, a %w operand that is not an error wraps nil.
		err, _ := args[p.wrapped[0]].(error)
		return &wrapError{msg: s, err: err}
	}
	var errs []error
	for i, n := range p.wrapped {
		if i > 0 && p.wrapped[i-1] == n {
			continue
		}
		if e, ok := args[n].(error); ok {
			errs = append(errs, e)
		}
	}
	return &wrapErrors{msg: s, errs: errs}
}

// wrapError is the result of Errorf with one %w, like fmt's.
type wrapError struct {
	msg string
	err error
}

func (e *wrapError) Error() string { return e.msg }
func (e *wrapError) Unwrap() error { return e.err }

// wrapErrors is the result of Errorf with several %w, like fmt's.
type wrapErrors struct {
	msg  string
	errs []error
}

func (e *wrapErrors) Error() string   { return e.msg }
func (e *wrapErrors) Unwrap() []error { return e.errs }

// flags is one verb's flags, width and precision.
type flags struct {
	plus, minus, sharp, space, zero bool
	// sharpV and plusV are %#v and %+v: fmt moves the flags there for v.
	sharpV, plusV           bool
	wid, prec               int
	widPresent, precPresent bool
}

// printer is one Sprintf or Errorf call's state.
type printer struct {
	buf      []byte
	f        flags
	wrapErrs bool
	// wrapped are the argument indexes of the %w verbs, in order.
	wrapped []int
}

func (p *printer) doPrintf(format string, args []any) {
	argNum := 0
	end := len(format)
	for i := 0; i < end; {
		lasti := i
		for i < end && format[i] != '%' {
			i++
		}
		p.buf = append(p.buf, format[lasti:i]...)
		if i >= end {
			break
		}
		i++ // skip %
		p.f = flags{}
	flagLoop:
		for ; i < end; i++ {
			switch format[i] {
			case '#':
				p.f.sharp = true
			case '0':
				p.f.zero = true
			case '+':
				p.f.plus = true
			case '-':
				p.f.minus = true
			case ' ':
				p.f.space = true
			default:
				break flagLoop
			}
		}
		p.f.wid, p.f.widPresent, i = parseNum(format, i, end)
		if i < end && format[i] == '.' {
			i++
			p.f.prec, p.f.precPresent, i = parseNum(format, i, end)
			if !p.f.precPresent {
				p.f.prec, p.f.precPresent = 0, true
			}
		}
		if i >= end {
			p.buf = append(p.buf, "%!(NOVERB)"...)
			break
		}
		verb, size := rune(format[i]), 1
		if verb >= utf8.RuneSelf {
			verb, size = utf8.DecodeRuneInString(format[i:])
		}
		i += size
		switch {
		case verb == '%':
			p.buf = append(p.buf, '%')
		case verb == '[' || verb == '*' || verb == 'T':
			// Explicit indexes, * widths and %T need reflect or are not used.
			p.buf = append(p.buf, "%!"...)
			p.buf = utf8.AppendRune(p.buf, verb)
			p.buf = append(p.buf, "(UNSUPPORTED)"...)
		case argNum >= len(args):
			p.buf = append(p.buf, "%!"...)
			p.buf = utf8.AppendRune(p.buf, verb)
			p.buf = append(p.buf, "(MISSING)"...)
		case verb == 'w' || verb == 'v':
			if verb == 'w' {
				p.wrapped = append(p.wrapped, argNum)
			}
			p.f.sharpV, p.f.sharp = p.f.sharp, false
			p.f.plusV, p.f.plus = p.f.plus, false
			p.printArg(args[argNum], verb)
			argNum++
		default:
			p.printArg(args[argNum], verb)
			argNum++
		}
	}
	if argNum < len(args) {
		p.f = flags{}
		p.buf = append(p.buf, "%!(EXTRA "...)
		for j, arg := range args[argNum:] {
			if j > 0 {
				p.buf = append(p.buf, ", "...)
			}
			if arg == nil {
				p.buf = append(p.buf, "<nil>"...)
				continue
			}
			p.buf = append(p.buf, typeName(arg)...)
			p.buf = append(p.buf, '=')
			p.printArg(arg, 'v')
		}
		p.buf = append(p.buf, ')')
	}
}

// parseNum reads a decimal number at s[start:end] as fmt does (at most
// 1e6, larger is treated as absent).
func parseNum(s string, start, end int) (num int, isnum bool, newi int) {
	newi = start
	for ; newi < end && '0' <= s[newi] && s[newi] <= '9'; newi++ {
		if num > 1e6 {
			return 0, false, end
		}
		num = num*10 + int(s[newi]-'0')
		isnum = true
	}
	return num, isnum, newi
}

// typeName is the fmt %T of the basic types textf knows, "?" otherwise.
func typeName(arg any) string {
	switch arg.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case int:
		return "int"
	case int8:
		return "int8"
	case int16:
		return "int16"
	case int32:
		return "int32"
	case int64:
		return "int64"
	case uint:
		return "uint"
	case uint8:
		return "uint8"
	case uint16:
		return "uint16"
	case uint32:
		return "uint32"
	case uint64:
		return "uint64"
	case uintptr:
		return "uintptr"
	case float32:
		return "float32"
	case float64:
		return "float64"
	case []byte:
		return "[]uint8"
	case []string:
		return "[]string"
	}
	return "?"
}

// badVerb prints fmt's marker for a verb the argument's type does not take.
func (p *printer) badVerb(verb rune, arg any) {
	p.buf = append(p.buf, "%!"...)
	p.buf = utf8.AppendRune(p.buf, verb)
	p.buf = append(p.buf, '(')
	if arg == nil {
		p.buf = append(p.buf, "<nil>"...)
	} else {
		p.buf = append(p.buf, typeName(arg)...)
		p.buf = append(p.buf, '=')
		// fmt prints the operand with the verb's flags; %#v is cleared so
		// that a marker never asks for another.
		f := p.f
		p.f.sharpV = false
		p.printArg(arg, 'v')
		p.f = f
	}
	p.buf = append(p.buf, ')')
}

func (p *printer) printArg(arg any, verb rune) {
	if arg == nil {
		switch verb {
		case 'v':
			p.padString("<nil>")
		default:
			p.badVerb(verb, arg)
		}
		return
	}
	// Basic types first, as fmt does: a named type with a String method
	// is not one of them (a type switch matches exact types only).
	switch v := arg.(type) {
	case bool:
		p.fmtBool(v, verb)
	case float32:
		p.fmtFloat(float64(v), 32, verb, v)
	case float64:
		p.fmtFloat(v, 64, verb, v)
	case int:
		p.fmtInteger(uint64(v), true, verb, v)
	case int8:
		p.fmtInteger(uint64(v), true, verb, v)
	case int16:
		p.fmtInteger(uint64(v), true, verb, v)
	case int32:
		p.fmtInteger(uint64(v), true, verb, v)
	case int64:
		p.fmtInteger(uint64(v), true, verb, v)
	case uint:
		p.fmtInteger(uint64(v), false, verb, v)
	case uint8:
		p.fmtInteger(uint64(v), false, verb, v)
	case uint16:
		p.fmtInteger(uint64(v), false, verb, v)
	case uint32:
		p.fmtInteger(uint64(v), false, verb, v)
	case uint64:
		p.fmtInteger(v, false, verb, v)
	case uintptr:
		p.fmtInteger(uint64(v), false, verb, v)
	case string:
		p.fmtString(v, verb)
	case []byte:
		p.fmtBytes(v, verb)
	case []string:
		p.fmtStrings(v, verb)
	case error:
		if verb == 'w' && p.wrapErrs {
			verb = 'v'
		}
		p.handleMethod(verb, arg, func() string { return v.Error() })
	case interface{ String() string }:
		p.handleMethod(verb, arg, func() string { return v.String() })
	default:
		// fmt prints other types with reflect: a marker without a value.
		p.buf = append(p.buf, "%!"...)
		p.buf = utf8.AppendRune(p.buf, verb)
		p.buf = append(p.buf, "(?)"...)
	}
}

// handleMethod prints the result of an Error or String method for the
// verbs fmt calls it for (v s x X q); like fmt, a panic in the method is
// caught: a nil pointer receiver prints <nil>, any other panic a marker.
func (p *printer) handleMethod(verb rune, arg any, method func() string) {
	switch verb {
	case 'v', 's', 'x', 'X', 'q':
	default:
		p.badVerb(verb, arg)
		return
	}
	if p.f.sharpV {
		p.badVerb(verb, arg)
		return
	}
	s, panicked := callMethod(method)
	if panicked != "" {
		if panicked == nilPanic {
			p.padString("<nil>")
			return
		}
		p.buf = append(p.buf, "%!"...)
		p.buf = utf8.AppendRune(p.buf, verb)
		p.buf = append(p.buf, "(PANIC="...)
		p.buf = append(p.buf, panicked...)
		p.buf = append(p.buf, ')')
		return
	}
	p.fmtString(s, verb)
}

const nilPanic = "\x00nil"

// callMethod runs method, turning a panic into a description.
func callMethod(method func() string) (s string, panicked string) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(interface {
				error
				RuntimeError()
			}); ok && e.Error() == "runtime error: invalid memory address or nil pointer dereference" {
				panicked = nilPanic
				return
			}
			panicked = "String method: " + describePanic(r)
		}
	}()
	return method(), ""
}

func describePanic(r any) string {
	switch v := r.(type) {
	case string:
		return v
	case error:
		return v.Error()
	case interface{ String() string }:
		return v.String()
	}
	return "?"
}

// pad writes b with the width's padding (spaces, or zeros when asked).
func (p *printer) pad(b []byte) {
	if !p.f.widPresent || p.f.wid == 0 {
		p.buf = append(p.buf, b...)
		return
	}
	width := p.f.wid - utf8.RuneCount(b)
	if !p.f.minus {
		p.writePadding(width)
		p.buf = append(p.buf, b...)
	} else {
		p.buf = append(p.buf, b...)
		p.writePadding(width)
	}
}

func (p *printer) padString(s string) {
	if !p.f.widPresent || p.f.wid == 0 {
		p.buf = append(p.buf, s...)
		return
	}
	width := p.f.wid - utf8.RuneCountInString(s)
	if !p.f.minus {
		p.writePadding(width)
		p.buf = append(p.buf, s...)
	} else {
		p.buf = append(p.buf, s...)
		p.writePadding(width)
	}
}

func (p *printer) writePadding(n int) {
	c := byte(' ')
	// fmt pads with zeros only to the left (the - flag turns zero off).
	if p.f.zero && !p.f.minus {
		c = '0'
	}
	for ; n > 0; n-- {
		p.buf = append(p.buf, c)
	}
}

func (p *printer) fmtBool(v bool, verb rune) {
	switch verb {
	case 't', 'v':
		p.padString(strconv.FormatBool(v))
	default:
		p.badVerb(verb, v)
	}
}

const (
	ldigits = "0123456789abcdefx"
	udigits = "0123456789ABCDEFX"
)

// fmtInteger prints an integer (u holds a signed value's bits when
// signed) for v d b o O x X c q; arg is the operand, for markers.
func (p *printer) fmtInteger(u uint64, signed bool, verb rune, arg any) {
	switch verb {
	case 'v':
		if p.f.sharpV && !signed {
			// %#v of an unsigned integer is 0x-prefixed hex.
			sharp := p.f.sharp
			p.f.sharp = true
			p.integer(u, 16, signed, 'v', ldigits)
			p.f.sharp = sharp
			return
		}
		p.integer(u, 10, signed, verb, ldigits)
	case 'd':
		p.integer(u, 10, signed, verb, ldigits)
	case 'b':
		p.integer(u, 2, signed, verb, ldigits)
	case 'o', 'O':
		p.integer(u, 8, signed, verb, ldigits)
	case 'x':
		p.integer(u, 16, signed, verb, ldigits)
	case 'X':
		p.integer(u, 16, signed, verb, udigits)
	case 'c':
		p.pad(utf8.AppendRune(nil, runeOf(u)))
	case 'q':
		if p.f.plus {
			p.pad(strconv.AppendQuoteRuneToASCII(nil, runeOf(u)))
			return
		}
		p.pad(strconv.AppendQuoteRune(nil, runeOf(u)))
	default:
		p.badVerb(verb, arg)
	}
}

// runeOf is fmt's rune of an integer operand of %c and %q (a negative
// one is a huge uint64, so RuneError).
func runeOf(u uint64) rune {
	if u > utf8.MaxRune {
		return utf8.RuneError
	}
	return rune(u)
}

// integer is fmt's fmtInteger.
func (p *printer) integer(u uint64, base int, isSigned bool, verb rune, digits string) {
	negative := isSigned && int64(u) < 0
	if negative {
		u = -u
	}
	var buf []byte
	// Two ways to ask for extra leading zero digits: %.3d or %03d.
	// If both are specified the zero flag is ignored and
	// padding with spaces is used instead.
	prec := 0
	if p.f.precPresent {
		prec = p.f.prec
		// Precision of 0 and value of 0 means "print nothing" but padding.
		if prec == 0 && u == 0 {
			oldZero := p.f.zero
			p.f.zero = false
			if p.f.widPresent {
				p.writePadding(p.f.wid)
			}
			p.f.zero = oldZero
			return
		}
	} else if p.f.zero && !p.f.minus && p.f.widPresent { // Zero padding is allowed only to the left.
		prec = p.f.wid
		if negative || p.f.plus || p.f.space {
			prec-- // leave room for sign
		}
	}
	// Digits are appended least significant first and reversed below.
	for u >= uint64(base) {
		buf = append(buf, digits[u%uint64(base)])
		u /= uint64(base)
	}
	buf = append(buf, digits[u])
	for len(buf) < prec {
		buf = append(buf, '0')
	}
	if p.f.sharp {
		switch base {
		case 2:
			buf = append(buf, 'b', '0')
		case 8:
			if buf[len(buf)-1] != '0' {
				buf = append(buf, '0')
			}
		case 16:
			buf = append(buf, digits[16], '0')
		}
	}
	if verb == 'O' {
		buf = append(buf, 'o', '0')
	}
	if negative {
		buf = append(buf, '-')
	} else if p.f.plus {
		buf = append(buf, '+')
	} else if p.f.space {
		buf = append(buf, ' ')
	}
	for i, j := 0, len(buf)-1; i < j; i, j = i+1, j-1 {
		buf[i], buf[j] = buf[j], buf[i]
	}
	// Left padding with zeros has already been handled like precision earlier
	// or the zero flag is ignored due to an explicit precision.
	oldZero := p.f.zero
	p.f.zero = false
	p.pad(buf)
	p.f.zero = oldZero
}

// fmtFloat is fmt's float formatting for v b g G x X f F e E; arg is the
// operand, for markers.
func (p *printer) fmtFloat(v float64, size int, verb rune, arg any) {
	switch verb {
	case 'v':
		p.float(v, size, 'g', -1)
	case 'b', 'g', 'G', 'x', 'X':
		p.float(v, size, byte(verb), -1)
	case 'f', 'e', 'E':
		p.float(v, size, byte(verb), 6)
	case 'F':
		p.float(v, size, 'f', 6)
	default:
		p.badVerb(verb, arg)
	}
}

// float is fmt's fmtFloat.
func (p *printer) float(v float64, size int, verb byte, prec int) {
	if p.f.precPresent {
		prec = p.f.prec
	}
	// Format number, reserving space for leading + sign if needed.
	num := strconv.AppendFloat([]byte{'+'}, v, verb, prec, size)
	if num[1] == '-' || num[1] == '+' {
		num = num[1:]
	} else {
		num[0] = '+'
	}
	// If we're asked for a space instead of a + sign, change it.
	if p.f.space && num[0] == '+' && !p.f.plus {
		num[0] = ' '
	}
	// Infinities and NaN are not padded with zeros.
	if num[1] == 'I' || num[1] == 'N' {
		oldZero := p.f.zero
		p.f.zero = false
		// Remove sign before NaN if not asked for.
		if num[1] == 'N' && !p.f.space && !p.f.plus {
			num = num[1:]
		}
		p.pad(num)
		p.f.zero = oldZero
		return
	}
	// The sharp flag forces printing a decimal point and keeps trailing
	// zeros for %e, %f and %g.
	if p.f.sharp && verb != 'b' {
		digits := 0
		if verb == 'g' || verb == 'G' || verb == 'x' {
			digits = prec
			if digits == -1 {
				digits = 6
			}
		}
		var tail []byte
		hasDecimalPoint := false
		sawNonzeroDigit := false
		for i := 1; i < len(num); i++ {
			switch num[i] {
			case '.':
				hasDecimalPoint = true
			case 'p', 'P':
				tail = append(tail, num[i:]...)
				num = num[:i]
			case 'e', 'E':
				if verb != 'x' && verb != 'X' {
					tail = append(tail, num[i:]...)
					num = num[:i]
					break
				}
				fallthrough
			default:
				if num[i] != '0' {
					sawNonzeroDigit = true
				}
				if sawNonzeroDigit {
					digits--
				}
			}
		}
		if !hasDecimalPoint {
			if len(num) == 2 && num[1] == '0' {
				digits--
			}
			num = append(num, '.')
		}
		for digits > 0 {
			num = append(num, '0')
			digits--
		}
		num = append(num, tail...)
	}
	if p.f.plus || num[0] != '+' {
		// Zero padding goes between the sign and the digits.
		if p.f.zero && !p.f.minus && p.f.widPresent && p.f.wid > len(num) {
			p.buf = append(p.buf, num[0])
			p.writePadding(p.f.wid - len(num))
			p.buf = append(p.buf, num[1:]...)
			return
		}
		p.pad(num)
		return
	}
	// No sign to show and the number is positive: the unsigned number.
	p.pad(num[1:])
}

// truncate is s cut to the precision's number of runes.
func (p *printer) truncate(s string) string {
	if p.f.precPresent {
		n := p.f.prec
		for i := range s {
			n--
			if n < 0 {
				return s[:i]
			}
		}
	}
	return s
}

func (p *printer) fmtString(s string, verb rune) {
	switch verb {
	case 'v':
		if p.f.sharpV {
			p.quote(s)
			return
		}
		p.padString(p.truncate(s))
	case 's':
		p.padString(p.truncate(s))
	case 'x':
		p.hexString(s, ldigits)
	case 'X':
		p.hexString(s, udigits)
	case 'q':
		p.quote(s)
	default:
		p.badVerb(verb, s)
	}
}

func (p *printer) quote(s string) {
	s = p.truncate(s)
	if p.f.sharp && strconv.CanBackquote(s) {
		p.padString("`" + s + "`")
		return
	}
	if p.f.plus {
		p.pad(strconv.AppendQuoteToASCII(nil, s))
		return
	}
	p.pad(strconv.AppendQuote(nil, s))
}

// hexString is fmt's fmtSbx for a string.
func (p *printer) hexString(s string, digits string) {
	length := len(s)
	if p.f.precPresent && p.f.prec < length {
		length = p.f.prec
	}
	width := 2 * length
	if width == 0 {
		if p.f.widPresent {
			p.writePadding(p.f.wid)
		}
		return
	}
	if p.f.space {
		if p.f.sharp {
			width *= 2
		}
		width += length - 1
	} else if p.f.sharp {
		width += 2
	}
	if p.f.widPresent && p.f.wid > width && !p.f.minus {
		p.writePadding(p.f.wid - width)
	}
	if p.f.sharp {
		p.buf = append(p.buf, '0', digits[16])
	}
	for i := 0; i < length; i++ {
		if p.f.space && i > 0 {
			p.buf = append(p.buf, ' ')
			if p.f.sharp {
				p.buf = append(p.buf, '0', digits[16])
			}
		}
		c := s[i]
		p.buf = append(p.buf, digits[c>>4], digits[c&0xF])
	}
	if p.f.widPresent && p.f.wid > width && p.f.minus {
		p.writePadding(p.f.wid - width)
	}
}

func (p *printer) fmtBytes(v []byte, verb rune) {
	switch verb {
	case 's', 'q', 'x', 'X':
		p.fmtString(string(v), verb)
		return
	}
	if p.f.sharpV {
		if v == nil {
			p.buf = append(p.buf, "[]byte(nil)"...)
			return
		}
		p.buf = append(p.buf, "[]byte{"...)
		for i, c := range v {
			if i > 0 {
				p.buf = append(p.buf, ", "...)
			}
			sharp := p.f.sharp
			p.f.sharp = true
			p.integer(uint64(c), 16, false, 'v', ldigits)
			p.f.sharp = sharp
		}
		p.buf = append(p.buf, '}')
		return
	}
	// Other verbs print each byte as a uint8, as fmt does.
	p.buf = append(p.buf, '[')
	for i, c := range v {
		if i > 0 {
			p.buf = append(p.buf, ' ')
		}
		p.fmtInteger(uint64(c), false, verb, c)
	}
	p.buf = append(p.buf, ']')
}

// fmtStrings prints a []string as fmt does: [a b], each element with the
// verb and flags.
func (p *printer) fmtStrings(v []string, verb rune) {
	if verb == 'w' {
		// fmt refuses %w for a whole non-error operand.
		p.badVerb(verb, v)
		return
	}
	if p.f.sharpV {
		if v == nil {
			p.buf = append(p.buf, "[]string(nil)"...)
			return
		}
		p.buf = append(p.buf, "[]string{"...)
		for i, s := range v {
			if i > 0 {
				p.buf = append(p.buf, ", "...)
			}
			p.fmtString(s, verb)
		}
		p.buf = append(p.buf, '}')
		return
	}
	p.buf = append(p.buf, '[')
	for i, s := range v {
		if i > 0 {
			p.buf = append(p.buf, ' ')
		}
		p.fmtString(s, verb)
	}
	p.buf = append(p.buf, ']')
}
