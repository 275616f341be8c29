package reporting

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"sync"

	"github.com/openregistro/registro/questionnaire"
)

// batchSize is how many items a worker takes at a time.
const batchSize = 256

// Counter is what the parallel functions fill: an [*Aggregator] (one
// scope) or a [*Set] (every scope published, read in one pass).
type Counter[A any] interface {
	// Fork returns an empty counter like this one.
	Fork() A
	// Merge adds another's counts into this one.
	Merge(A) error
	// AddRevision counts one questionnaire.
	AddRevision(doc *questionnaire.Document, order int64)
}

// AggregateParallel reads seq and adds every document to a, spreading the
// work over workers goroutines (0: GOMAXPROCS), each with its own forked
// aggregator or set, merged into a at the end. The result is the same as
// adding the documents one by one. It stops at the first error seq yields
// or when ctx is done, and returns that error; a is then left unchanged.
func AggregateParallel[A Counter[A]](ctx context.Context, a A, seq iter.Seq2[questionnaire.Document, error], workers int) error {
	return Parallel(ctx, a, seq, workers, func(w A, d *questionnaire.Document) error {
		w.AddRevision(d, 0)
		return nil
	})
}

// Parallel is AggregateParallel for any input: add turns one item into
// counts on a worker's aggregator or set (for example decoding raw JSON and
// then calling Add), so costly decoding runs on every core too. An error
// from add stops the run; among several, the one of the earliest item is
// returned.
func Parallel[T any, A Counter[A]](ctx context.Context, a A, seq iter.Seq2[T, error], workers int, add func(A, *T) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type batch struct {
		n     int // index of the batch
		items []T
	}
	type failure struct {
		n, i int
		err  error
	}
	work := make(chan batch, workers*2)
	free := make(chan []T, workers*3)
	aggs := make([]A, workers)
	fails := make([]*failure, workers)
	var wg sync.WaitGroup
	for w := range workers {
		aggs[w] = a.Fork()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				if fails[w] == nil {
					for i := range b.items {
						if err := add(aggs[w], &b.items[i]); err != nil {
							fails[w] = &failure{b.n, i, err}
							cancel()
							break
						}
					}
				}
				var zero T
				for i := range b.items {
					b.items[i] = zero
				}
				select {
				case free <- b.items[:0]:
				default:
				}
			}
		}()
	}
	var readErr error
	n := 0
	cur := make([]T, 0, batchSize)
	send := func() bool {
		select {
		case work <- batch{n, cur}:
		case <-ctx.Done():
			return false
		}
		n++
		select {
		case cur = <-free:
		default:
			cur = make([]T, 0, batchSize)
		}
		return true
	}
	for v, err := range seq {
		if err != nil {
			readErr = err
			break
		}
		if ctx.Err() != nil {
			break
		}
		cur = append(cur, v)
		if len(cur) == batchSize && !send() {
			break
		}
	}
	if readErr == nil && ctx.Err() == nil && len(cur) > 0 {
		send()
	}
	close(work)
	wg.Wait()
	var first *failure
	for _, f := range fails {
		if f != nil && (first == nil || f.n < first.n || (f.n == first.n && f.i < first.i)) {
			first = f
		}
	}
	switch {
	case first != nil:
		return first.err
	case readErr != nil:
		return readErr
	case ctx.Err() != nil:
		// Our own cancel only follows a failure, handled above.
		return context.Cause(ctx)
	}
	for _, w := range aggs {
		if err := a.Merge(w); err != nil {
			return err
		}
	}
	return nil
}

// AggregateFilings reads a year's filings (questionnaire.FilingStore.Year)
// and adds each filed document to a (by revision: of two filings of the
// same body, the later revision is counted), decoding the JSON on workers goroutines
// (0: GOMAXPROCS). A filing whose document is not JSON of a questionnaire
// stops the run with an error naming the body.
func AggregateFilings[A Counter[A]](ctx context.Context, a A, seq iter.Seq2[questionnaire.Filing, error], workers int) error {
	return Parallel(ctx, a, seq, workers, func(w A, f *questionnaire.Filing) error {
		var doc questionnaire.Document
		if err := DecodeDocument(f.Document, &doc); err != nil {
			return fmt.Errorf("reporting: filing of %s for %d: %w", f.BodyTaxCode, f.Year, err)
		}
		w.AddRevision(&doc, int64(f.Revision))
		return nil
	})
}
