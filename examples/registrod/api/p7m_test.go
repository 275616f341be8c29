package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry"
)

// TestP7MUpload: a .p7m must be a CMS SignedData envelope. Sent as DER or as
// base64 text (PEM-armoured or not) it is accepted and stored as received,
// byte for byte; a broken envelope is a 422 p7m_malformed at its
// attachment, and a valid envelope declared as a PDF a 415.
func TestP7MUpload(t *testing.T) {
	env := newAppsEnvSQLite(t)
	app := func() map[string]any { return sampleApplication(t, "00743110157", "Porte Aperte", "2026-03-02") }
	with := func(content []byte, contentType string) func() ([]byte, string) {
		return func() ([]byte, string) {
			return multipartBody(t, app(), file{"statuto.pdf", "application/pdf", pdfFile}, file{"domanda.pdf.p7m", contentType, content})
		}
	}
	ber := []byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x80, 0, 0, 0, 0}
	bad := []struct {
		name    string
		body    func() ([]byte, string)
		status  int
		problem string
	}{
		{"BER with indefinite lengths", with(ber, "application/pkcs7-mime"), 422, "p7m_malformed"},
		{"truncated envelope", with(p7mFile[:len(p7mFile)-4], "application/pkcs7-mime"), 422, "p7m_malformed"},
		{"PEM of a certificate", with(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p7mFile}), ""), 422, "p7m_malformed"},
		{"base64 of a text", with([]byte(base64.StdEncoding.EncodeToString([]byte("not signed"))), ""), 422, "p7m_malformed"},
		{"an envelope declared as a PDF", with(p7mFile, "application/pdf"), 415, ""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := tc.body()
			p := wantProblem(t, env.do(t, "POST", "/v1/applications", tokPersonA, ct, body), tc.status)
			if tc.problem != "" {
				js := toJSON(t, p.Errors)
				if !strings.Contains(js, `"instancePath":"/attachments/1"`) || !strings.Contains(js, tc.problem) {
					t.Errorf("want %s at /attachments/1: %s", tc.problem, js)
				}
			}
		})
	}

	armoured := pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: p7mFile})
	bare := []byte(base64.StdEncoding.EncodeToString(p7mFile) + "\r\n")
	for i, content := range [][]byte{armoured, bare} {
		cf := []string{"80012340016", "97123450021"}[i]
		rc := env.fileApplication(t, tokPersonA, sampleApplication(t, cf, "Casa Comune", "2026-03-02"),
			file{"statuto.pdf", "", pdfFile}, file{"domanda.pdf.p7m", "application/pkcs7-mime", content})
		sum := sha256.Sum256(content)
		at := rc.Attachments[1]
		if at.MediaType != registry.MediaP7M || at.SHA256 != hex.EncodeToString(sum[:]) || at.Size != int64(len(content)) {
			t.Errorf("attachment %d: %+v, want the received bytes' digest and size", i, at)
		}
		rec := env.do(t, "GET", "/v1/applications/"+rc.ApplicationID+"/attachments/"+at.SHA256, tokAppsStaff, "", nil)
		wantCode(t, rec, http.StatusOK, "read the .p7m back")
		if !bytes.Equal(rec.Body.Bytes(), content) {
			t.Errorf("attachment %d read back %q, want the bytes received", i, truncate(rec.Body.String()))
		}
	}
}
