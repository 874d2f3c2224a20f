package tickets_test

import (
	"syscall"
	"testing"
	"time"
)

// threadCPU is the CPU time (user and system) the calling thread has
// used; the caller locks its goroutine to the thread.
func threadCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
