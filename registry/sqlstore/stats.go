package sqlstore

import "database/sql"

// PoolStats returns the connection pool's statistics (open, in use and idle
// connections, waits for a connection), for metrics.
func (s *Store) PoolStats() sql.DBStats { return s.db.Stats() }
