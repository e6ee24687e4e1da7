package textf

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
)

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

type ptrStringer struct{ s string }

func (s *ptrStringer) String() string { return s.s }

type panicStringer struct{}

func (panicStringer) String() string { panic("boom") }

type myErr struct{ msg string }

func (e *myErr) Error() string { return e.msg }

// enum is like a generated protobuf enum: a named int32 with String.
type enum int32

func (e enum) String() string {
	if e == 1 {
		return "ONE"
	}
	return "UNKNOWN"
}

var operands = []any{
	"", "abc", "héllo, 世界", "quote\"back`slash\\\n\t\x00\xff", "%d",
	[]byte(nil), []byte("bytes"), []byte{0, 1, 255},
	errors.New("an error"), &myErr{"my error"}, io.EOF,
	stringer{"value stringer"}, &ptrStringer{"pointer stringer"}, enum(1), enum(7),
	true, false,
	0, 1, -1, 42, -42, math.MaxInt64, math.MinInt64, 1 << 40,
	int8(-128), int8(127), int16(-300), int32(2026), int32(-7), int64(-9000000000),
	uint(7), uint8(200), uint16(65535), uint32(4000000000), uint64(math.MaxUint64), uintptr(12),
	0.0, 1.0, -1.5, 3.14159, 1e21, 1e-7, 123456789.0, float32(2.5), math.Inf(1), math.Inf(-1), math.NaN(),
	[]string(nil), []string{}, []string{"a", "b c", ""}, []string{"x\"y"},
	nil,
}

var verbs = []string{
	"%v", "%+v", "%#v", "%s", "%d", "%q", "%+q", "%#q", "%x", "%X", "%# x", "% x", "%#x", "%t",
	"%f", "%.2f", "%.0f", "%e", "%E", "%g", "%G", "%#g", "%c", "%o", "%O", "%b", "%w",
	"%5s", "%-5s|", "%.2s", "%5.1s", "%05d", "%+d", "% d", "%.3d", "%8.3d", "%-8d|", "%02d", "%04d",
	"%011d", "%014d", "%-010d|", "%.0d", "%5.0d", "%10.3f", "%-10.3f|", "%+.1e", "%08.2f", "%+08.2f",
	"%10v", "%-10v|", "%6q", "%x", "%.1x", "%10x",
}

// unsupported reports a textf output that stands for something it cannot
// print without reflect (a type name, %T, ...): it must be a marker.
func unsupported(s string) bool {
	return strings.Contains(s, "?") || strings.Contains(s, "UNSUPPORTED") || strings.Contains(s, "PANIC=")
}

func TestSprintfMatchesFmt(t *testing.T) {
	for _, verb := range verbs {
		for _, arg := range operands {
			want := fmt.Sprintf(verb, arg)
			got := Sprintf(verb, arg)
			if got == want {
				continue
			}
			if unsupported(got) && strings.Contains(got, "%!") {
				continue
			}
			t.Errorf("Sprintf(%q, %#v) = %q, fmt gives %q", verb, arg, got, want)
		}
	}
}

// The types fmt prints with reflect come out as markers, never a panic.
func TestSprintfMarkers(t *testing.T) {
	for _, c := range []struct {
		format string
		args   []any
		want   string
	}{
		{"%d", []any{"abc"}, "%!d(string=abc)"},
		{"%s", []any{nil}, "%!s(<nil>)"},
		{"%d", nil, "%!d(MISSING)"},
		{"%d %s", []any{1}, "1 %!s(MISSING)"},
		{"%d", []any{1, "x", nil}, "1%!(EXTRA string=x, <nil>)"},
		{"%", nil, "%!(NOVERB)"},
		{"100%%", nil, "100%"},
		{"%v", []any{struct{}{}}, "%!v(?)"},
		{"%d", []any{enum(1)}, "%!d(?=ONE)"},
		{"%T", []any{1}, "%!T(UNSUPPORTED)"},
		{"%[1]d", []any{1}, "%![(UNSUPPORTED)"},
		{"%v", []any{panicStringer{}}, "%!v(PANIC=String method: boom)"},
		{"%v", []any{(*ptrStringer)(nil)}, "<nil>"},
		{"%v", []any{(*myErr)(nil)}, "<nil>"},
		{"%w", []any{errors.New("x")}, "%!w(?=x)"},
	} {
		got := Sprintf(c.format, c.args...)
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("Sprintf(%q, %v) = %q, want %q", c.format, c.args, got, c.want)
		}
	}
}

func TestErrorfWraps(t *testing.T) {
	base := &myErr{"base"}
	other := errors.New("other")
	for _, c := range []struct {
		format string
		args   []any
		wraps  []error
	}{
		{"plain %d", []any{1}, nil},
		{"no verbs", nil, nil},
		{"%w: %q", []any{base, "USD"}, []error{base}},
		{"parse %q: %w", []any{"1.2", base}, []error{base}},
		{"%w and %w", []any{base, other}, []error{base, other}},
		{"%v is not wrapped", []any{base}, nil},
		{"%w", []any{"not an error"}, nil},
		{"%w", []any{nil}, nil},
	} {
		got := Errorf(c.format, c.args...)
		want := fmt.Errorf(c.format, c.args...)
		if got.Error() != want.Error() {
			t.Errorf("Errorf(%q).Error() = %q, fmt gives %q", c.format, got, want)
		}
		for _, w := range c.wraps {
			if !errors.Is(got, w) {
				t.Errorf("Errorf(%q) does not wrap %v", c.format, w)
			}
		}
		if len(c.wraps) == 0 && errors.Unwrap(got) != nil {
			t.Errorf("Errorf(%q) wraps %v", c.format, errors.Unwrap(got))
		}
		var me *myErr
		if errors.As(got, &me) != errors.As(want, &me) {
			t.Errorf("errors.As(Errorf(%q)) differs from fmt's", c.format)
		}
		_, oneG := got.(interface{ Unwrap() error })
		_, oneW := want.(interface{ Unwrap() error })
		_, manyG := got.(interface{ Unwrap() []error })
		_, manyW := want.(interface{ Unwrap() []error })
		if oneG != oneW || manyG != manyW {
			t.Errorf("Errorf(%q) unwraps as (%v, %v), fmt's as (%v, %v)", c.format, oneG, manyG, oneW, manyW)
		}
	}
}

// fuzzVerbs is what the fuzz test may put after a %: the verbs textf
// prints as fmt does for strings and integers.
const fuzzVerbs = "vsdqxXcob%"

// plainFormat reports whether every verb of format is one of fuzzVerbs
// (with flags, width and precision).
func plainFormat(format string) bool {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("#0+- 0123456789.", format[i]) >= 0 {
			i++
		}
		if i >= len(format) || strings.IndexByte(fuzzVerbs, format[i]) < 0 {
			return false
		}
	}
	return true
}

func FuzzSprintf(f *testing.F) {
	f.Add("%s: %d", "abc", int64(-12), uint8(7))
	f.Add("%q %x %X", "a\"b\xff", int64(255), uint8(0))
	f.Add("%-8.3s|%08d|%+o", "héllo", int64(math.MinInt64), uint8(255))
	f.Add("%#q %# x %c", "`x`", int64(0x1F600), uint8(65))
	f.Add("%5.2q %.0d %b %v", "", int64(0), uint8(1))
	f.Fuzz(func(t *testing.T, format, s string, i int64, u uint8) {
		if !plainFormat(format) {
			return
		}
		args := []any{s, i, u, []string{s, s}}
		if got, want := Sprintf(format, args...), fmt.Sprintf(format, args...); got != want {
			t.Errorf("Sprintf(%q, %q, %d, %d) = %q, fmt gives %q", format, s, i, u, got, want)
		}
		for _, verb := range []string{"%v", "%s", "%q", "%+q", "%#q", "%x", "% X", "%d", "%c", "%08d", "%-9.4s"} {
			for _, arg := range []any{s, i, u, uint64(i), int32(i)} {
				if got, want := Sprintf(verb, arg), fmt.Sprintf(verb, arg); got != want && !unsupported(got) {
					t.Errorf("Sprintf(%q, %#v) = %q, fmt gives %q", verb, arg, got, want)
				}
			}
		}
	})
}
