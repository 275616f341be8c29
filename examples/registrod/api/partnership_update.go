package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/openregistro/registro/registry"
)

// PartnershipTerms is the body of PUT /v1/partnerships/{pid}: the terms of
// an agreement, replaced whole. The parties, the ID and the confirmation
// are the register's.
type PartnershipTerms struct {
	// Objectives, Content and Modalities state the agreement.
	Objectives string `json:"objectives"`
	Content    string `json:"content"`
	Modalities string `json:"modalities"`
	// Start is the agreement's first day; End its last ("" open-ended).
	Start registry.Date `json:"start"`
	End   registry.Date `json:"end,omitempty"`
}

// partnershipETag is the ETag of a partnership: its version, `"v3"`.
func partnershipETag(p registry.Partnership) string {
	return `"v` + strconv.FormatInt(p.Version, 10) + `"`
}

// partnershipIfMatch checks If-Match against the partnership's version:
// missing is 428; `*` or the current ETag match; anything else is 412.
func partnershipIfMatch(r *request, cur registry.Partnership) error {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	switch {
	case h == "":
		return newError(kindPreconditionRequired, msg(
			"serve l'intestazione If-Match con l'ETag del partenariato (\"v3\")",
			"the If-Match header with the partnership's ETag (\"v3\") is required"))
	case h == "*" || h == partnershipETag(cur):
		return nil
	}
	return newError(kindPreconditionFailed, msg(
		"il partenariato è cambiato dalla versione indicata in If-Match: rileggerlo e riprovare",
		"the partnership changed since the version If-Match names: read it again and retry"))
}

// updatePartnership replaces a partnership's terms (objectives, content,
// modalities, dates) at the version If-Match names: either party or staff
// (Registry.UpdatePartnership decides); anyone else gets 404, as for an
// unknown partnership. Changed terms are the changing party's word until
// the other confirms them again (POST …/confirm), and until then the
// partnership does not count for Section II eligibility; unchanged terms
// keep the confirmation.
func (s *server) updatePartnership(w http.ResponseWriter, r *request) error {
	pid := r.PathValue("pid")
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	cur, err := s.deps.Registry.Partnership(r.Context(), v, pid)
	if err != nil {
		return err
	}
	if err := partnershipIfMatch(r, cur); err != nil {
		return err
	}
	_, in, err := decodeBody[PartnershipTerms](s, w, r)
	if err != nil {
		return err
	}
	p := cur
	p.Objectives, p.Content, p.Modalities, p.Start, p.End = in.Objectives, in.Content, in.Modalities, in.Start, in.End
	next, err := s.deps.Registry.UpdatePartnership(r.Context(), v, p)
	if errors.Is(err, registry.ErrConflict) {
		return &httpError{kind: kindPreconditionFailed, cause: fmt.Errorf("api: partnership %s: %w", pid, err), detail: msg(
			"il partenariato è cambiato nel frattempo: rileggerlo e riprovare", "the partnership changed meanwhile: read it again and retry")}
	}
	if err != nil {
		return err
	}
	w.Header().Set("ETag", partnershipETag(next))
	writeJSON(w, http.StatusOK, next)
	return nil
}
