package app_test

import (
	"net/http"
	"testing"
)

func checkOpenAPI(t *testing.T, req *http.Request, reqBody []byte, res *http.Response, body []byte) {}
