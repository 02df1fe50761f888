//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"
)

// main publishes the module's functions as globalThis.allmendePrivacy and
// keeps the module alive for their calls.
func main() {
	api := js.Global().Get("Object").New()
	for _, op := range []string{"preview", "redact"} {
		api.Set(op, js.FuncOf(func(_ js.Value, args []js.Value) any {
			strs := make([]string, len(args))
			for i, a := range args {
				if a.Type() != js.TypeString {
					return errorJSON(fmt.Errorf("%s: argument %d is a %s, not a string", op, i+1, a.Type()))
				}
				strs[i] = a.String()
			}
			return handle(op, strs)
		}))
	}
	js.Global().Set("allmendePrivacy", api)
	select {}
}
