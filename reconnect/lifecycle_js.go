//go:build js && wasm

package reconnect

import "syscall/js"

// lifecycle holds the listeners the socket adds to the page: window's
// online, offline, pagehide and pageshow, and document's visibilitychange,
// each unless its option turns it off. Where there is no page (Node),
// there is nothing to listen to.
type lifecycle struct {
	adds []listener
}

type listener struct {
	target js.Value
	name   string
	f      js.Func
}

func (l *lifecycle) start(s *Socket) {
	win := js.Global().Get("window")
	doc := js.Global().Get("document")
	if win.Type() != js.TypeObject || doc.Type() != js.TypeObject {
		return
	}
	// The listeners never block: each takes the socket's lock for a few
	// assignments and wakes the loop; pagehide also calls the JS close.
	if !s.o.IgnoreNetwork {
		if nav := js.Global().Get("navigator"); nav.Type() == js.TypeObject && nav.Get("onLine").Type() == js.TypeBoolean {
			s.offline = !nav.Get("onLine").Bool()
		}
		l.add(win, "online", func(js.Value) { s.setOnline(true) })
		l.add(win, "offline", func(js.Value) { s.setOnline(false) })
	}
	if !s.o.IgnoreVisibility {
		s.hidden = doc.Get("visibilityState").String() == "hidden"
		l.add(doc, "visibilitychange", func(js.Value) {
			s.setVisible(doc.Get("visibilityState").String() != "hidden")
		})
	}
	if !s.o.IgnorePageLifecycle {
		l.add(win, "pagehide", func(js.Value) { s.pageHide() })
		l.add(win, "pageshow", func(ev js.Value) {
			if ev.Get("persisted").Truthy() { // back from the cache
				s.pageShow()
			}
		})
	}
}

func (l *lifecycle) add(target js.Value, name string, f func(js.Value)) {
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		var ev js.Value
		if len(args) > 0 {
			ev = args[0]
		}
		f(ev)
		return nil
	})
	target.Call("addEventListener", name, fn)
	l.adds = append(l.adds, listener{target, name, fn})
}

// stop removes and releases every listener.
func (l *lifecycle) stop() {
	for _, a := range l.adds {
		a.target.Call("removeEventListener", a.name, a.f)
		a.f.Release()
	}
	l.adds = nil
}
