package server

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// TLSConfig loads the certificate (chain) and key PEM files and returns the
// server's TLS configuration: TLS 1.2 or newer, and for TLS 1.2 only the
// AEAD cipher suites with forward secrecy (Go's TLS 1.3 suites are all
// modern and not configurable). HTTP/1.1 is the only protocol offered.
func TLSConfig(certFile, keyFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("server: TLS certificate %s and key %s: %w", certFile, keyFile, err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
		NextProtos: []string{"http/1.1"},
	}, nil
}

// ParsePrefixes parses a comma-separated list of CIDR prefixes
// ("10.0.0.0/8, 192.168.1.7/32, ::1/128"); a bare address is a one-address
// prefix.
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("%q is neither an address nor a CIDR prefix", s)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR prefix (10.0.0.0/8, fd00::/8)", s)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// maxForwardedHops bounds the addresses read from the forwarding headers.
const maxForwardedHops = 32

// ForwardedFor returns h behind a rewrite of each request's RemoteAddr to
// the client's address (see ClientAddr).
func ForwardedFor(h http.Handler, trusted []netip.Prefix) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if addr, ok := ClientAddr(r, trusted); ok {
			r2 := *r
			r2.RemoteAddr = net.JoinHostPort(addr.String(), "0")
			r = &r2
		}
		h.ServeHTTP(w, r)
	})
}

// ClientAddr returns the address of the client that sent r through the
// trusted reverse proxies, and whether it differs from the peer's. The
// headers are honoured only when the peer (r.RemoteAddr) is in a trusted
// network: from anyone else they are the client's own words and ignored.
// The chain of addresses the proxies appended — the Forwarded header's
// for= parameters (RFC 7239) when present, else X-Forwarded-For — is read
// from the right, skipping trusted proxies: the first untrusted address is
// the client (the addresses left of it could be forged by the client). An
// unparsable or obfuscated element stops the walk at the last address
// known.
func ClientAddr(r *http.Request, trusted []netip.Prefix) (netip.Addr, bool) {
	peer, ok := parseHostAddr(r.RemoteAddr)
	if !ok || !isTrusted(peer, trusted) {
		return netip.Addr{}, false
	}
	chain := forwardedFor(r.Header.Values("Forwarded"))
	if chain == nil {
		chain = xForwardedFor(r.Header.Values("X-Forwarded-For"))
	}
	client := peer
	for i := len(chain) - 1; i >= 0 && isTrusted(client, trusted); i-- {
		a, ok := parseHostAddr(chain[i])
		if !ok {
			break
		}
		client = a
	}
	return client, client != peer
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseHostAddr parses "1.2.3.4", "1.2.3.4:5", "[::1]:5", "::1" or
// "[::1]".
func parseHostAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// xForwardedFor splits X-Forwarded-For values into their addresses.
func xForwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for _, a := range strings.Split(v, ",") {
			out = append(out, strings.TrimSpace(a))
		}
	}
	return lastHops(out)
}

// lastHops keeps the last maxForwardedHops addresses: the walk from the
// right never needs more.
func lastHops(chain []string) []string {
	if len(chain) > maxForwardedHops {
		return chain[len(chain)-maxForwardedHops:]
	}
	return chain
}

// forwardedFor returns the for= values of Forwarded headers (RFC 7239), in
// order, or nil when there are none.
func forwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for _, elem := range strings.Split(v, ",") {
			for _, pair := range strings.Split(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "for") {
					continue
				}
				out = append(out, strings.Trim(strings.TrimSpace(val), `"`))
			}
		}
	}
	return lastHops(out)
}
