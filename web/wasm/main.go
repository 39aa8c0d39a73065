//go:build js && wasm

// Command wasm is the playground's engine in the browser: built with
// GOOS=js GOARCH=wasm, it runs in a Web Worker (web/static/worker.js) and
// answers the page through the global function matcalcRun(tab, request).
package main

import (
	"syscall/js"

	"github.com/matcalc/matcalc/web/engine"
)

func main() {
	js.Global().Set("matcalcRun", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 2 {
			return `{"error":{"field":"","msg":"matcalcRun(tab, request)","offset":-1,"text":"matcalcRun(tab, request)"}}`
		}
		return engine.Handle(args[0].String(), args[1].String())
	}))
	js.Global().Call("postMessage", map[string]any{"ready": true})
	select {}
}
