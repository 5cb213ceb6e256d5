//go:build js && wasm

package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/hack-pad/safejs"
)

// The page's DOM through safejs: every call that can throw returns an
// error. A failed DOM call is a bug of the page, not something the user can
// act on, so these helpers report it on the console and carry on.

var document = mustGlobal("document")

func mustGlobal(name string) safejs.Value {
	v, err := safejs.Global().Get(name)
	if err != nil {
		panic(fmt.Sprintf("no global %s: %v", name, err))
	}
	return v
}

// consoleError reports a failed DOM call.
func consoleError(what string, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "wsapi-demo: %s: %v\n", what, err)
	}
}

// byID returns the element with the given id.
func byID(id string) (safejs.Value, error) {
	v, err := document.Call("getElementById", id)
	if err != nil {
		return safejs.Value{}, err
	}
	if v.IsNull() {
		return safejs.Value{}, fmt.Errorf("the page has no element #%s", id)
	}
	return v, nil
}

func get(v safejs.Value, prop string) safejs.Value {
	p, err := v.Get(prop)
	consoleError("get "+prop, err)
	return p
}

func getString(v safejs.Value, prop string) string {
	s, err := get(v, prop).String()
	consoleError("get "+prop, err)
	return s
}

func set(v safejs.Value, prop string, x any) {
	consoleError("set "+prop, v.Set(prop, x))
}

func call(v safejs.Value, method string, args ...any) safejs.Value {
	r, err := v.Call(method, args...)
	consoleError(method, err)
	return r
}

func setText(v safejs.Value, s string) { set(v, "textContent", s) }

func setAttr(v safejs.Value, name, value string) { call(v, "setAttribute", name, value) }

func setHidden(v safejs.Value, hidden bool) { set(v, "hidden", hidden) }

// create returns a new element, its text set when text is not "".
func create(tag, class, text string) safejs.Value {
	el := call(document, "createElement", tag)
	if class != "" {
		set(el, "className", class)
	}
	if text != "" {
		setText(el, text)
	}
	return el
}

// appendCapped appends child to list, drops the oldest children beyond max,
// and keeps the list scrolled to its end if it was there.
func appendCapped(list, child safejs.Value, max int) {
	atEnd := isScrolledToEnd(list)
	call(list, "append", child)
	for {
		n, err := get(list, "childElementCount").Int()
		if err != nil || n <= max {
			break
		}
		call(get(list, "firstElementChild"), "remove")
	}
	if atEnd {
		set(list, "scrollTop", get(list, "scrollHeight"))
	}
}

func isScrolledToEnd(v safejs.Value) bool {
	top, err1 := get(v, "scrollTop").Float()
	height, err2 := get(v, "scrollHeight").Float()
	client, err3 := get(v, "clientHeight").Float()
	if err1 != nil || err2 != nil || err3 != nil {
		return true
	}
	return height-top-client < 24
}

// clearChildren removes all of v's children.
func clearChildren(v safejs.Value) { call(v, "replaceChildren") }

// listen calls f for every event of type typ on target. The listener runs
// on the JS event loop, so f must not block: it reads what it needs from
// the event and hands the work to a goroutine. A panic in f is printed and
// reported by report instead of killing the program: safejs does not
// recover the panics of our own callbacks.
func listen(target safejs.Value, typ string, report func(string), f func(ev safejs.Value)) error {
	fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		defer func() {
			if r := recover(); r != nil {
				fmt.Fprintf(os.Stderr, "wsapi-demo: panic in %s listener: %v\n%s", typ, r, debug.Stack())
				report(fmt.Sprintf("internal error in a %s listener: %v", typ, r))
			}
		}()
		var ev safejs.Value
		if len(args) > 0 {
			ev = args[0]
		}
		f(ev)
		return nil
	})
	if err != nil {
		return err
	}
	// The listeners live as long as the page: fn is never released.
	_, err = target.Call("addEventListener", typ, fn.Value())
	return err
}
