package sqlstore

import "database/sql"

// PoolStats returns the connection pool's statistics (open, in use and idle
// connections, waits for a connection), for metrics.
func (s *Store) PoolStats() sql.DBStats { return s.db.Stats() }

// KnownSchemaVersion returns the highest migration version this code has
// for the store's dialect: SchemaVersion below it means Migrate has work
// to do.
func (s *Store) KnownSchemaVersion() (int, error) {
	ms, err := migrations("migrations/" + s.d.name)
	if err != nil {
		return 0, err
	}
	return len(ms), nil
}

// CheckDSN reports whether Open can use dsn, without connecting: the error
// wraps ErrDSN.
func CheckDSN(dsn string) error {
	_, _, err := parseDSN(dsn)
	return err
}
