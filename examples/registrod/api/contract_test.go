package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	verrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/openregistro/registro/examples/registrod/api"
)

// contract validates exchanges against the served OpenAPI document with
// libopenapi-validator. Every request helper (fixture.do, doOn, exchange)
// passes its exchange to checkContract, so a new route is covered by its
// tests without more work.
var contract struct {
	once sync.Once
	mu   sync.Mutex // the validator is not documented as safe for concurrent use
	v    validator.Validator
	err  error
}

// contractValidator returns the validator of api.OpenAPI().
func contractValidator() (validator.Validator, error) {
	contract.once.Do(func() {
		doc, err := libopenapi.NewDocument(api.OpenAPI())
		if err != nil {
			contract.err = err
			return
		}
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			contract.err = fmt.Errorf("%v", errs)
			return
		}
		if ok, verrs := v.ValidateDocument(); !ok {
			contract.err = fmt.Errorf("the document is not valid OpenAPI 3.1: %v", describe(verrs))
			return
		}
		contract.v = v
	})
	return contract.v, contract.err
}

// checkContract fails t when the exchange of req (with body) and rec breaks
// the OpenAPI document (see contractErrors).
func checkContract(t testing.TB, req *http.Request, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	for _, e := range contractErrors(t, req, body, rec) {
		t.Errorf("contract: %s %s → %d: %s", req.Method, req.URL.RequestURI(), rec.Code, e)
	}
}

// contractErrors returns how the exchange breaks the document: every
// response must match its operation's response (status, media type,
// schema); a request answered 2xx must match its operation's request (the
// service took it, so the document must accept it); a path or method the
// document lacks may only be answered with a problem (the mux's 404/405 and
// the middleware's refusals). HEAD is checked as GET without body; an
// answered CORS preflight is not an operation.
func contractErrors(t testing.TB, req *http.Request, body []byte, rec *httptest.ResponseRecorder) []string {
	t.Helper()
	v, err := contractValidator()
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	if req.Method == http.MethodOptions && req.Header.Get("Access-Control-Request-Method") != "" && rec.Code == http.StatusNoContent {
		return nil // a CORS preflight: the CORS protocol, not an operation
	}
	method := req.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	newReq := func() *http.Request {
		r := httptest.NewRequest(method, req.URL.RequestURI(), bytes.NewReader(body))
		r.Header = req.Header.Clone()
		return r
	}
	resp := rec.Result()
	if req.Method == http.MethodHead {
		resp.Body = http.NoBody
	}
	if isNDJSON(req.Header.Get("Content-Type")) {
		// The document describes one line of an NDJSON body: check the
		// request by its first document.
		line, _, _ := bytes.Cut(bytes.TrimLeft(body, " \t\r\n"), []byte("\n"))
		newReq = func() *http.Request {
			r := httptest.NewRequest(method, req.URL.RequestURI(), bytes.NewReader(line))
			r.Header = req.Header.Clone()
			return r
		}
	}
	if isNDJSON(rec.Header().Get("Content-Type")) {
		// Each line of an NDJSON answer is checked as an answer of its own.
		var out []string
		for _, line := range bytes.Split(bytes.TrimSuffix(rec.Body.Bytes(), []byte("\n")), []byte("\n")) {
			one := httptest.NewRecorder()
			for k, v := range rec.Header() {
				one.Header()[k] = v
			}
			one.WriteHeader(rec.Code)
			one.Write(line)
			r := rec.Result()
			r.Body = one.Result().Body
			out = append(out, contractResponse(v, newReq, r, rec)...)
		}
		return out
	}
	return contractResponse(v, newReq, resp, rec)
}

// isNDJSON reports whether a Content-Type is NDJSON.
func isNDJSON(ct string) bool { return strings.HasPrefix(ct, "application/x-ndjson") }

// contractResponse checks resp (the answer recorded in rec, or one line of
// it) and, for a 2xx, the request newReq returns.
func contractResponse(v validator.Validator, newReq func() *http.Request, resp *http.Response, rec *httptest.ResponseRecorder) []string {
	contract.mu.Lock()
	defer contract.mu.Unlock()
	if _, errs := v.ValidateHttpResponse(newReq(), resp); len(errs) > 0 {
		if isPathError(errs) {
			if rec.Code >= 400 && rec.Header().Get("Content-Type") == "application/problem+json" {
				return nil // an unknown path or method, answered with a problem
			}
			return []string{"undocumented path or method answered " + http.StatusText(rec.Code)}
		}
		return []string{describe(errs)}
	}
	if rec.Code >= 200 && rec.Code < 300 {
		if _, errs := v.ValidateHttpRequest(newReq()); len(errs) > 0 && !anyBody(newReq(), errs) {
			return []string{"request accepted by the service but not by the document: " + describe(errs)}
		}
	}
	return nil
}

// anyBody reports whether errs only say that the body of a validate
// request is not JSON: that operation takes any body (finding what is wrong
// with it is its purpose) and answers 200 with the problems.
func anyBody(req *http.Request, errs []*verrors.ValidationError) bool {
	if !strings.HasSuffix(req.URL.Path, "/validate") {
		return false
	}
	for _, e := range errs {
		if !strings.Contains(e.Message, "could not be decoded") {
			return false
		}
	}
	return true
}

// isPathError reports whether errs say the document has no such path or
// method.
func isPathError(errs []*verrors.ValidationError) bool {
	for _, e := range errs {
		if e.IsPathMissingError() || e.IsOperationMissingError() {
			return true
		}
	}
	return false
}

// describe renders validation errors with their schema errors.
func describe(errs []*verrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "[%s/%s] %s: %s", e.ValidationType, e.ValidationSubType, e.Message, e.Reason)
		for _, se := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "; %s: %s", se.KeywordLocation, se.Reason)
		}
		b.WriteString(". ")
	}
	return b.String()
}

// TestContractCatchesDrift shows the contract check fails a response that
// lost a documented field, a response of the wrong shape and a 2xx from a
// route the document does not have.
func TestContractCatchesDrift(t *testing.T) {
	f := newFixture(t)
	id := f.ids[f.body.Entity.CodiceFiscale]
	req := httptest.NewRequest("GET", "/v1/entities/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+tokStaff)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	if errs := contractErrors(t, req, nil, rec); len(errs) > 0 {
		t.Fatalf("a real response fails the contract: %v", errs)
	}
	var ent map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &ent); err != nil {
		t.Fatal(err)
	}
	doctor := func(change func(map[string]any)) *httptest.ResponseRecorder {
		m := map[string]any{}
		for k, v := range ent {
			m[k] = v
		}
		change(m)
		out := httptest.NewRecorder()
		for k, v := range rec.Header() {
			out.Header()[k] = v
		}
		out.WriteHeader(rec.Code)
		_ = json.NewEncoder(out).Encode(m)
		return out
	}
	for name, change := range map[string]func(map[string]any){
		"without id":      func(m map[string]any) { delete(m, "id") },
		"without name":    func(m map[string]any) { delete(m, "name") },
		"id not a string": func(m map[string]any) { m["id"] = 42 },
	} {
		t.Run(name, func(t *testing.T) {
			if errs := contractErrors(t, req, nil, doctor(change)); len(errs) == 0 {
				t.Error("the contract check let it through")
			}
		})
	}
	t.Run("undocumented route", func(t *testing.T) {
		out := httptest.NewRecorder()
		out.Header().Set("Content-Type", "application/json")
		out.WriteHeader(200)
		out.WriteString(`{"status":"ok"}`)
		if errs := contractErrors(t, httptest.NewRequest("GET", "/v1/undocumented", nil), nil, out); len(errs) == 0 {
			t.Error("the contract check let a 200 from an undocumented route through")
		}
	})
	t.Run("undocumented status", func(t *testing.T) {
		out := httptest.NewRecorder()
		out.Header().Set("Content-Type", "application/json")
		out.WriteHeader(http.StatusAccepted)
		out.WriteString(`{}`)
		if errs := contractErrors(t, req, nil, out); len(errs) == 0 {
			t.Error("the contract check let a 202 through")
		}
	})
}
