package timestamp

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// lenient reports whether s breaks one of RFC 3339's rules that
// time.Parse does not enforce (go.dev/issue/54580 lists them): a one-digit
// hour, a ',' before the fraction, an offset hour over 23 or minute over 59.
func lenient(s string) bool {
	num2 := func(b string) int { return int(b[0]-'0')*10 + int(b[1]-'0') }
	return s[12] == ':' || s[19] == ',' || s[len(s)-1] != 'Z' && (num2(s[len(s)-5:]) >= 24 || num2(s[len(s)-2:]) >= 60)
}

// check compares ParseRFC3339 with time.Parse(time.RFC3339), which is
// stricter only where lenient says, and ParseDate with
// time.Parse(time.DateOnly), on s.
func check(t *testing.T, s string) {
	t.Helper()
	want, err := time.Parse(time.RFC3339, s)
	if err == nil && lenient(s) {
		err = errors.New("not RFC 3339")
	}
	got, ok := ParseRFC3339(s)
	if ok != (err == nil) || (ok && got != want.Unix()) {
		t.Errorf("ParseRFC3339(%q) = %d, %v; time.Parse: %v, %v", s, got, ok, want.Unix(), err)
	}
	want, err = time.Parse(time.DateOnly, s)
	got, ok = ParseDate(s)
	if ok != (err == nil) || (ok && got != want.Unix()) {
		t.Errorf("ParseDate(%q) = %d, %v; time.Parse: %v, %v", s, got, ok, want.Unix(), err)
	}
}

func TestAgreesWithPackageTime(t *testing.T) {
	for _, s := range []string{
		"2026-01-02T03:04:05Z", "2026-01-02T03:04:05.123456789Z", "2026-01-02T03:04:05.1+01:00",
		"2026-01-02T03:04:05-07:30", "1969-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+23:59",
		"2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2000-02-29T12:00:00Z",
		"2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z",
		"2026-01-02T24:00:00Z", "2026-01-02T23:60:00Z", "2026-01-02T23:59:60Z", "2026-01-02T03:04:05",
		"2026-01-02t03:04:05Z", "2026-01-02T03:04:05z", "2026-01-02 03:04:05Z", "2026-01-02T03:04:05+0100",
		"2026-01-02T03:04:05+24:00", "2026-01-02T03:04:05+01:60", "2026-01-02T03:04:05.Z", "2026-01-02T3:04:05Z",
		"2026-01-02", "2026-1-02", "+2026-01-02", "2026-01-02T03:04:05,5Z", "2026-01-02T03:04:05.1234567890Z",
		"", "Z", "not a date", "2026-01-02T03:04:05Z ", " 2026-01-02T03:04:05Z", "２026-01-02T03:04:05Z",
	} {
		check(t, s)
	}
}

// Random date-times, valid and damaged, agree with package time.
func TestRandomTimestampsAgreeWithPackageTime(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		ts := time.Unix(r.Int64N(253402300799), r.Int64N(1e9)).UTC()
		s := ts.Format(time.RFC3339Nano)
		if r.IntN(2) == 0 {
			s = ts.In(time.FixedZone("", (r.IntN(48)-24)*1800)).Format(time.RFC3339)
		}
		check(t, s)
		check(t, s[:10])
		b := []byte(s)
		b[r.IntN(len(b))] = "0123456789:-+TZ.x"[r.IntN(17)]
		check(t, string(b))
		check(t, s[:r.IntN(len(s))])
	}
}

func FuzzAgreesWithPackageTime(f *testing.F) {
	for _, s := range []string{"2026-01-02T03:04:05Z", "2026-01-02T03:04:05.5-01:00", "2026-01-02", strconv.Itoa(1)} {
		f.Add(s)
	}
	f.Fuzz(check)
}
