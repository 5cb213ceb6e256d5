//go:build !js

package benchsrv

import (
	"errors"
	"fmt"
	"os"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
)

// serveNATS is the child of Mode NATS: nats-server with JetStream in a
// temporary directory, removed when it stops, on a 127.0.0.1 port that
// it prints as its URL. Its settings are server/natstest's, but that
// package wants a test, and this child is a program.
func serveNATS() error {
	dir, err := os.MkdirTemp("", "wsapi-benchsrv-nats-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ns, err := natsserver.NewServer(&natsserver.Options{
		Host:      "127.0.0.1",
		Port:      -1, // a free one
		JetStream: true,
		StoreDir:  dir,
		NoLog:     true,
		NoSigs:    true,
	})
	if err != nil {
		return err
	}
	ns.Start()
	defer func() {
		ns.Shutdown()
		ns.WaitForShutdown()
	}()
	if !ns.ReadyForConnections(10 * time.Second) {
		return errors.New("nats-server not ready in 10s")
	}
	fmt.Printf("listening %s\n", ns.ClientURL())
	waitForStop()
	return nil
}
