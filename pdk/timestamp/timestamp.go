// Package timestamp reads the timestamps processors write (RFC 3339 date-times
// and ISO 8601 dates) as Unix seconds, without package time: time links the
// runtime's metrics and GODEBUG machinery, about a quarter of a megabyte of a
// plugin, for what is here a few lines of calendar arithmetic. Its tests
// compare it with package time on valid, damaged and random inputs.
package timestamp

// ParseRFC3339 reads an RFC 3339 date-time ("2026-01-02T03:04:05Z",
// "2026-01-02T03:04:05.123+01:00") as Unix seconds (a fraction is dropped).
// It reads what time.Parse(time.RFC3339, s) reads, and is stricter where RFC
// 3339 is and time.Parse is not (go.dev/issue/54580): a two-digit hour, a '.'
// before a fraction, an offset within ±23:59. ok is false when s is not one.
func ParseRFC3339(s string) (unix int64, ok bool) {
	if len(s) < len("2006-01-02T15:04:05Z") || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	days, ok := date(s[:10])
	if !ok {
		return 0, false
	}
	hour, ok1 := digits(s[11:13], 0, 23)
	minute, ok2 := digits(s[14:16], 0, 59)
	second, ok3 := digits(s[17:19], 0, 59)
	if !ok1 || !ok2 || !ok3 {
		return 0, false
	}
	rest := s[19:]
	if len(rest) > 1 && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return 0, false
		}
		rest = rest[n:]
	}
	var offset int64
	switch {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits(rest[1:3], 0, 23)
		om, ok2 := digits(rest[4:6], 0, 59)
		if !ok1 || !ok2 {
			return 0, false
		}
		offset = oh*3600 + om*60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return 0, false
	}
	return days*86400 + hour*3600 + minute*60 + second - offset, true
}

// ParseDate reads an ISO 8601 calendar date ("2026-01-02") as the Unix
// seconds of its midnight UTC, as time.Parse(time.DateOnly, s) reads it.
func ParseDate(s string) (unix int64, ok bool) {
	days, ok := date(s)
	return days * 86400, ok
}

// date reads YYYY-MM-DD as days since 1970-01-01.
func date(s string) (int64, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, ok1 := digits(s[:4], 0, 9999)
	m, ok2 := digits(s[5:7], 1, 12)
	d, ok3 := digits(s[8:10], 1, 31)
	if !ok1 || !ok2 || !ok3 || d > daysIn(y, m) {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

// digits reads s (ASCII digits only) as a number in [lo, hi].
func digits(s string, lo, hi int64) (int64, bool) {
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, n >= lo && n <= hi
}

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
