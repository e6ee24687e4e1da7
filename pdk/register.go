package pdk

// registered is the Connector the wasip1 exports serve. A plugin module holds
// exactly one; it is set from package main's init, before any export runs.
var registered *Dispatcher

// Register makes c the connector this plugin module serves. Call it once, from
// package main's init function.
func Register(c *Connector) {
	if registered != nil {
		panic("pdk: Register called twice")
	}
	registered = NewDispatcher(c)
}
