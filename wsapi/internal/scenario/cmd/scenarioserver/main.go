//go:build !js

// Command scenarioserver runs the wsapi scenario server until interrupted,
// for recording browser traces by hand: open the recording page under
// /files/ with the printed URLs as its server and dead parameters.
//
//	go run ./wsapi/internal/scenario/cmd/scenarioserver -files wsapi/testdata
//
// It prints WSAPI_SERVER=... and WSAPI_DEAD=... lines, ready for a shell's
// export, so that go test runs can share the same server.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/go-wsapi/wsapi/wsapi/internal/scenario"
)

func main() {
	files := flag.String("files", "", "serve this directory under /files/")
	verbose := flag.Bool("v", false, "log every request")
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	log.SetFlags(0)

	opts := &scenario.Options{}
	if *files != "" {
		if fi, err := os.Stat(*files); err != nil || !fi.IsDir() {
			log.Fatalf("scenarioserver: -files %q is not a directory", *files)
		}
		opts.Files = os.DirFS(*files)
	}
	if *verbose {
		opts.Logf = log.Printf
	}

	dead, err := scenario.DeadURL()
	if err != nil {
		log.Fatalf("scenarioserver: %v", err)
	}
	base, stop, err := scenario.Start(opts)
	if err != nil {
		log.Fatalf("scenarioserver: %v", err)
	}
	defer stop()
	fmt.Printf("WSAPI_SERVER=%s\nWSAPI_DEAD=%s\n", base, dead)

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	<-ctx.Done()
}
