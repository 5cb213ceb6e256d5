//go:build !js

package main

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
)

// usage is what the room's processes have used so far, or over a phase.
type usage struct {
	// CPU seconds (user and system) of the servers, of nats-server, of
	// this process (the clients) and of the whole machine (all but idle
	// and iowait).
	servers, nats, self, machine float64
	// writes are the servers' write system calls (syscw of /proc/pid/io):
	// with the deliveries, they tell how well a server batches its
	// writes, a figure that a busy machine does not blur as it does
	// times. -1 where unknown.
	writes int64
}

// usage reads the room's usage from /proc.
func (r *room) usage() (usage, error) {
	var u usage
	for _, c := range r.servers {
		s, err := procCPU(strconv.Itoa(c.Pid()))
		if err != nil {
			return u, err
		}
		u.servers += s
		if n, err := procWrites(c.Pid()); err != nil || u.writes < 0 {
			u.writes = -1
		} else {
			u.writes += n
		}
	}
	var err error
	if r.nats != nil {
		if u.nats, err = procCPU(strconv.Itoa(r.nats.Pid())); err != nil {
			return u, err
		}
	}
	if u.self, err = procCPU("self"); err != nil {
		return u, err
	}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return u, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	for i, v := range f[1:] {
		if i != 3 && i != 4 {
			n, _ := strconv.ParseFloat(v, 64)
			u.machine += n / clockTicks
		}
	}
	return u, nil
}

// plus is u + sign·v, field by field; writes are unknown if either's are.
func (u usage) plus(sign float64, v usage) usage {
	w := usage{u.servers + sign*v.servers, u.nats + sign*v.nats, u.self + sign*v.self,
		u.machine + sign*v.machine, u.writes + int64(sign)*v.writes}
	if u.writes < 0 || v.writes < 0 {
		w.writes = -1
	}
	return w
}

// procCPU reads the CPU seconds of /proc/p.
func procCPU(p string) (float64, error) {
	b, err := os.ReadFile("/proc/" + p + "/stat")
	if err != nil {
		return 0, err
	}
	// Fields after the command, which is in parentheses: utime and
	// stime are the 14th and 15th of the line, in clock ticks.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc/pid/stat")
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	s, _ := strconv.ParseFloat(f[12], 64)
	return (u + s) / clockTicks, nil
}

func procWrites(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/io")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "syscw:"); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, errors.New("no syscw in /proc/pid/io")
}

// clockTicks is USER_HZ, 100 on every Linux that Go runs on.
const clockTicks = 100
