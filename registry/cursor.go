package registry

import (
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
