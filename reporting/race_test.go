//go:build race

package reporting_test

// raceEnabled reports a build with the race detector, whose tenfold cost
// would make the joint disclosure attack take far too long.
const raceEnabled = true
