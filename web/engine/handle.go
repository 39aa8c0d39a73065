package engine

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"time"
)

// A Response is the answer to one request of the page.
type Response struct {
	Tab    string `json:"tab"`
	Error  *Error `json:"error,omitempty"`
	Result any    `json:"result,omitempty"`
	Micros int64  `json:"micros"` // time spent in the engine
}

// Tabs lists the tabs Handle answers, each with its function.
var Tabs = map[string]func(Request) (any, error){
	"result": func(r Request) (any, error) { return Derive(r) },
	"steps":  func(r Request) (any, error) { return Steps(r) },
	"latex":  func(r Request) (any, error) { return LaTeX(r) },
	"go":     func(r Request) (any, error) { return Go(r) },
	"graph":  func(r Request) (any, error) { return Graph(r) },
	"check":  func(r Request) (any, error) { return Check(r) },
}

// Handle answers the page: req is a Request in JSON, the answer a Response
// in JSON. A panic in the engine becomes an error of the response, so that
// one bad formula cannot stop the engine.
func Handle(tab, req string) string {
	start := time.Now()
	resp := handle(tab, req)
	resp.Tab = tab
	resp.Micros = time.Since(start).Microseconds()
	b, err := json.Marshal(resp)
	if err != nil {
		b, _ = json.Marshal(Response{Tab: tab, Error: fieldErr("", "encoding the answer: %v", err)})
	}
	return string(b)
}

func handle(tab, req string) (resp Response) {
	defer func() {
		if p := recover(); p != nil {
			resp = Response{Error: fieldErr("", "internal error (please report it with the page's link): %v\n%s", p, debug.Stack())}
		}
	}()
	fn := Tabs[tab]
	if fn == nil {
		return Response{Error: fieldErr("", "unknown tab %q", tab)}
	}
	if len(req) > MaxFormula+MaxDecls+MaxValues+4096 {
		return Response{Error: fieldErr("", "the request is %d bytes long; the playground takes at most %d", len(req), MaxFormula+MaxDecls+MaxValues+4096)}
	}
	var r Request
	if err := json.Unmarshal([]byte(req), &r); err != nil {
		return Response{Error: fieldErr("", "bad request: %v", err)}
	}
	res, err := fn(r)
	if err != nil {
		e, ok := err.(*Error)
		if !ok {
			e = fieldErr("", "%s", fmt.Sprint(err))
		}
		return Response{Error: e}
	}
	return Response{Result: res}
}
