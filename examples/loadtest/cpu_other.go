//go:build !unix

package main

import "time"

// processCPU returns false: this system gives no getrusage(2), and the
// report leaves the CPU line out.
func processCPU() (time.Duration, bool) { return 0, false }
