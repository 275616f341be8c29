package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/server"
)

// selfSigned writes a certificate for 127.0.0.1 and its key as PEM files
// and returns their paths and the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "registrod test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, cert
}

// TestTLS: with a certificate and key the server speaks HTTPS only, TLS 1.2
// or newer, and net/http's own errors still take the ConnError format.
func TestTLS(t *testing.T) {
	certFile, keyFile, cert := selfSigned(t)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	go func() {
		done <- server.Run(ctx, "127.0.0.1:0", h, slog.New(slog.DiscardHandler), server.Options{Ready: ready,
			TLSCert: certFile, TLSKey: keyFile, MaxHeaderBytes: 4 << 10,
			ConnError: func(status int) (string, []byte) { return "application/problem+json", []byte(`{}`) }})
	}()
	addr := <-ready
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	client := func(cfg *tls.Config) *http.Client {
		cfg.RootCAs = pool
		return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 10 * time.Second}
	}
	resp, err := client(&tls.Config{}).Get("https://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" || resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Fatalf("got %q over %+v", body, resp.TLS)
	}
	// An old client cannot connect.
	if _, err := client(&tls.Config{MaxVersion: tls.VersionTLS11}).Get("https://" + addr + "/"); err == nil {
		t.Fatal("a TLS 1.1 client was served")
	}
	// Plain HTTP is not served.
	if resp, err := http.Get("http://" + addr + "/"); err == nil && resp.StatusCode == 200 {
		t.Fatal("plain HTTP was served")
	}
	// Headers past MaxHeaderBytes: net/http's own 431, rewritten.
	req, _ := http.NewRequest("GET", "https://"+addr+"/", nil)
	req.Header.Set("X-Pad", strings.Repeat("x", 8<<10))
	resp, err = client(&tls.Config{}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 431 || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("oversized headers over TLS: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := server.TLSConfig(certFile, certFile); err == nil {
		t.Fatal("a certificate as the key was accepted")
	}
	if err := server.Run(context.Background(), "127.0.0.1:0", h, slog.New(slog.DiscardHandler), server.Options{TLSCert: certFile}); err == nil {
		t.Fatal("a certificate without a key was accepted")
	}
}

func TestClientAddr(t *testing.T) {
	trusted, err := server.ParsePrefixes("10.0.0.0/8, 192.168.1.7, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, peer string
		headers    map[string]string
		want       string // "" for no rewrite
	}{
		{"untrusted peer spoofing XFF", "203.0.113.9:4000", map[string]string{"X-Forwarded-For": "1.1.1.1"}, ""},
		{"untrusted peer spoofing Forwarded", "203.0.113.9:4000", map[string]string{"Forwarded": "for=1.1.1.1"}, ""},
		{"trusted proxy", "10.1.2.3:4000", map[string]string{"X-Forwarded-For": "198.51.100.7"}, "198.51.100.7"},
		{"client prepends a forged address", "10.1.2.3:4000", map[string]string{"X-Forwarded-For": "1.1.1.1, 198.51.100.7"}, "198.51.100.7"},
		{"two trusted proxies", "10.1.2.3:4000", map[string]string{"X-Forwarded-For": "1.1.1.1, 198.51.100.7, 192.168.1.7"}, "198.51.100.7"},
		{"Forwarded wins", "10.1.2.3:4000", map[string]string{"X-Forwarded-For": "1.1.1.1", "Forwarded": `for="[2001:db8::1]:443";proto=https, for=10.9.9.9`}, "2001:db8::1"},
		{"IPv6 proxy", "[fd00::1]:4000", map[string]string{"X-Forwarded-For": "198.51.100.8"}, "198.51.100.8"},
		{"obfuscated client", "10.1.2.3:4000", map[string]string{"Forwarded": "for=_hidden"}, ""},
		{"no header", "10.1.2.3:4000", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.peer
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			var seen string
			server.ForwardedFor(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r.RemoteAddr }), trusted).
				ServeHTTP(httptest.NewRecorder(), r)
			want := tc.peer
			if tc.want != "" {
				want = net.JoinHostPort(tc.want, "0")
				if a, _ := server.ClientAddr(r, trusted); a != netip.MustParseAddr(tc.want) {
					t.Errorf("ClientAddr = %s", a)
				}
			}
			if seen != want {
				t.Fatalf("RemoteAddr seen by the handler %q, want %q", seen, want)
			}
		})
	}
	for _, bad := range []string{"10.0.0.0/33", "nope", "10.0.0.1/8/1"} {
		if _, err := server.ParsePrefixes(bad); err == nil {
			t.Errorf("ParsePrefixes(%q) accepted", bad)
		}
	}
}
