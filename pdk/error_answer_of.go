package pdk

import "github.com/valyala/fastjson"

// ErrorAnswerOf is an API.ErrorAnswer made of a connector's own reader of
// error answers, read (nil for a 2xx answer, else the typed *Error it
// builds from the answer), for a connector whose declines are not error
// answers (never a decline): Checkout.com's and Razorpay's httpError,
// shared by their declared Calls and hand-written Parse functions. An error
// read returns that is not an *Error reads as none.
func ErrorAnswerOf(read func(res *Response) error) func(res *Response, body *fastjson.Value) (*Error, bool) {
	return func(res *Response, _ *fastjson.Value) (*Error, bool) {
		e, _ := read(res).(*Error)
		return e, false
	}
}
