package registrytest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
)

// RunAPITokenStoreTests runs the conformance tests of
// registry.APITokenStore. newStore must return a new, empty store each time
// it is called; it may register cleanup with t.
func RunAPITokenStoreTests(t *testing.T, newStore func(t *testing.T) registry.APITokenStore) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s registry.APITokenStore)
	}{
		{"CreateAndFind", testTokenCreateAndFind},
		{"Taken", testTokenTaken},
		{"Revoke", testTokenRevoke},
		{"ConcurrentCreates", testTokenConcurrentCreates},
		{"CancelledContext", testTokenCancelledContext},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

// token returns a stored-shape token.
func token(id, name string, role registry.Role) registry.APIToken {
	t := registry.APIToken{ID: id, Name: name, Role: role,
		ExpiresAt: at.Add(90 * 24 * time.Hour), CreatedBy: "staff:admin", CreatedAt: at.Add(123456 * time.Microsecond)}
	switch role {
	case registry.RoleBody:
		t.EntityID = "R000001"
	case registry.RoleRegion:
		t.Region = "12"
	}
	return t
}

func testTokenCreateAndFind(t *testing.T, s registry.APITokenStore) {
	ctx := context.Background()
	if list, err := s.APITokens(ctx); err != nil || list == nil || len(list) != 0 {
		t.Fatalf("empty store: APITokens = %v (nil %t), %v; want an empty slice", list, list == nil, err)
	}
	want := []registry.APIToken{
		token("tok_b", "regione:lazio", registry.RoleRegion),
		token("tok_a", "gestionale:acme", registry.RoleBody),
		token("tok_c", "ministero:batch", registry.RoleStaff),
	}
	for i, tk := range want {
		if err := s.CreateAPIToken(ctx, tk, registry.HashAPIToken(fmt.Sprint("secret-", i))); err != nil {
			t.Fatalf("create %s: %v", tk.ID, err)
		}
	}
	for i, tk := range want {
		got, err := s.APITokenByHash(ctx, registry.HashAPIToken(fmt.Sprint("secret-", i)))
		if err != nil {
			t.Fatalf("by hash %d: %v", i, err)
		}
		if !sameToken(got, tk) {
			t.Errorf("by hash %d = %+v, want %+v", i, got, tk)
		}
	}
	if _, err := s.APITokenByHash(ctx, registry.HashAPIToken("secret-9")); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("unknown hash: %v, want ErrNotFound", err)
	}
	list, err := s.APITokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].ID != "tok_a" || list[1].ID != "tok_b" || list[2].ID != "tok_c" {
		t.Fatalf("APITokens = %+v, want tok_a, tok_b, tok_c", list)
	}
	if !sameToken(list[0], want[1]) {
		t.Errorf("listed %+v, want %+v", list[0], want[1])
	}
}

func testTokenTaken(t *testing.T, s registry.APITokenStore) {
	ctx := context.Background()
	if err := s.CreateAPIToken(ctx, token("tok_a", "client-a", registry.RoleStaff), registry.HashAPIToken("one")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAPIToken(ctx, token("tok_a", "client-b", registry.RoleStaff), registry.HashAPIToken("two")); !errors.Is(err, registry.ErrConflict) {
		t.Errorf("taken ID: %v, want ErrConflict", err)
	}
	if err := s.CreateAPIToken(ctx, token("tok_b", "client-b", registry.RoleStaff), registry.HashAPIToken("one")); !errors.Is(err, registry.ErrConflict) {
		t.Errorf("taken hash: %v, want ErrConflict", err)
	}
	if list, err := s.APITokens(ctx); err != nil || len(list) != 1 || list[0].Name != "client-a" {
		t.Errorf("after conflicts: %+v, %v; want client-a alone", list, err)
	}
}

func testTokenRevoke(t *testing.T, s registry.APITokenStore) {
	ctx := context.Background()
	tk := token("tok_a", "client-a", registry.RoleRegion)
	if err := s.CreateAPIToken(ctx, tk, registry.HashAPIToken("one")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeAPIToken(ctx, "tok_x", "staff:admin", at); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("revoke unknown: %v, want ErrNotFound", err)
	}
	when := at.Add(time.Hour + 5*time.Microsecond)
	got, err := s.RevokeAPIToken(ctx, "tok_a", "staff:admin", when.In(time.FixedZone("CET", 3600)))
	if err != nil {
		t.Fatal(err)
	}
	tk.RevokedBy, tk.RevokedAt = "staff:admin", when
	if !sameToken(got, tk) || !got.Revoked() {
		t.Errorf("revoked = %+v, want %+v", got, tk)
	}
	again, err := s.RevokeAPIToken(ctx, "tok_a", "staff:other", when.Add(time.Hour))
	if err != nil || !sameToken(again, tk) {
		t.Errorf("revoked again = %+v, %v; want the first revocation kept: %+v", again, err, tk)
	}
	found, err := s.APITokenByHash(ctx, registry.HashAPIToken("one"))
	if err != nil || !sameToken(found, tk) {
		t.Errorf("by hash after revocation = %+v, %v; want %+v", found, err, tk)
	}
}

func testTokenConcurrentCreates(t *testing.T, s registry.APITokenStore) {
	ctx := context.Background()
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Every goroutine presents the same secret: one wins.
			errs[i] = s.CreateAPIToken(ctx, token(fmt.Sprintf("tok_%d", i), "client", registry.RoleStaff), registry.HashAPIToken("same"))
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, registry.ErrConflict):
			t.Errorf("create: %v, want nil or ErrConflict", err)
		}
	}
	if list, err := s.APITokens(ctx); won != 1 || err != nil || len(list) != 1 {
		t.Errorf("%d creates won, %d stored (%v); want 1", won, len(list), err)
	}
}

func testTokenCancelledContext(t *testing.T, s registry.APITokenStore) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.CreateAPIToken(ctx, token("tok_a", "client", registry.RoleStaff), registry.HashAPIToken("one")); err == nil {
		t.Error("create with a cancelled context: no error")
	}
	if list, err := s.APITokens(context.Background()); err != nil || len(list) != 0 {
		t.Errorf("after a cancelled create: %+v, %v; want nothing stored", list, err)
	}
}

// sameToken compares tokens, times by instant.
func sameToken(a, b registry.APIToken) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Role == b.Role && a.EntityID == b.EntityID && a.Region == b.Region &&
		a.ExpiresAt.Equal(b.ExpiresAt) && a.CreatedBy == b.CreatedBy && a.CreatedAt.Equal(b.CreatedAt) &&
		a.RevokedBy == b.RevokedBy && a.RevokedAt.Equal(b.RevokedAt)
}
