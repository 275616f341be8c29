package territory

// ParseTable exposes the table parser to the external tests.
var ParseTable = parse

// Table is the embedded table, for benchmarks.
var Table = istatTable
