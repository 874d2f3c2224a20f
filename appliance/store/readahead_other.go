//go:build !linux

package store

// adviseRandom does nothing where madvise is not wired up.
func adviseRandom(addr, n uintptr) error { return nil }

// randomReadsAdvisable reports whether adviseRandom works here.
const randomReadsAdvisable = false
