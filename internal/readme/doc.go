// Package readme holds the check that keeps the root README.md true: its
// test extracts every ```sh block of the README and runs each command that
// can run offline against a connector host it starts, stripe-mock for
// Stripe and a stub for Adyen, exactly as a new user would type them
// (addresses and ports aside). Commands it cannot run (make run, make test)
// are listed with the reason.
package readme
