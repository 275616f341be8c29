package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// issued is the answer to POST /v1/api-tokens.
type issued struct {
	Token struct {
		ID, Name, Role, CreatedBy, RevokedBy string
	} `json:"token"`
	Secret string `json:"secret"`
}

func tokenRequest(name, role, scope string, expires time.Time) []byte {
	return []byte(fmt.Sprintf(`{"name":%q,"role":%q,%s"expiresAt":%q}`, name, role, scope, expires.Format(time.RFC3339)))
}

func TestAPITokens(t *testing.T) {
	f := newFixture(t)
	region := fmt.Sprintf(`"region":%q,`, f.grantReg)
	req := tokenRequest("regione:sistema", "region", region, testNow.Add(48*time.Hour))

	// Only staff issue tokens.
	wantProblem(t, f.do(t, "POST", "/v1/api-tokens", "", req), http.StatusUnauthorized)
	wantProblem(t, f.do(t, "POST", "/v1/api-tokens", tokBody, req), http.StatusForbidden)
	wantProblem(t, f.do(t, "POST", "/v1/api-tokens", tokRegion, req), http.StatusForbidden)
	wantProblem(t, f.do(t, "GET", "/v1/api-tokens", tokPublic, nil), http.StatusForbidden)
	wantProblem(t, f.do(t, "DELETE", "/v1/api-tokens/tok_x", tokBody, nil), http.StatusForbidden)

	rec := f.do(t, "POST", "/v1/api-tokens", tokStaff, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("issue: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	var tk issued
	decode(t, rec, &tk)
	if !strings.HasPrefix(tk.Secret, "rgt_") || tk.Token.CreatedBy != "staff:staff:test" || rec.Header().Get("Location") != "/v1/api-tokens/"+tk.Token.ID {
		t.Fatalf("issued %+v, Location %q", tk, rec.Header().Get("Location"))
	}
	// The secret is not listed (the register keeps only its hash).
	list := f.do(t, "GET", "/v1/api-tokens", tokStaff, nil)
	if list.Code != http.StatusOK || !strings.Contains(list.Body.String(), tk.Token.ID) || strings.Contains(list.Body.String(), tk.Secret) {
		t.Fatalf("list: %d %s", list.Code, truncate(list.Body.String()))
	}
	// The token works: the region's yearly list; it is not staff.
	if rec := f.do(t, "GET", "/v1/yearly-list/2024", tk.Secret, nil); rec.Code != http.StatusOK {
		t.Fatalf("with the token: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	wantProblem(t, f.do(t, "GET", "/v1/events", tk.Secret, nil), http.StatusForbidden)

	// Revoked, it no longer does.
	wantProblem(t, f.do(t, "DELETE", "/v1/api-tokens/tok_nope", tokStaff, nil), http.StatusNotFound)
	rec = f.do(t, "DELETE", "/v1/api-tokens/"+tk.Token.ID, tokStaff, nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"revokedBy":"staff:staff:test"`) {
		t.Fatalf("revoke: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	p := wantProblem(t, f.do(t, "GET", "/v1/yearly-list/2024", tk.Secret, nil), http.StatusUnauthorized)
	if !strings.Contains(p.Messages.EN, "revoked") {
		t.Errorf("revoked: %q", p.Messages.EN)
	}

	// Expired, it no longer does either.
	rec = f.do(t, "POST", "/v1/api-tokens", tokStaff, tokenRequest("ministero:batch", "staff", "", testNow.Add(time.Hour)))
	if rec.Code != http.StatusCreated {
		t.Fatalf("issue: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	decode(t, rec, &tk)
	if rec := f.do(t, "GET", "/v1/events?limit=1", tk.Secret, nil); rec.Code != http.StatusOK {
		t.Fatalf("staff token: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	f.clk.Set(testNow.Add(2 * time.Hour))
	wantProblem(t, f.do(t, "GET", "/v1/events?limit=1", tk.Secret, nil), http.StatusUnauthorized)
}

func TestAPITokenProblems(t *testing.T) {
	f := newFixture(t)
	week := testNow.Add(7 * 24 * time.Hour)
	tests := []struct {
		name string
		body string
		path string
	}{
		{"not JSON", `{"name":`, ""},
		{"unknown field", `{"name":"abc","role":"staff","expiresAt":"2025-02-01T00:00:00Z","secret":"x"}`, ""},
		{"unknown role", string(tokenRequest("abc", "king", "", week)), "/role"},
		{"bad name", string(tokenRequest("A", "staff", "", week)), "/name"},
		{"a person's name", string(tokenRequest("cf:RSSMRA80A01H501U", "staff", "", week)), "/name"},
		{"body without entity", string(tokenRequest("gestionale", "body", "", week)), "/entityId"},
		{"unknown body", string(tokenRequest("gestionale", "body", `"entityId":"R999999",`, week)), "/entityId"},
		{"bad region", string(tokenRequest("regione", "region", `"region":"99",`, week)), "/region"},
		{"expired", string(tokenRequest("regione", "staff", "", testNow.Add(-time.Hour))), "/expiresAt"},
		{"too far", string(tokenRequest("regione", "staff", "", testNow.Add(3*366*24*time.Hour))), "/expiresAt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, f.do(t, "POST", "/v1/api-tokens", tokStaff, []byte(tc.body)), http.StatusUnprocessableEntity)
			found := false
			for _, e := range p.Errors {
				found = found || e.InstancePath == tc.path || e.InstancePath+"/"+fmt.Sprint(e.Params["missingProperty"]) == tc.path
			}
			if !found {
				t.Errorf("problems %+v, want one at %q", p.Errors, tc.path)
			}
		})
	}
	if rec := f.do(t, "GET", "/v1/api-tokens", tokStaff, nil); !strings.Contains(rec.Body.String(), `"tokens":[]`) {
		t.Errorf("nothing stored after the problems: %s", rec.Body.String())
	}
}

func init() {
	addMatrix(matrixCase{op: "listApiTokens", allow: []caller{asStaff},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "GET", "/v1/api-tokens", nil, nil
		}})
	addMatrix(matrixCase{op: "issueApiToken", write: true, allow: []caller{asStaff},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "POST", "/v1/api-tokens", tokenRequest("regione:matrix", "region", fmt.Sprintf(`"region":%q,`, f.grantReg), testNow.Add(time.Hour)), nil
		}})
	addMatrix(matrixCase{op: "revokeApiToken", allow: []caller{asStaff}, // staff: 404, no such token
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "DELETE", "/v1/api-tokens/tok_none", nil, nil
		}})
}
