package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/openregistro/registro/schemas/problem"
)

// MaxDraftBytes is the largest draft document SaveDraft accepts: a draft is
// a working copy of one annual report, which a complete filing holds in far
// less.
const MaxDraftBytes = 1 << 20

// Draft is a body's working copy of its annual report on one reporting
// year, saved so that the report can be written over several sessions.
// There is at most one per body and year. A draft may be incomplete in
// any way; the register checks only that it is a JSON object (the service
// type-checks it against the year's questionnaire, without requiring
// anything). Drafts are the body's own: only the body and staff read them.
type Draft struct {
	// EntityID is the body's register ID.
	EntityID string `json:"entityId"`
	// Year is the reporting year.
	Year int `json:"year"`
	// Version is the optimistic-concurrency version: 1 for the first save,
	// +1 for each save after it.
	Version int64 `json:"version"`
	// Document is the draft as saved (a JSON object).
	Document json.RawMessage `json:"document"`
	// SavedAt and SavedBy record the last save (SavedBy is the actor, see
	// Viewer.Actor).
	SavedAt time.Time `json:"savedAt"`
	SavedBy string    `json:"savedBy"`
}

// DraftStore keeps the drafts of annual reports: the capability of a Store
// that SaveDraft and Draft use. Every implementation must pass
// registrytest.RunDraftStoreTests.
type DraftStore interface {
	// Draft returns the draft of body entityID for year, or ErrNotFound.
	Draft(ctx context.Context, entityID string, year int) (Draft, error)
	// PutDraft stores d as the draft of (d.EntityID, d.Year). With Version
	// 0 it creates the draft (ErrConflict if there is one); with Version n
	// > 0 it replaces the stored draft whose version is n (ErrConflict for
	// another version, ErrNotFound if there is none). It returns the draft
	// as stored, with its new version.
	PutDraft(ctx context.Context, d Draft) (Draft, error)
}

// opSaveDraft names a save of a draft in the errors of the policy.
const opSaveDraft op = "save draft"

// SaveDraft saves d, the draft of body d.EntityID for d.Year, as v: version
// 0 creates the draft, version n replaces version n (so that two sessions
// cannot overwrite each other unknowingly). The draft is the body's own
// working copy: only the body's viewer saves it (staff read drafts but do
// not write them, as they do not file reports). It returns the draft as
// stored.
//
// Errors: ErrForbidden when v is not the body's viewer (before anything is
// read, so that the answer tells nothing about the body); a problem.List
// for a year before 1999, a document that is not a JSON object or one
// larger than MaxDraftBytes; ErrNotFound when the register holds no such
// body, or for a version n > 0 when there is no draft; ErrConflict for a
// stale version (or version 0 when a draft exists); store errors.
func (r *Registry) SaveDraft(ctx context.Context, v Viewer, d Draft) (Draft, error) {
	if v.Role != RoleBody {
		return Draft{}, forbidden(v, opSaveDraft)
	}
	if err := authorize(v, opSaveDraft, d.EntityID); err != nil {
		return Draft{}, err
	}
	if probs := checkDraft(&d); len(probs) > 0 {
		return Draft{}, probs
	}
	if _, err := r.entity(ctx, d.EntityID); err != nil {
		return Draft{}, err
	}
	d.Document = compactJSON(d.Document)
	d.SavedAt = r.now()
	d.SavedBy = v.Actor()
	out, err := r.store.PutDraft(ctx, d)
	if err != nil {
		return Draft{}, fmt.Errorf("registry: save draft of %s for %d: %w", d.EntityID, d.Year, err)
	}
	return out, nil
}

// Draft returns the draft of body entityID for year, as v may read it:
// staff and the body itself.
//
// Errors: ErrForbidden for any other viewer (before anything is read, so
// that the answer tells nothing about the body or its drafts); ErrNotFound
// when there is no draft; store errors.
func (r *Registry) Draft(ctx context.Context, v Viewer, entityID string, year int) (Draft, error) {
	if !ownRecord(&v, entityID) {
		return Draft{}, fmt.Errorf("registry: draft of %s by %s: %w", entityID, v.Actor(), ErrForbidden)
	}
	return r.store.Draft(ctx, entityID, year)
}

// ownRecord reports whether v reads the whole record of body id: staff, or
// the body's own viewer.
func ownRecord(v *Viewer, id string) bool {
	return v.Role == RoleStaff || (v.Role == RoleBody && v.EntityID != "" && v.EntityID == id)
}

// checkDraft returns the problems of d's year and document.
func checkDraft(d *Draft) problem.List {
	var probs problem.List
	if d.Year < 1999 {
		probs = append(probs, problem.New("/year", "minimum", "minimum", map[string]any{"comparison": ">=", "limit": 1999},
			"l'anno di riferimento deve essere dal 1999 in poi", "the reporting year must be 1999 or later"))
	}
	switch doc := bytes.TrimSpace(d.Document); {
	case len(d.Document) > MaxDraftBytes:
		probs = append(probs, problem.New("", "maxLength", "max_draft_size", map[string]any{"limit": MaxDraftBytes},
			fmt.Sprintf("la bozza supera %d byte", MaxDraftBytes), fmt.Sprintf("the draft exceeds %d bytes", MaxDraftBytes)))
	case len(doc) == 0 || doc[0] != '{' || !json.Valid(doc):
		probs = append(probs, problem.New("", "type", "type", map[string]any{"type": "object"},
			"la bozza deve essere un oggetto JSON", "the draft must be a JSON object"))
	}
	return probs
}

// compactJSON returns data without insignificant white space (data is
// valid JSON).
func compactJSON(data []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		return data
	}
	return b.Bytes()
}
