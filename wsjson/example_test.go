//go:build !js

package wsjson_test

import (
	"context"
	"fmt"

	"github.com/go-wsapi/wsapi/internal/convtest"
	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/go-wsapi/wsapi/wsjson"
	"github.com/go-wsapi/wsapi/wsread"
)

// The examples are native only: in a browser, go test cannot check an
// example's output (the testing package captures standard output in a
// temporary file, and a browser has no file system), and no test can
// start a server. The tests run the same calls on all three runtimes.
//
// The server's /echo sends every message back.

func echoURL() (string, func()) { return convtest.Start("/echo") }

type greeting struct {
	From string `json:"from"`
	Text string `json:"text"`
}

// Send and Read, for blocking code.
func ExampleRead() {
	url, stop := echoURL()
	defer stop()

	ctx := context.Background()
	ws, err := wsapi.Dial(ctx, url, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := wsread.New(ws, nil)
	wsjson.Send(ws, greeting{From: "go", Text: "hello"})
	var g greeting
	err = wsjson.Read(ctx, r, &g)
	fmt.Printf("%+v %v\n", g, err)
	r.Close()
	<-ws.Done()
	// Output:
	// {From:go Text:hello} <nil>
}

// Decode, in a message handler; a message that is not JSON is an error
// that names it.
func ExampleDecode() {
	url, stop := echoURL()
	defer stop()

	ws, err := wsapi.Dial(context.Background(), url, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	ws.OnMessage(func(m wsapi.MessageEvent) {
		var g greeting
		if err := wsjson.Decode(m, &g); err != nil {
			fmt.Println(err)
			ws.Close()
			return
		}
		fmt.Println(g.From, "says", g.Text)
	})
	wsjson.Send(ws, greeting{From: "go", Text: "hi"})
	ws.SendText("hi?")
	<-ws.Done()
	// Output:
	// go says hi
	// wsjson: failed to decode a 3-byte text message "hi?" into *wsjson_test.greeting: invalid character 'h' looking for beginning of value
}

// Send takes anything with SendText, such as a socket, and names a value
// that does not encode.
func ExampleSend() {
	err := wsjson.Send(printer{}, map[string]int{"a": 1})
	fmt.Println(err)
	err = wsjson.Send(printer{}, func() {})
	fmt.Println(err)
	// Output:
	// sent {"a":1}
	// <nil>
	// wsjson: failed to encode func(): json: unsupported type: func()
}

type printer struct{}

func (printer) SendText(s string) error {
	fmt.Println("sent", s)
	return nil
}
