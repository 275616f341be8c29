package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"mime/multipart"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// The methods of the applications for enrolment and of staff's decisions.

// File is one attachment of an application: its name (as the application's
// attachments list it), its media type ("application/pdf"; "" lets the
// service tell it from the name) and its content.
type File struct {
	Name        string
	ContentType string
	Content     []byte
}

// multipartBody returns app (an *eligibility.Application, or its JSON as
// []byte) and files as a multipart/form-data body, the way the service reads
// an application: an "application" part, then a "file" part per attachment.
// The same arguments make the same bytes.
func multipartBody(app any, files []File) ([]byte, string, error) {
	js, err := jsonBody(app)
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	// The boundary is a digest of the parts, not random: the same
	// application and files make the same bytes, so that a call sent again
	// with its Idempotency-Key is the same request (a part holding its own
	// digest is not a concern).
	sum := sha256.New()
	_, _ = fmt.Fprintf(sum, "%d:%s", len(js), js)
	for _, f := range files {
		_, _ = fmt.Fprintf(sum, "%d:%s%d:%s%d:", len(f.Name), f.Name, len(f.ContentType), f.ContentType, len(f.Content))
		sum.Write(f.Content)
	}
	if err := mw.SetBoundary("registro-" + hex.EncodeToString(sum.Sum(nil)[:24])); err != nil {
		return nil, "", fmt.Errorf("client: %w", err)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="application"`)
	h.Set("Content-Type", "application/json")
	w, err := mw.CreatePart(h)
	if err != nil {
		return nil, "", fmt.Errorf("client: %w", err)
	}
	_, _ = w.Write(js)
	for _, f := range files {
		if f.Name == "" || strings.ContainsAny(f.Name, "\"\r\n") {
			return nil, "", fmt.Errorf("client: attachment name %q: want a file name without quotes or line breaks", f.Name)
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+f.Name+`"`)
		if f.ContentType != "" {
			h.Set("Content-Type", f.ContentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			return nil, "", fmt.Errorf("client: %w", err)
		}
		_, _ = w.Write(f.Content)
	}
	if err := mw.Close(); err != nil {
		return nil, "", fmt.Errorf("client: %w", err)
	}
	return buf.Bytes(), mw.FormDataContentType(), nil
}

// ValidateApplication calls POST /v1/applications/validate: the problems of
// an application (an *eligibility.Application, or its JSON as []byte, valid
// or not) — the published schema's, as AJV reports them, and the register's
// rules on addresses, dates and declared absences — without filing it. An
// invalid application is a result with Valid false, not an error. The call
// writes nothing and carries no Idempotency-Key.
func (c *Client) ValidateApplication(ctx context.Context, app any, opts ...CallOption) (api.ValidationResult, error) {
	body, err := jsonBody(app)
	if err != nil {
		return api.ValidationResult{}, err
	}
	return send[api.ValidationResult](ctx, c, safeCall("/v1/applications/validate", nil, body, opts))
}

// FileApplication calls POST /v1/applications: files an application for
// enrolment (an *eligibility.Application, or its JSON as []byte) with its
// attachments, and returns the receipt (protocol number, decision term,
// eligibility at receipt). Each attachment the application lists must be
// among files; problems are an *Error of kind invalid. The call carries an
// Idempotency-Key: sent again with the same key, it files once.
func (c *Client) FileApplication(ctx context.Context, app any, files []File, opts ...CallOption) (api.Receipt, error) {
	body, ct, err := multipartBody(app, files)
	if err != nil {
		return api.Receipt{}, err
	}
	cl := newCall(http.MethodPost, "/v1/applications", nil, body, opts)
	cl.contentType = ct
	return send[api.Receipt](ctx, c, cl)
}

// Application calls GET /v1/applications/{id}: application id with the
// status it brought each section to, for its body (its applicant) and
// staff; anyone else: not found.
func (c *Client) Application(ctx context.Context, id string, opts ...CallOption) (api.ApplicationStatus, error) {
	return send[api.ApplicationStatus](ctx, c, newCall(http.MethodGet, "/v1/applications/"+url.PathEscape(id), nil, nil, opts))
}

// Attachment calls GET /v1/applications/{id}/attachments/{sha256}: the
// content of the attachment of application id whose SHA-256 is sha256 (hex),
// and its media type.
func (c *Client) Attachment(ctx context.Context, id, sha256 string, opts ...CallOption) ([]byte, string, error) {
	cl := newCall(http.MethodGet, "/v1/applications/"+url.PathEscape(id)+"/attachments/"+url.PathEscape(sha256), nil, nil, opts)
	cl.accept = "*/*"
	if cl.resp == nil {
		cl.resp = &Response{}
	}
	b, err := c.do(ctx, cl)
	if err != nil {
		return nil, "", err
	}
	return b, cl.resp.Header.Get("Content-Type"), nil
}

// RequestCompletion calls POST /v1/applications/{id}/completion-requests:
// staff ask the applicant to complete application id, saying what is
// missing in note; it returns the application's status.
func (c *Client) RequestCompletion(ctx context.Context, id, note string, opts ...CallOption) (api.ApplicationStatus, error) {
	body, err := jsonBody(struct {
		Note string `json:"note"`
	}{note})
	if err != nil {
		return api.ApplicationStatus{}, err
	}
	return send[api.ApplicationStatus](ctx, c, newCall(http.MethodPost,
		"/v1/applications/"+url.PathEscape(id)+"/completion-requests", nil, body, opts))
}

// CompleteApplication calls POST /v1/applications/{id}/completion: answers
// a request to complete application id with the completed application and
// its attachments (as FileApplication's), and returns the new receipt.
func (c *Client) CompleteApplication(ctx context.Context, id string, app any, files []File, opts ...CallOption) (api.Receipt, error) {
	body, ct, err := multipartBody(app, files)
	if err != nil {
		return api.Receipt{}, err
	}
	cl := newCall(http.MethodPost, "/v1/applications/"+url.PathEscape(id)+"/completion", nil, body, opts)
	cl.contentType = ct
	return send[api.Receipt](ctx, c, cl)
}

// ReviewQueue calls GET /v1/review-queue: at most limit (0: the service's
// default) pending applications, overdue first, with their eligibility
// decisions; staff only.
func (c *Client) ReviewQueue(ctx context.Context, limit int, opts ...CallOption) ([]registry.QueueItem, error) {
	q := url.Values{}
	if limit != 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	p, err := send[api.ReviewQueue](ctx, c, newCall(http.MethodGet, "/v1/review-queue", q, nil, opts))
	return p.Items, err
}

// EntityApplications calls GET /v1/entities/{id}/applications: body id's
// applications with their status, for the body itself and staff (anyone
// else: not found).
func (c *Client) EntityApplications(ctx context.Context, id string, opts ...CallOption) ([]api.ApplicationStatus, error) {
	p, err := send[struct {
		Items []api.ApplicationStatus `json:"items"`
	}](ctx, c, newCall(http.MethodGet, "/v1/entities/"+url.PathEscape(id)+"/applications", nil, nil, opts))
	return p.Items, err
}

// decide posts in to the decision route what ("review", "enrolment", …) of
// body id's section sec, and returns the body as stored and its ETag.
func (c *Client) decide(ctx context.Context, id string, sec registry.Section, what string, in any, opts []CallOption) (registry.Entity, string, error) {
	if sec != registry.SectionI && sec != registry.SectionII {
		return registry.Entity{}, "", errors.New("client: the section must be registry.SectionI or registry.SectionII")
	}
	body, err := jsonBody(in)
	if err != nil {
		return registry.Entity{}, "", err
	}
	cl := newCall(http.MethodPost, "/v1/entities/"+url.PathEscape(id)+"/sections/"+sec.String()+"/"+what, nil, body, opts)
	if cl.resp == nil {
		cl.resp = &Response{}
	}
	e, err := send[registry.Entity](ctx, c, cl)
	return e, cl.resp.ETag, err
}

// StartReview calls POST /v1/entities/{id}/sections/{section}/review:
// staff start the review of body id's application for section sec on day
// on, and get the body as stored and its ETag. A transition the enrolment's
// state does not allow is an *Error of kind failed precondition.
func (c *Client) StartReview(ctx context.Context, id string, sec registry.Section, on registry.Date, opts ...CallOption) (registry.Entity, string, error) {
	return c.decide(ctx, id, sec, "review", struct {
		On registry.Date `json:"on"`
	}{on}, opts)
}

// Enrol calls POST /v1/entities/{id}/sections/{section}/enrolment: staff
// enrol body id in section sec by decree d. Answers as StartReview's.
func (c *Client) Enrol(ctx context.Context, id string, sec registry.Section, d registry.Decree, opts ...CallOption) (registry.Entity, string, error) {
	return c.decide(ctx, id, sec, "enrolment", d, opts)
}

// Reject calls POST /v1/entities/{id}/sections/{section}/rejection: staff
// reject body id's application for section sec. Answers as StartReview's.
func (c *Client) Reject(ctx context.Context, id string, sec registry.Section, r registry.Rejection, opts ...CallOption) (registry.Entity, string, error) {
	return c.decide(ctx, id, sec, "rejection", r, opts)
}

// CancelEnrolment calls POST /v1/entities/{id}/sections/{section}/cancellation:
// staff cancel body id's enrolment in section sec. Answers as
// StartReview's.
func (c *Client) CancelEnrolment(ctx context.Context, id string, sec registry.Section, cn registry.Cancellation, opts ...CallOption) (registry.Entity, string, error) {
	return c.decide(ctx, id, sec, "cancellation", cn, opts)
}

// ApplySilence calls POST /v1/silence: staff apply the silence policy to
// the applications whose decision term has passed, and get what it did to
// each.
func (c *Client) ApplySilence(ctx context.Context, opts ...CallOption) (api.SilenceReport, error) {
	return send[api.SilenceReport](ctx, c, newCall(http.MethodPost, "/v1/silence", nil, []byte("{}"), opts))
}
