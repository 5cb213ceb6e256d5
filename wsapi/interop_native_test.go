//go:build !js

package wsapi_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/internal/chromerunbin"
)

// The third-party servers of the interop suite, each a child process on
// 127.0.0.1, started once for the whole run, the first time a test asks,
// and killed by PID when the run ends (stopInterop, from TestMain).
//
// A server program that cannot start (its interpreter or package is
// missing) is a skip of its scenarios locally, and a failure under CI,
// where ci/setup.sh installs everything.

// interopNodeDir is where ci/setup.sh (or the first run) installs the npm
// packages of testdata/interop/package.json: in the repository's cache,
// never in the tree.
var interopNodeDir = filepath.Join("..", ".cache", "interop-node")

// pythonPath is Debian's Python, which has python3-websockets; a Python
// first on PATH may not.
const pythonPath = "/usr/bin/python3"

var (
	interopOnce    sync.Once
	interopURLs    map[string]string // server name -> http://127.0.0.1:port
	interopMissing map[string]string // program group -> why it is not up
	interopStops   []func()
)

// startInterop starts every server program once and returns the servers
// that are up.
func startInterop() (map[string]string, map[string]string) {
	interopOnce.Do(func() {
		interopURLs = map[string]string{}
		interopMissing = map[string]string{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for group, start := range map[string]func() (*exec.Cmd, error){
			"python":  pythonServers,
			"node":    nodeServers,
			"gorilla": gorillaServers,
		} {
			wg.Go(func() {
				urls, stop, err := startServers(start)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					interopMissing[group] = err.Error()
					return
				}
				addStop(stop)
				for k, v := range urls {
					interopURLs[k] = v
				}
			})
		}
		wg.Wait()
		// nginx proxies to the Python server.
		if py := interopURLs["python-default"]; py == "" {
			interopMissing["nginx"] = "it proxies to python-default, which is not up"
		} else if urls, stop, err := startServers(func() (*exec.Cmd, error) { return nginxServers(py) }); err != nil {
			interopMissing["nginx"] = err.Error()
		} else {
			addStop(stop)
			for k, v := range urls {
				interopURLs[k] = v
			}
		}
	})
	return interopURLs, interopMissing
}

var stopMu sync.Mutex

// addStop registers what stopInterop must do: kill a program, remove its
// directory.
func addStop(f func()) {
	stopMu.Lock()
	defer stopMu.Unlock()
	interopStops = append(interopStops, f)
}

// stopInterop kills the server programs that were started, and removes
// their directories, in the reverse order.
func stopInterop() {
	stopMu.Lock()
	defer stopMu.Unlock()
	for i := len(interopStops) - 1; i >= 0; i-- {
		interopStops[i]()
	}
	interopStops = nil
}

func pythonServers() (*exec.Cmd, error) {
	if _, err := os.Stat(pythonPath); err != nil {
		return nil, fmt.Errorf("%s: %w (Debian: apt-get install python3-websockets)", pythonPath, err)
	}
	if out, err := exec.Command(pythonPath, "-c", "import websockets").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s has no websockets (Debian: apt-get install python3-websockets): %v %s", pythonPath, err, out)
	}
	return exec.Command(pythonPath, filepath.Join("testdata", "interop", "python_server.py")), nil
}

func nodeServers() (*exec.Cmd, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	if err := installNodePackages(); err != nil {
		return nil, err
	}
	cmd := exec.Command(node, filepath.Join("testdata", "interop", "node_server.js"))
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(interopNodeDir, "node_modules"))
	return cmd, nil
}

// gorillaServers builds ../interop/gorillaserver, in a module of its own
// (gorilla/websocket is not the library's dependency), into a directory
// that the server removes once it is up (-remove), and stopInterop if it
// never is.
func gorillaServers() (*exec.Cmd, error) {
	dir, err := os.MkdirTemp("", "wsapi-gorilla-")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "gorillaserver")
	build := exec.Command("go", "build", "-o", bin, "./gorillaserver")
	build.Dir = filepath.Join("..", "interop")
	if out, err := build.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("building the gorilla server: %v\n%s", err, out)
	}
	addStop(func() { os.RemoveAll(dir) })
	return exec.Command(bin, "-remove", dir), nil
}

// nginxIdleTimeout is the proxy_read_timeout of the nginx in front of the
// Python server: a socket quiet for that long is cut, which the scenario
// nginx-python/idle-cut shows.
const nginxIdleTimeout = "2s"

// nginxServers runs Debian's nginx as a reverse proxy to upstream, in the
// foreground (daemon off, one process, so that killing its PID ends it),
// with its configuration, logs and temporary files in a directory of its
// own. It prints nothing, so a shell prints the READY line once nginx
// accepts connections. nginx ignores its standard input, so a watcher
// ends it when that closes, as the other programs end themselves: a test
// binary that dies without killing it (a panic, a -timeout) leaves no
// nginx behind. The watcher makes sure its PID is still nginx's.
func nginxServers(upstream string) (*exec.Cmd, error) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if nginx, err = exec.LookPath("/usr/sbin/nginx"); err != nil {
			return nil, fmt.Errorf("nginx: %w (Debian: apt-get install nginx)", err)
		}
	}
	dir, err := os.MkdirTemp("", "wsapi-nginx-")
	if err != nil {
		return nil, err
	}
	addStop(func() { os.RemoveAll(dir) })
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(nginxConf, dir, port, strings.TrimPrefix(upstream, "http://"), nginxIdleTimeout)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		return nil, err
	}
	ready, _ := json.Marshal(map[string]string{"nginx-python": "http://127.0.0.1:" + port})
	// exec: the shell becomes nginx, so the PID killed is nginx's.
	script := `set -e
"$1" -p "$2" -c "$2/nginx.conf" -e "$2/error.log" -t -q
( for i in $(seq 100); do
	if (exec 3<>/dev/tcp/127.0.0.1/"$3") 2>/dev/null; then echo "READY $4"; exit; fi
	sleep 0.05
done ) &
exec 3<&0
( cat <&3; if [ "$(cat /proc/$$/comm)" = nginx ]; then kill -KILL $$; fi; rm -rf "$2" ) </dev/null >/dev/null 2>&1 &
exec "$1" -p "$2" -c "$2/nginx.conf" -e "$2/error.log" 3<&-`
	return exec.Command("bash", "-c", script, "nginx", nginx, dir, port, string(ready)), nil
}

// nginxConf is the proxy's whole configuration: its directory, its port,
// the upstream, the read timeout. One process, which never changes user.
const nginxConf = `daemon off;
master_process off;
pid %[1]s/nginx.pid;
events {}
http {
	access_log off;
	client_body_temp_path %[1]s/client;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	map $http_upgrade $connection_upgrade {
		default upgrade;
		'' close;
	}
	server {
		listen 127.0.0.1:%[2]s;
		location / {
			proxy_pass http://%[3]s;
			proxy_http_version 1.1;
			proxy_set_header Upgrade $http_upgrade;
			proxy_set_header Connection $connection_upgrade;
			proxy_read_timeout %[4]s;
		}
	}
}
`

// freePort returns a port on 127.0.0.1 that was free a moment ago.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
}

// installNodePackages installs the pinned npm packages into the cache,
// unless they are there already (ci/setup.sh installs them the same way).
func installNodePackages() error {
	want, err := os.ReadFile(filepath.Join("testdata", "interop", "package.json"))
	if err != nil {
		return err
	}
	if have, err := os.ReadFile(filepath.Join(interopNodeDir, "package.json")); err == nil && string(have) == string(want) {
		if _, err := os.Stat(filepath.Join(interopNodeDir, "node_modules", "ws")); err == nil {
			return nil
		}
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return fmt.Errorf("the npm packages are not installed in %s, and npm is missing: %w", interopNodeDir, err)
	}
	if err := os.MkdirAll(interopNodeDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(interopNodeDir, "package.json"), want, 0o644); err != nil {
		return err
	}
	cmd := exec.Command(npm, "install", "--no-audit", "--no-fund", "--no-package-lock", "--prefix", interopNodeDir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm install in %s: %v\n%s", interopNodeDir, err, out)
	}
	return nil
}

// startServers runs a server program and reads its READY line: the JSON
// map of its servers' names to their base URLs. The program exits when
// its standard input closes, should the kill by PID not reach it.
func startServers(start func() (*exec.Cmd, error)) (map[string]string, func(), error) {
	p, err := startProgram(start)
	if err != nil {
		return nil, nil, err
	}
	return p.urls, p.stop, nil
}

// program is a running server program.
type program struct {
	urls  map[string]string // from its READY line
	cmd   *exec.Cmd
	stdin io.Closer
}

func (p *program) stop() {
	p.cmd.Process.Kill()
	p.stdin.Close()
	p.cmd.Wait()
}

func startProgram(start func() (*exec.Cmd, error)) (*program, error) {
	cmd, err := start()
	if err != nil {
		return nil, err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &program{cmd: cmd, stdin: stdin}
	ready := make(chan map[string]string, 1)
	go func() {
		defer io.Copy(io.Discard, stdout)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if js, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				var m map[string]string
				if json.Unmarshal([]byte(js), &m) == nil {
					ready <- m
				}
				break
			}
		}
		close(ready)
	}()
	select {
	case m, ok := <-ready:
		if ok {
			p.urls = m
			return p, nil
		}
	case <-time.After(20 * time.Second):
	}
	p.stop()
	return nil, fmt.Errorf("%s did not start: %s", cmd, stderr.String())
}

// interopEnv is the environment with the interop servers that are up,
// started on the first call.
func interopEnv(t *testing.T) env {
	e := scenarioEnv(t)
	e.interop, _ = startInterop()
	return e
}

// missingServer skips a scenario whose server program could not start,
// saying why; under CI it fails.
func missingServer(t *testing.T, server string) {
	t.Helper()
	_, missing := startInterop()
	why := missing[interopGroup(server)]
	if why == "" {
		why = "no such server in testdata/interop"
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not up: %s", server, why)
	}
	t.Skipf("%s is not up: %s", server, why)
}

// interopEnvVar is WSAPI_INTEROP for the js/wasm children: the servers
// that are up.
func interopEnvVar() string {
	urls, _ := startInterop()
	b, _ := json.Marshal(urls)
	return "WSAPI_INTEROP=" + string(b)
}

// TestRecordInterop re-records Chrome's and Node's traces of the interop
// scenarios, against the same servers (make record runs it):
//
//	go test ./wsapi -run TestRecordInterop -record
func TestRecordInterop(t *testing.T) {
	if !*record {
		t.Skip("run with -record to re-record the reference traces")
	}
	e := interopEnv(t)
	_, missing := startInterop()
	if len(missing) > 0 {
		groups := make([]string, 0, len(missing))
		for g, why := range missing {
			groups = append(groups, g+": "+why)
		}
		sort.Strings(groups)
		t.Fatalf("every server must be up to record:\n%s", strings.Join(groups, "\n"))
	}
	servers, _ := json.Marshal(e.interop)
	page := e.server + "/files/js/record.html?server=" + e.server + "&dead=" + e.dead +
		"&list=interop.json&servers=" + url.QueryEscape(string(servers))
	writeTraces(t, exec.Command(chromerunbin.Build(t), "-url", page), filepath.Join("testdata", "chrome", "interop.json"))

	node := lookPath(t, "node", "NODE")
	nodeCmd := exec.Command(node, "--experimental-websocket", "record_node.js", e.server, e.dead, "interop.json", string(servers))
	nodeCmd.Dir = filepath.Join("testdata", "js")
	writeTraces(t, nodeCmd, filepath.Join("testdata", "node", "interop.json"))
}

// interopGroup is the server program a server name belongs to: its prefix
// up to the first '-' ("python" of "python-default").
func interopGroup(server string) string {
	g, _, _ := strings.Cut(server, "-")
	return g
}

// TestInteropProgramsEndWithStdin: every server program ends by itself
// once its standard input closes, as it does when the test binary dies
// (a panic, a -timeout) before stopInterop can kill it, so that no server
// outlives the run.
func TestInteropProgramsEndWithStdin(t *testing.T) {
	urls, missing := startInterop()
	for group, start := range map[string]func() (*exec.Cmd, error){
		"python":  pythonServers,
		"node":    nodeServers,
		"gorilla": gorillaServers,
		"nginx":   func() (*exec.Cmd, error) { return nginxServers(urls["python-default"]) },
	} {
		t.Run(group, func(t *testing.T) {
			if missing[group] != "" {
				missingServer(t, group)
			}
			p, err := startProgram(start)
			if err != nil {
				t.Fatal(err)
			}
			ended := make(chan struct{})
			go func() {
				p.cmd.Wait()
				close(ended)
			}()
			p.stdin.Close()
			select {
			case <-ended:
			case <-time.After(10 * time.Second):
				p.cmd.Process.Kill()
				<-ended
				t.Errorf("%s still ran 10 s after its standard input closed", p.cmd)
			}
		})
	}
}

// TestInteropGorillaLeavesNoDirectory: the gorilla server's binary, built
// for the run into a directory of its own, leaves nothing in it once the
// program is up, so that a test binary that dies before stopInterop
// removes the directory leaves it behind neither.
func TestInteropGorillaLeavesNoDirectory(t *testing.T) {
	if _, missing := startInterop(); missing["gorilla"] != "" {
		missingServer(t, "gorilla")
	}
	p, err := startProgram(gorillaServers)
	if err != nil {
		t.Fatal(err)
	}
	p.stop()
	if _, err := os.Stat(filepath.Dir(p.cmd.Path)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after the gorilla server ended, its directory: %v, want it gone", err)
	}
}
