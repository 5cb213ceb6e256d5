//go:build !js

package main

import (
	"slices"
	"testing"
)

func TestDefaultHosts(t *testing.T) {
	for _, tc := range []struct {
		hosts []string
		addr  string
		want  []string
	}{
		{nil, "127.0.0.1:8080", []string{"localhost"}},
		{nil, ":8080", []string{"localhost"}},
		{nil, "[::1]:8080", []string{"localhost"}},
		{nil, "localhost:8080", []string{"localhost"}},
		{nil, "chat.example.org:443", []string{"localhost", "chat.example.org"}},
		{[]string{"*.example.org"}, "chat.example.org:443", []string{"*.example.org"}},
	} {
		if got := defaultHosts(tc.hosts, tc.addr); !slices.Equal(got, tc.want) {
			t.Errorf("defaultHosts(%q, %q) = %q, want %q", tc.hosts, tc.addr, got, tc.want)
		}
	}
}
