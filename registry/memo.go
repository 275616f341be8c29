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
}

// memoAnswer is a stored answer of Store.EntityByCodiceFiscale: the body, or
// ErrNotFound.
type memoAnswer struct {
	e   Entity
	err error
}

// WithBodyMemo returns a context in which the Registry reads each body by
// codice fiscale from its store once: asked again in that context, it
// answers from the first read. A filing asks about its body three times —
// who may file it (FilingBody, before and after validation), what the body
// owes for the year (ReportingDuty) — and each read is a query and a
// decoded document.
//
// Use it for the span of one request that does not change the bodies it
// reads: a body written in that context is not read again (the Registry's
// own writes read the store directly, never through the memo). The answers
// are copies (Entity.Clone): a caller may change what it gets.
func WithBodyMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, bodyMemoKey{}, &bodyMemo{m: map[string]memoAnswer{}})
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
		memo.mu.Unlock()
	}
	return e, err
}
