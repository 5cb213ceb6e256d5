//go:build !js

package wsapi_test

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/internal/chromerunbin"
	"github.com/go-wsapi/wsapi/wsapi"
)

var (
	//go:embed testdata/ports_input.json
	portsInput []byte
	//go:embed testdata/chrome/ports.json
	chromePorts []byte
)

// portServers listens on 127.0.0.1 on every port it can of ports, with a
// server that accepts a WebSocket and closes it with 1000 "port", and
// counts the requests each port got. Ports it cannot listen on (in use,
// or below 1024 without the privilege) are left out.
type portServers struct {
	hits map[int]*atomic.Int32
}

func listenPorts(t *testing.T, ports []int) *portServers {
	ps := &portServers{hits: map[int]*atomic.Int32{}}
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait) // last: after every server's Close
	for _, p := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		hits := new(atomic.Int32)
		ps.hits[p] = hits
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
			if err != nil {
				return
			}
			c.Close(websocket.StatusNormalClosure, "port")
		})}
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv.Serve(ln)
		}()
		t.Cleanup(func() { srv.Close() })
	}
	return ps
}

func (ps *portServers) listening() []int {
	var out []int
	for p := range ps.hits {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func portList(t *testing.T) (bad, controls []int) {
	var in struct{ Bad, Controls []int }
	if err := json.Unmarshal(portsInput, &in); err != nil {
		t.Fatalf("testdata/ports_input.json: %v", err)
	}
	return in.Bad, in.Controls
}

// TestRecordPorts records Chrome's WebSocket on every port of
// testdata/ports_input.json it can listen on (as root: all of them):
//
//	go test ./wsapi -run TestRecordPorts -record   (make record does it)
func TestRecordPorts(t *testing.T) {
	if !*record {
		t.Skip("run with -record to re-record Chrome's traces")
	}
	e := scenarioEnv(t)
	bad, controls := portList(t)
	ps := listenPorts(t, append(bad, controls...))
	var list []string
	for _, p := range ps.listening() {
		list = append(list, strconv.Itoa(p))
	}
	if len(list) < len(bad)+len(controls) {
		t.Logf("recording %d of %d ports: the others could not be listened on", len(list), len(bad)+len(controls))
	}
	chrome := exec.Command(chromerunbin.Build(t), "-url", e.server+"/files/js/ports.html?ports="+strings.Join(list, ","))
	writeTraces(t, chrome, filepath.Join("testdata", "chrome", "ports.json"))
}

// TestUnsafePorts holds the native client to Chrome's recording on each
// port: a port Chrome refuses fails (error, close 1006) without a
// connection, though a server listens there; the ports next to them open.
func TestUnsafePorts(t *testing.T) {
	var want map[string][]string
	if err := json.Unmarshal(chromePorts, &want); err != nil {
		t.Fatalf("testdata/chrome/ports.json: %v", err)
	}
	bad, controls := portList(t)
	if len(want) != len(bad)+len(controls) {
		t.Errorf("chrome/ports.json records %d ports, ports_input.json has %d: re-record with root", len(want), len(bad)+len(controls))
	}
	ps := listenPorts(t, append(bad, controls...))
	ran := 0
	for port, chrome := range want {
		p, _ := strconv.Atoi(port)
		hits := ps.hits[p]
		if hits == nil {
			continue // cannot listen here: the row needs a server to mean anything
		}
		ran++
		got, err := portTrace(fmt.Sprintf("ws://127.0.0.1:%d/", p))
		if !slices.Equal(got, chrome) {
			t.Errorf("port %d: native\n  %s\nChrome\n  %s", p, strings.Join(got, "\n  "), strings.Join(chrome, "\n  "))
		}
		if n := hits.Load(); chrome[0] == "error" && n != 0 {
			t.Errorf("port %d: Chrome refuses it, but the native client reached the server %d times", p, n)
		}
		if chrome[0] == "error" && !strings.Contains(fmt.Sprint(err), "ERR_UNSAFE_PORT") {
			t.Errorf("port %d: error %v, want one naming net::ERR_UNSAFE_PORT", p, err)
		}
	}
	t.Logf("%d of %d ports tried natively (the others could not be listened on)", ran, len(want))
}

// portTrace runs a socket to url until its close event and returns its
// events in the lines of ports.html, and the error event's error.
func portTrace(url string) ([]string, error) {
	ws, err := wsapi.New(url)
	if err != nil {
		return []string{"new -> " + err.Error()}, nil
	}
	var lines []string
	var evErr error
	ws.SetHandlers(wsapi.Handlers{
		Open: func() {
			lines = append(lines, fmt.Sprintf("open protocol=%q extensions=%q", ws.Protocol(), ws.Extensions()))
		},
		Error: func(err error) {
			evErr = err
			lines = append(lines, "error")
		},
		Close: func(ce wsapi.CloseEvent) {
			lines = append(lines, fmt.Sprintf("close %d %q clean=%v", ce.Code, ce.Reason, ce.WasClean))
		},
	})
	select {
	case <-ws.Done():
	case <-time.After(5 * time.Second):
		ws.Close()
		<-ws.Done()
		return append(lines, "timeout"), evErr
	}
	if evErr != nil && !errors.Is(evErr, wsapi.ErrConnection) {
		lines = append(lines, "error not ErrConnection: "+evErr.Error())
	}
	return lines, evErr
}
