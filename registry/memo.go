package registry

import (
	"context"
	"errors"
	"sync"
)

// bodyMemoKey is the context key of a request's bodyMemo.
type bodyMemoKey struct{}

// bodyMemo holds the answers to a request's look-ups of bodies by codice
// fiscale (WithBodyMemo).
type bodyMemo struct {
	mu sync.Mutex
	m  map[string]memoAnswer
	// ids holds the IDs of the bodies found, for the questions that need
	// only know a body exists (memoHolds).
	ids map[string]bool
}

// memoAnswer is a stored answer of Store.EntityByCodiceFiscale: the body, or
// ErrNotFound.
type memoAnswer struct {
	e   Entity
	err error
}

// WithBodyMemo returns a context in which the Registry reads each body by
// codice fiscale from its store once: asked again in that context, it
// answers from the first read. A filing asks about its body four times —
// who may file it (FilingBody, before and after validation), what the body
// owes for the year (ReportingDuty), whether it exists when its event is
// made (FilingEvent, which asks by ID) — and each read is a query and a
// decoded document.
//
// Use it for the span of one request that does not change the bodies it
// reads: a body written in that context is not read again (the Registry's
// own writes read the store directly, never through the memo). The answers
// are copies (Entity.Clone): a caller may change what it gets.
func WithBodyMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, bodyMemoKey{}, &bodyMemo{m: map[string]memoAnswer{}, ids: map[string]bool{}})
}

// memoHolds reports whether ctx's memo (WithBodyMemo) has found the body
// with ID id: asked whether that body exists, the Registry need not read
// the store again.
func memoHolds(ctx context.Context, id string) bool {
	memo, _ := ctx.Value(bodyMemoKey{}).(*bodyMemo)
	if memo == nil || id == "" {
		return false
	}
	memo.mu.Lock()
	defer memo.mu.Unlock()
	return memo.ids[id]
}

// entityByCodiceFiscale reads the body with codice fiscale cf, from ctx's
// memo when it has one (WithBodyMemo). Only a body or ErrNotFound is kept:
// a store's failure is asked again.
func (r *Registry) entityByCodiceFiscale(ctx context.Context, cf string) (Entity, error) {
	memo, _ := ctx.Value(bodyMemoKey{}).(*bodyMemo)
	if memo == nil {
		return r.store.EntityByCodiceFiscale(ctx, cf)
	}
	memo.mu.Lock()
	a, ok := memo.m[cf]
	memo.mu.Unlock()
	if ok {
		return a.e.Clone(), a.err
	}
	e, err := r.store.EntityByCodiceFiscale(ctx, cf)
	if err == nil || errors.Is(err, ErrNotFound) {
		memo.mu.Lock()
		memo.m[cf] = memoAnswer{e: e.Clone(), err: err}
		if err == nil {
			memo.ids[e.ID] = true
		}
		memo.mu.Unlock()
	}
	return e, err
}
