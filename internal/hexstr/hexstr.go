// Package hexstr is encoding/hex's EncodeToString and DecodeString for
// plugin code: encoding/hex links fmt (for its error messages), which
// costs a WebAssembly plugin about 700 KB. Results and error messages are
// encoding/hex's.
package hexstr

import (
	"errors"
	"strconv"
)

const hextable = "0123456789abcdef"

// ErrLength is encoding/hex's error for an odd-length input.
var ErrLength = errors.New("encoding/hex: odd length hex string")

// InvalidByteError is encoding/hex's error for a byte that is not a hex
// digit.
type InvalidByteError byte

func (e InvalidByteError) Error() string {
	// encoding/hex formats it with %#U: U+0067 'g'.
	r := rune(e)
	s := strconv.FormatInt(int64(r), 16)
	for len(s) < 4 {
		s = "0" + s
	}
	msg := "encoding/hex: invalid byte: U+" + upper(s)
	if strconv.IsPrint(r) {
		msg += " '" + string(r) + "'"
	}
	return msg
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// EncodeToString returns the lower-case hexadecimal encoding of src.
func EncodeToString(src []byte) string {
	dst := make([]byte, len(src)*2)
	for i, v := range src {
		dst[i*2] = hextable[v>>4]
		dst[i*2+1] = hextable[v&0x0f]
	}
	return string(dst)
}

// fromHex is a hex digit's value, or false.
func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// DecodeString returns the bytes represented by the hexadecimal string s
// (either case). Like encoding/hex, it reports the first invalid byte
// before an odd length.
func DecodeString(s string) ([]byte, error) {
	dst := make([]byte, 0, len(s)/2)
	j := 1
	for ; j < len(s); j += 2 {
		a, ok := fromHex(s[j-1])
		if !ok {
			return nil, InvalidByteError(s[j-1])
		}
		b, ok := fromHex(s[j])
		if !ok {
			return nil, InvalidByteError(s[j])
		}
		dst = append(dst, a<<4|b)
	}
	if len(s)%2 == 1 {
		if _, ok := fromHex(s[j-1]); !ok {
			return nil, InvalidByteError(s[j-1])
		}
		return nil, ErrLength
	}
	return dst, nil
}
