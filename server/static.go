//go:build !js

package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// asset is a file held in memory with its gzipped form, served with an
// ETag so that a reload costs a 304 instead of megabytes of wasm.
type asset struct {
	contentType string
	raw, gz     []byte
	etag        string // quoted; the gzipped form adds "-gzip" inside the quotes
}

// loadAsset reads and compresses the file at name. Compression happens
// once, at startup: a Go wasm binary is several megabytes and shrinks to
// about a quarter, too slow to redo per request at the best level.
func loadAsset(name, contentType string) (*asset, error) {
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	return &asset{
		contentType: contentType,
		raw:         raw,
		gz:          buf.Bytes(),
		etag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
	}, nil
}

// ServeHTTP serves the asset, gzipped when the client accepts it. Both
// forms have their own strong ETag (RFC 9110 wants one per representation),
// and a request whose If-None-Match names either gets a 304: they are the
// same file. Cache-Control no-cache makes the browser ask every time, so a
// rebuilt program is never run from a stale cache.
func (a *asset) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	body, etag := a.raw, a.etag
	gzipped := acceptsGzip(r.Header.Values("Accept-Encoding"))
	if gzipped {
		body, etag = a.gz, a.gzipETag()
	}
	h.Set("ETag", etag)
	if a.matches(r.Header.Values("If-None-Match")) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", a.contentType)
	if gzipped {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func (a *asset) gzipETag() string {
	return a.etag[:len(a.etag)-1] + `-gzip"`
}

// matches reports whether an If-None-Match header names this file, with
// the weak comparison RFC 9110 asks for.
func (a *asset) matches(inm []string) bool {
	for _, line := range inm {
		for tag := range strings.SplitSeq(line, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == a.etag || tag == a.gzipETag() {
				return true
			}
		}
	}
	return false
}

// acceptsGzip reads Accept-Encoding: gzip (or *) with a q-value above
// zero, and no explicit gzip;q=0.
func acceptsGzip(lines []string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, line := range lines {
		for item := range strings.SplitSeq(line, ",") {
			name, params, _ := strings.Cut(item, ";")
			q := 1.0
			for p := range strings.SplitSeq(params, ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if err != nil {
						f = 0
					}
					q = f
				}
			}
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "gzip", "x-gzip":
				gzipQ = max(gzipQ, q)
			case "*":
				starQ = max(starQ, q)
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}

// staticHandler serves the web directory without listing it: the page's
// files are public, the directory's other contents need not be. A path
// that no file of the page has (not UTF-8, a NUL byte, a backslash,
// which Windows takes for a separator) is not found either, where
// os.DirFS would refuse it with an error that FileServerFS makes a 500.
func staticHandler(dir string) http.Handler {
	files := http.FileServerFS(os.DirFS(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p != "/" && strings.HasSuffix(p, "/") ||
			!utf8.ValidString(p) || strings.ContainsAny(p, "\x00\\") {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// checkDir fails early when the web directory is missing, the usual
// mistake of starting the command from the wrong directory.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}
