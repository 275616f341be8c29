package registry

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/openregistro/registro/schemas/problem"
)

// ErrInvalidCursor is wrapped by Store.Entities and Registry.Entities for a
// Filter.Cursor that no listing made: not the Page.Next of a page. A caller
// maps it to a bad request; it is never ErrNotFound. Its kind is
// problem.KindInvalid.
var ErrInvalidCursor = problem.NewError(problem.KindInvalid, "registry: invalid cursor")

// CursorAfter returns the cursor of the page that starts after the entity
// id, for Page.Next. Cursors are opaque to callers: they are the base64url
// text of an ID, so that any text that is not one is recognisably invalid.
// A cursor names a position in ID order, not an entity: the page after it
// is the same whether or not an entity with that ID exists or is visible.
func CursorAfter(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(id))
}

// ParseCursor returns the entity ID a cursor made by CursorAfter names, and
// "" for the empty cursor (the first page).
//
// Errors: ErrInvalidCursor, wrapped, for any other text.
func ParseCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(c)
	if err != nil || len(b) == 0 || !utf8.Valid(b) || strings.ContainsRune(string(b), 0) {
		return "", fmt.Errorf("%w: %.40q", ErrInvalidCursor, c)
	}
	return string(b), nil
}

// maxChunk caps the rows Paginate asks a store for at a time when the
// filter has a Visible test.
const maxChunk = 1024

// Paginate builds one page of a listing for stores: it resolves f's limit
// (DefaultLimit for 0, at most MaxLimit) and cursor, and asks fetch for the
// entities matching f after a position, in the store's ID order, chunk at a
// time, applying f.Visible (with no rows or locks held by the store while it
// runs) until the page is full and one more visible entity shows that
// another page follows, whose cursor becomes Page.Next. Without Visible a
// page needs limit+1 rows; with it, the first chunk is a quarter more (at
// least 16 rows: the store's candidates are nearly all visible, and each row
// fetched is a document decoded) and each next chunk doubles, up to
// maxChunk. fetch returns fewer
// than chunk entities only at the end of the listing.
//
// Errors: ErrInvalidCursor, wrapped, for a bad cursor; an error for a
// negative limit; fetch's and Visible's errors; the context's.
func Paginate(ctx context.Context, f Filter, fetch func(after string, chunk int) ([]Entity, error)) (Page, error) {
	n := f.Limit
	switch {
	case n < 0:
		return Page{}, fmt.Errorf("registry: negative limit %d", n)
	case n == 0:
		n = DefaultLimit
	case n > MaxLimit:
		n = MaxLimit
	}
	pos, err := ParseCursor(f.Cursor)
	if err != nil {
		return Page{}, err
	}
	chunk := n + 1
	if f.Visible != nil {
		chunk = min(max(chunk+chunk/4, 16), max(maxChunk, n+1))
	}
	p := Page{Entities: []Entity{}}
	for {
		if err := ctx.Err(); err != nil {
			return Page{}, err
		}
		batch, err := fetch(pos, chunk)
		if err != nil {
			return Page{}, err
		}
		for i := range batch {
			e := &batch[i]
			pos = e.ID
			if f.Visible != nil {
				ok, err := f.Visible(ctx, e)
				if err != nil {
					return Page{}, err
				}
				if !ok {
					continue
				}
			}
			if len(p.Entities) == n {
				p.Next = CursorAfter(p.Entities[n-1].ID)
				return p, nil
			}
			p.Entities = append(p.Entities, *e)
		}
		if len(batch) < chunk {
			return p, nil
		}
		chunk = min(chunk*2, max(maxChunk, n+1))
	}
}
