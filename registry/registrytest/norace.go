//go:build !race

package registrytest

// raceEnabled reports a build with the race detector (see race.go).
const raceEnabled = false
