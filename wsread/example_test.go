//go:build !js

package wsread_test

import (
	"context"
	"fmt"

	"github.com/go-wsapi/wsapi/internal/convtest"
	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/go-wsapi/wsapi/wsread"
)

// The examples are native only: in a browser, go test cannot check an
// example's output (the testing package captures standard output in a
// temporary file, and a browser has no file system), and no test can
// start a server. The tests run the same calls on all three runtimes.
//
// The server's /push sends three messages, then closes with 1000.

// Read returns the messages one call at a time, then how the socket
// closed.
func ExampleReader_Read() {
	url, stop := convtest.Start("/push?n=3&code=1000&reason=bye")
	defer stop()

	ws, err := wsapi.New(url)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := wsread.New(ws, nil) // right after New: no message is missed
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for {
		m, err := r.Read(ctx)
		if err != nil {
			fmt.Println("end:", wsapi.CloseStatus(err), err)
			break
		}
		fmt.Println(m.Type, m.Text())
	}
	// Output:
	// text 0
	// text 1
	// text 2
	// end: 1000 wsapi: socket closed with 1000 "bye" (clean: true)
}
