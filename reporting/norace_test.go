//go:build !race

package reporting_test

// raceEnabled reports a build with the race detector.
const raceEnabled = false
