package api

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/openregistro/registro/registry"
)

// attachment serves one attachment file of an application, byte for byte,
// to the body that filed it and to staff. For anyone else, for a digest the
// application does not name and for an unknown application the answer is
// the same 404, so that nobody learns which files another body holds.
func (s *server) attachment(w http.ResponseWriter, r *request) error {
	id, sha := r.PathValue("id"), r.PathValue("sha256")
	notFound := func(err error) error {
		return &httpError{kind: kindNotFound, cause: err, detail: msg(
			"nessun allegato "+strconv.Quote(sha)+" della domanda "+strconv.Quote(id)+" visibile al chiamante",
			"no attachment "+strconv.Quote(sha)+" of application "+strconv.Quote(id)+" visible to the caller")}
	}
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	a, err := s.deps.Registry.Application(r.Context(), v, id)
	if errors.Is(err, registry.ErrNotFound) {
		return notFound(err)
	}
	if err != nil {
		return err
	}
	var meta *registry.Attachment
	for i := range a.Attachments {
		if a.Attachments[i].SHA256 == sha {
			meta = &a.Attachments[i]
			break
		}
	}
	if meta == nil {
		return notFound(registry.ErrNotFound)
	}
	f, err := s.deps.Registry.Attachment(r.Context(), v, sha)
	if errors.Is(err, registry.ErrNotFound) {
		return notFound(err)
	}
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", f.MediaType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": meta.Name}))
	h.Set("ETag", `"`+f.SHA256+`"`)
	if matchETag(r.Header.Get("If-None-Match"), `"`+f.SHA256+`"`) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(f.Content)
	}
	return nil
}
