package conformancetest

import (
	"net/http"
	"sync"
	"testing"
)

// Scripted is a fake processor for Plugin.Execute: it answers each request
// with the next of its Answers, in order, and records what it was asked
// ("METHOD /path"). A request beyond the script fails the test and is
// answered 418.
type Scripted struct {
	T       testing.TB
	Answers []Answer

	mu    sync.Mutex
	asked []string
}

// Answer is one scripted answer: an HTTP status and a JSON body.
type Answer struct {
	Status int
	Body   string
}

// Asked returns the requests received so far, as "METHOD /path".
func (s *Scripted) Asked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.asked...)
}

// ServeHTTP answers r with the next scripted answer.
func (s *Scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.asked = append(s.asked, r.Method+" "+r.URL.Path)
	if len(s.Answers) == 0 {
		s.mu.Unlock()
		s.T.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		w.WriteHeader(http.StatusTeapot)
		return
	}
	a := s.Answers[0]
	s.Answers = s.Answers[1:]
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.Status)
	_, _ = w.Write([]byte(a.Body))
}
