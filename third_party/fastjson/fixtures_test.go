package fastjson

import "os"

// The fixtures upstream's tests read (upstream defines them with its
// benchmarks in parser_timing_test.go, which this copy drops with the
// benchmark-only testdata: canada.json, citm_catalog.json, twitter.json).
var (
	smallFixture  = getFromFile("testdata/small.json")
	mediumFixture = getFromFile("testdata/medium.json")
	largeFixture  = getFromFile("testdata/large.json")
)

func getFromFile(filename string) string {
	data, err := os.ReadFile(filename)
	if err != nil {
		panic("cannot read " + filename + ": " + err.Error())
	}
	return string(data)
}
