//go:build race

package registrytest

// raceEnabled reports a build with the race detector, whose tenfold cost
// makes the kit sample its exhaustive visibility walks (see sampled).
const raceEnabled = true
