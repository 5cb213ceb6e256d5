package reconnect_test

import "runtime"

// usage returns the goroutines and live heap bytes, after a collection.
func usage() (int, uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return runtime.NumGoroutine(), m.HeapAlloc
}
