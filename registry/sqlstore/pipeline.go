package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/openregistro/registro/registry"
)

// Pipelined writes (see the package documentation, "Pipeline").
//
// A write that can be expressed as statements none of which needs, in Go,
// the result of another before it is sent (a filing: its idempotency key,
// its revision, the move of the current pointer, its events) gives the
// committer a pipe function besides its fn. On PostgreSQL the committer
// sends the statements of every such write of a batch in one pgx batch,
// over the batch's own connection and inside its transaction: one round
// trip for all of them instead of one a statement. A pipelined batch has no
// savepoints: when any of its statements fails, or a result is not what the
// write needs (an UPDATE that moved no row), the transaction is rolled back
// and the whole batch runs again the serial way (fn, each under its
// savepoint), which tells each write's own outcome. A failing write thus
// costs its batch a second try, never another write's success.

// errNotPipelined is what a pipelined statement's check returns when its
// result is not what the write needs: the batch is run again the serial way,
// where the write's fn says what went wrong.
var errNotPipelined = errors.New("sqlstore: a pipelined write needs the serial way")

// pipeline collects the statements of the pipelined writes of a batch.
type pipeline struct {
	d *dialect
	b pgx.Batch
	// events is how many events the queued statements number: the k-th
	// takes the counter's value at the start of the batch plus k.
	events int64
}

// exec queues query ('?' placeholders). When want is not negative, the
// statement must affect exactly that many rows.
func (p *pipeline) exec(want int64, query string, args ...any) {
	qq := p.b.Queue(p.d.q(query), args...)
	if want >= 0 {
		qq.Exec(func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() != want {
				return errNotPipelined
			}
			return nil
		})
	}
}

// queryRow queues query ('?' placeholders), which returns one row, and
// scans it with scan.
func (p *pipeline) queryRow(scan func(pgx.Row) error, query string, args ...any) {
	p.b.Queue(p.d.q(query), args...).QueryRow(scan)
}

// nextEvent returns the offset of the next event's number from the event
// counter's value at the start of the batch (1 for the first).
func (p *pipeline) nextEvent() int64 {
	p.events++
	return p.events
}

// eventSeqSQL is the number of a pipelined event: the counter (read under
// the row lock the batch took first) plus the event's offset.
const eventSeqSQL = "(SELECT value FROM counters WHERE name = 'event') + ?"

// runPipelined runs the pipelined writes ops in the transaction open on
// conn, as one pgx batch: first the event counter's row is locked, then each
// write's statements in the order of ops, then the counter is moved past the
// events they numbered (the serial writes that follow in the transaction
// read it again). An error (errNotPipelined, or the first statement's that
// failed) means the batch must be run again the serial way; the transaction
// is then aborted.
func (s *Store) runPipelined(ctx context.Context, conn *sql.Conn, ops []*writeOp) error {
	p := &pipeline{d: s.d}
	// The lock first: its place is fixed, its need known only once the
	// writes have queued their statements.
	p.b.Queue("UPDATE counters SET value = value WHERE name = 'event'")
	for _, op := range ops {
		op.pipe(p)
	}
	if p.events == 0 {
		p.b.QueuedQueries = p.b.QueuedQueries[1:]
	} else {
		// The count is a parameter: one statement, prepared once on each
		// connection, whatever the batch's size.
		p.b.Queue(p.d.q("UPDATE counters SET value = value + ? WHERE name = 'event'"), p.events)
	}
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: pipeline: a %T is not a pgx connection", dc)
		}
		return c.Conn().SendBatch(ctx, &p.b).Close()
	})
	if err != nil {
		return err
	}
	s.commits.pipelined.Add(int64(len(ops)))
	return nil
}

// pipeEvents queues the statements appendEvents runs, in a pipeline: each
// event numbered from the counter by the pipeline (eventSeqSQL). The
// events it returns get their numbers and regions when the pipeline has
// run.
func pipeEvents(p *pipeline, evs []registry.Event) []registry.Event {
	out := make([]registry.Event, len(evs))
	for i, ev := range evs {
		out[i] = ev.Clone()
		ev := &out[i]
		p.queryRow(func(row pgx.Row) error {
			var region string
			if err := row.Scan(&region, &ev.Seq); err != nil {
				return fmt.Errorf("sqlstore: write event: %w", err)
			}
			ev.Regions = registry.EventRegions(region, region)
			return nil
		}, insertEventSQL(eventSeqSQL)+", seq", eventArgs(p.nextEvent(), ev)...)
	}
	return out
}
