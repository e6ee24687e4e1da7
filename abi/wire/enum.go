package wire

import "strconv"

// EnumName returns the name of value v of a generated enum (its String
// method): the names of values 0 to len(index)-2 are concatenated in names,
// value v's being names[index[v]:index[v+1]]. Any other value, or an index
// that does not fit names, gives v's decimal number, as protobuf-go's String
// does for a value without a name.
func EnumName(names string, index []uint16, v int32) string {
	if v >= 0 && int(v) < len(index)-1 {
		if lo, hi := int(index[v]), int(index[v+1]); lo <= hi && hi <= len(names) {
			return names[lo:hi]
		}
	}
	return strconv.Itoa(int(v))
}
