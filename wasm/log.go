//go:build js && wasm

package main

import (
	"fmt"
	"os"
	"time"

	"github.com/hack-pad/safejs"
)

// What the page reports: the event log, one line per socket event, and the
// error bar.

// log appends a line to the event log and returns its element.
func (a *app) log(socket, kind, line string) safejs.Value {
	li := create("li", "", line)
	setAttr(li, "data-socket", socket)
	setAttr(li, "data-kind", kind)
	setAttr(li, "data-time", time.Now().Format("15:04:05.000"))
	appendCapped(a.el["log"], li, logMax)
	return li
}

// showError shows msg in the page's error bar until the next connect or a
// click on it.
func (a *app) showError(msg string) {
	fmt.Fprintln(os.Stderr, "wsapi-demo:", msg)
	setText(a.el["error"], msg)
	setHidden(a.el["error"], false)
}
