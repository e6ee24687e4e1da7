//go:build !wasip1

package stripe

// Exported for the external host end-to-end test (package stripe_test),
// which shares this package's stripe-mock and TestMain.
var (
	// StripeMockURL returns the base URL of the shared stripe-mock, starting
	// it on first use; it skips the test in -short mode.
	StripeMockURL = stripeMockURL
	// AtExit registers a cleanup TestMain runs after every test, before it
	// stops stripe-mock.
	AtExit = atExit
)
