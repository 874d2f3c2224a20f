package store

import "syscall"

// adviseRandom tells the kernel the n bytes mapped at addr are read at
// random (madvise MADV_RANDOM): a fault reads the page, not ahead.
func adviseRandom(addr, n uintptr) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, addr, n, syscall.MADV_RANDOM); errno != 0 {
		return errno
	}
	return nil
}

// randomReadsAdvisable reports whether adviseRandom works here.
const randomReadsAdvisable = true
