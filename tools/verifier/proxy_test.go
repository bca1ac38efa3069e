package main

import (
	"bufio"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeEmulator stands in for offblocks-sandbox: it registers keys under a fixed id and
// answers everything else with the Host it saw.
type fakeEmulator struct {
	mu    sync.Mutex
	seen  []string // "METHOD path host"
	keyID string
}

func (f *fakeEmulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.seen = append(f.seen, r.Method+" "+r.URL.Path+" "+r.Host)
	f.mu.Unlock()
	w.Header().Set("Date", "Tue, 14 Nov 2023 22:13:20 GMT")
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodPut && r.URL.Path == "/v1/auth/signing" {
		_, _ = io.WriteString(w, `{"keyId":"`+f.keyID+`"}`)
		return
	}
	_, _ = io.WriteString(w, `{}`)
}

func (f *fakeEmulator) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{}, f.seen...)
}

// send writes raw request bytes to the proxy (the Host inside is replaced by the
// proxy's address) and reads the response.
func send(t *testing.T, addr, raw string) (*http.Response, string) {
	t.Helper()
	raw = strings.Replace(raw, "Host: 127.0.0.1:8080", "Host: "+addr, 1)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestProxyLearnsKeysVerifiesAndRefuses(t *testing.T) {
	emulator := &fakeEmulator{keyID: "k-registered"}
	upstream := httptest.NewServer(emulator)
	defer upstream.Close()
	target, _ := url.Parse(upstream.URL)
	policy := Policy{Now: at(1700000000, 900)}
	v := NewVerifier(target, policy, NewKeyRing())
	proxy := httptest.NewServer(v)
	defer proxy.Close()
	addr := strings.TrimPrefix(proxy.URL, "http://")

	s := newSigner(t, "k-registered")
	// The signature covers @authority: the client signs for the proxy's address.
	s.authority = addr
	der, err := x509.MarshalPKIXPublicKey(&s.key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pemText := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	regBody := `{"publicKey":"` + base64.StdEncoding.EncodeToString(pemText) + `"}`
	regDigest := "sha-256=:" + base64.StdEncoding.EncodeToString(sha256Sum([]byte(regBody))) + ":"

	// Before registration the key is unknown: refused, never forwarded.
	good := `;created=1700000000;keyid="k-registered";alg="ecdsa-p384-sha384"`
	get := s.request(t, "GET", "/v1/customers", "", [][2]string{{"Authorization", "Bearer tok"}},
		[]string{"@method", "@authority", "@path", "authorization"}, good)
	resp, body := send(t, addr, get)
	if resp.StatusCode != 400 || body != "invalid required signature\n" ||
		resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("an unknown key must be refused as OffBlocks does: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Type"))
	}
	if len(emulator.requests()) != 0 {
		t.Fatalf("a refused request reached the emulator: %v", emulator.requests())
	}

	// The registration is unsigned, its digest checked, and its key learned.
	reg := "PUT /v1/auth/signing HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer tok\r\n" +
		"Content-Type: application/json\r\nContent-Digest: " + regDigest + "\r\n" +
		"Idempotency-Key: 6f1c1c1e-8b8a-4c7e-9f4f-0e0b6c1d2a3b\r\nContent-Length: " +
		itoa(len(regBody)) + "\r\n\r\n" + regBody
	resp, body = send(t, addr, reg)
	if resp.StatusCode != 200 || !strings.Contains(body, "k-registered") {
		t.Fatalf("registration: %d %s", resp.StatusCode, body)
	}

	// Now the request verifies and is forwarded with its Host kept, and the emulator's
	// Date comes back untouched.
	get = s.request(t, "GET", "/v1/customers", "", [][2]string{{"Authorization", "Bearer tok"}},
		[]string{"@method", "@authority", "@path", "authorization"}, good)
	resp, _ = send(t, addr, get)
	if resp.StatusCode != 200 {
		t.Fatalf("a good request was refused: %d %v", resp.StatusCode, v.Snapshot().Refusals)
	}
	if resp.Header.Get("Date") != "Tue, 14 Nov 2023 22:13:20 GMT" {
		t.Errorf("Date was not passed through: %q", resp.Header.Get("Date"))
	}
	seen := emulator.requests()
	if len(seen) != 2 || seen[1] != "GET /v1/customers "+addr {
		t.Errorf("the emulator saw %v", seen)
	}

	// A body changed after digesting is refused.
	bad := strings.Replace(reg, `{"publicKey":"`, `{"publicKey":" `, 1)
	bad = strings.Replace(bad, "Content-Length: "+itoa(len(regBody)), "Content-Length: "+itoa(len(regBody)+1), 1)
	resp, _ = send(t, addr, bad)
	if resp.StatusCode != 400 {
		t.Errorf("a digest mismatch must be refused, got %d", resp.StatusCode)
	}

	// A created one second after the verifier's now is refused (tolerance 0).
	late := s.request(t, "GET", "/v1/customers", "", [][2]string{{"Authorization", "Bearer tok"}},
		[]string{"@method", "@authority", "@path", "authorization"}, `;created=1700000001;keyid="k-registered"`)
	if resp, _ = send(t, addr, late); resp.StatusCode != 400 {
		t.Errorf("created in the verifier's future must be refused, got %d", resp.StatusCode)
	}

	stats := v.Snapshot()
	if stats.Verified != 1 || stats.Refused != 3 || stats.Unsigned != 1 || stats.Digests != 1 || stats.KeysLearned != 1 {
		t.Errorf("stats %+v", stats)
	}
	// The counts are served as JSON.
	resp, err = http.Get(proxy.URL + "/_verifier/stats")
	if err != nil {
		t.Fatal(err)
	}
	var served Stats
	if err := json.NewDecoder(resp.Body).Decode(&served); err != nil || served.Verified != 1 || len(served.Refusals) != 3 {
		t.Errorf("served stats %+v %v", served, err)
	}
}

func sha256Sum(b []byte) []byte {
	sum := sha256.Sum256(b)
	return sum[:]
}

func itoa(n int) string { return strconv.Itoa(n) }
