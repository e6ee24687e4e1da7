package pdk

import (
	"strconv"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// A handler that needs a fact before it can act (a payment's amount, an
// order's payments) asks the host for a step (NeedStep) whose request's
// state holds a key (AskState). The step's handler sees the key (Asked) and
// reports the fact under it, stamped with the call's clock (Stamp); the
// handler that asked, run again with the step's state, reads it with
// Stamped, which trusts only a value stamped in this call: a caller may send
// back the state of an earlier call, whose facts may have changed since.

// askedValue is the value AskState puts under its key.
const askedValue = "requested"

// AskState is the state of a step's request asking its handler to report
// under key.
func AskState(key string) *v1.ConnectorState {
	return &v1.ConnectorState{Values: map[string]string{key: askedValue}}
}

// Asked reports whether a request's state asks its handler to report under key.
func Asked(st *v1.ConnectorState, key string) bool {
	_, ok := st.GetValues()[key]
	return ok
}

// Stamp returns value stamped with this call's clock, "<Unix ms> <value>",
// for a step's handler to report under the key it was asked for.
func (c *Context) Stamp(value string) string {
	return strconv.FormatInt(c.nowUnixMs, 10) + " " + value
}

// Stamped returns the value a step of this call reported under key (see
// Stamp); ok is false when none did: no value, or one stamped at another
// time (an earlier call's).
func (c *Context) Stamped(key string) (value string, ok bool) {
	at, value, found := strings.Cut(c.State.GetValues()[key], " ")
	if !found || at != strconv.FormatInt(c.nowUnixMs, 10) {
		return "", false
	}
	return value, true
}
