package api_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
)

func init() {
	addMatrix(matrixCase{op: "ready", req: get("/readyz"), allow: everyone})
}

// TestStarting: while the database is opened and migrated, the process is
// alive (/healthz 200) and not ready (/readyz and everything else: a 503
// problem with Retry-After, in the language asked).
func TestStarting(t *testing.T) {
	h := api.Starting()
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/healthz", 200},
		{"/readyz", 503},
		{"/v1/entities?lang=it", 503},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		if rec.Code != tc.status {
			t.Fatalf("%s: %d, want %d", tc.path, rec.Code, tc.status)
		}
		if tc.status == 200 {
			continue
		}
		var p api.Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Header().Get("Content-Type") != "application/problem+json" ||
			rec.Header().Get("Retry-After") == "" || p.Status != 503 || p.Messages.IT == "" || p.Messages.EN == "" {
			t.Fatalf("%s: %s %v %s", tc.path, rec.Header(), err, rec.Body)
		}
		if tc.path == "/v1/entities?lang=it" && p.Detail != p.Messages.IT {
			t.Errorf("detail not in Italian: %s", p.Detail)
		}
	}
}
