//go:build !js

package main

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
)

// cpu is CPU seconds (user and system) used so far.
type cpu struct {
	procs   []float64 // by each process asked for
	self    float64   // by this one
	machine float64   // by the whole machine (all but idle and iowait)
}

// cpuTimes reads the CPU seconds used so far by the processes pids, by
// this one and by the whole machine, from /proc.
func cpuTimes(pids []int) (cpu, error) {
	var t cpu
	for _, pid := range pids {
		s, err := procCPU(strconv.Itoa(pid))
		if err != nil {
			return t, err
		}
		t.procs = append(t.procs, s)
	}
	s, err := procCPU("self")
	if err != nil {
		return t, err
	}
	t.self = s
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return t, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	for i, v := range f[1:] {
		if i == 3 || i == 4 {
			continue
		}
		n, _ := strconv.ParseFloat(v, 64)
		t.machine += n / clockTicks
	}
	return t, nil
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

// writeCalls returns how many write system calls the processes pids
// have made so far (syscw of /proc/pid/io): with the deliveries, it tells
// how well the server batches its writes, a figure that a busy machine
// does not blur as it does times.
func writeCalls(pids []int) (int64, error) {
	var sum int64
	for _, pid := range pids {
		n, err := procWrites(pid)
		if err != nil {
			return 0, err
		}
		sum += n
	}
	return sum, nil
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
