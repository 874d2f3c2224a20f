//go:build race

package main

// raceDetector is true in a binary built with -race, whose shadow memory
// multiplies what a process holds (5–10× by Go's own account).
const raceDetector = true
