//go:build !js

package main

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// codeByPackage sums the sizes of a wasm binary's function bodies by the
// Go package they belong to, one of packages, from the binary's name
// section (which -ldflags=-s strips: give it an unstripped build). It
// reads just enough of the format: the imports, to number the functions
// (Go's linker imports functions only), the code section and the
// function names.
func codeByPackage(b []byte, packages []string) (map[string]int, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, errors.New("not a wasm binary")
	}
	r := &wasmReader{b: b[8:]}
	var imported int
	var sizes []int
	names := map[int]string{}
	for len(r.b) > 0 {
		id := r.byte()
		sec := &wasmReader{b: r.bytes(int(r.uleb()))}
		switch id {
		case 2: // imports
			for range sec.uleb() {
				sec.name()
				sec.name()
				if kind := sec.byte(); kind != 0 {
					return nil, fmt.Errorf("import of kind %d, not a function", kind)
				}
				sec.uleb() // its type
				imported++
			}
		case 10: // code
			for range sec.uleb() {
				n := int(sec.uleb())
				sec.bytes(n)
				sizes = append(sizes, n)
			}
		case 0: // custom
			if sec.name() != "name" {
				continue
			}
			for len(sec.b) > 0 && sec.err == nil {
				sub := sec.byte()
				ss := &wasmReader{b: sec.bytes(int(sec.uleb()))}
				if sub != 1 { // function names
					continue
				}
				for range ss.uleb() {
					i := int(ss.uleb())
					names[i] = ss.name()
				}
				if ss.err != nil {
					return nil, ss.err
				}
			}
		}
		if sec.err != nil {
			return nil, sec.err
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(names) == 0 {
		return nil, errors.New("no name section (stripped with -ldflags=-s?)")
	}
	// The linker writes what is neither a word character nor a dot as
	// "_" (cmd/link's nameRegexp): "internal/abi.F" is "internal_abi.F".
	// The longest package that fits wins.
	mangled := map[string]string{"main.": "main"} // whatever its path
	for _, p := range packages {
		mangled[nameRegexp.ReplaceAllString(p, "_")+"."] = p
	}
	prefixes := slices.Collect(maps.Keys(mangled))
	slices.SortFunc(prefixes, func(a, b string) int { return len(b) - len(a) })
	byPkg := map[string]int{}
	for i, n := range sizes {
		sym := names[imported+i]
		pkg := "(other: compiler-generated, assembly)"
		for _, p := range prefixes {
			if strings.HasPrefix(sym, p) {
				pkg = mangled[p]
				break
			}
		}
		byPkg[pkg] += n
	}
	return byPkg, nil
}

var nameRegexp = regexp.MustCompile(`[^\w.]`)

// wasmReader reads the wasm binary format; the first error sticks and
// makes every later read return zero values.
type wasmReader struct {
	b   []byte
	err error
}

func (r *wasmReader) fail() {
	if r.err == nil {
		r.err = errors.New("truncated wasm binary")
	}
	r.b = nil
}

func (r *wasmReader) byte() byte {
	if len(r.b) < 1 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *wasmReader) bytes(n int) []byte {
	if n < 0 || len(r.b) < n {
		r.fail()
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *wasmReader) uleb() uint64 {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		c := r.byte()
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
	}
	r.fail()
	return 0
}

func (r *wasmReader) name() string { return string(r.bytes(int(r.uleb()))) }
