package main

// The reverse proxy: every /v1 request is checked (Content-Digest always, the RFC 9421
// signature on every route that needs one) before it is forwarded to the emulator;
// refused requests never reach it. Signing keys are learned from the registrations that
// pass through (`PUT /v1/auth/signing` and the key id the emulator answers with), so the
// verifier trusts exactly the keys the emulator accepted.

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
)

// maxBody bounds what the verifier reads into memory from one request.
const maxBody = 1 << 20

// refusalBody is what OffBlocks' verifier middleware answers (with 400, through
// http.Error, so text/plain and a trailing newline).
const refusalBody = "invalid required signature"

// KeyRing holds the public keys the emulator registered, by key id.
type KeyRing struct {
	mu   sync.RWMutex
	keys map[string]*ecdsa.PublicKey
}

func NewKeyRing() *KeyRing { return &KeyRing{keys: map[string]*ecdsa.PublicKey{}} }

func (k *KeyRing) Add(id string, key *ecdsa.PublicKey) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys[id] = key
}

func (k *KeyRing) Get(id string) *ecdsa.PublicKey {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.keys[id]
}

func (k *KeyRing) Len() int {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return len(k.keys)
}

// ParsePublicKeyPEM reads a P-384 public key from SPKI PEM (`BEGIN PUBLIC KEY`).
func ParsePublicKeyPEM(text []byte) (*ecdsa.PublicKey, error) {
	block, _ := pem.Decode(text)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("not a PUBLIC KEY PEM")
	}
	parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	key, ok := parsed.(*ecdsa.PublicKey)
	if !ok || key.Curve != elliptic.P384() {
		return nil, fmt.Errorf("not a P-384 ECDSA key")
	}
	return key, nil
}

// registrationKey reads the key of a `PUT /auth/signing` body: {"publicKey": base64 PEM}.
func registrationKey(body []byte) (*ecdsa.PublicKey, error) {
	var req struct {
		PublicKey string `json:"publicKey"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, err
	}
	pemText, err := base64.StdEncoding.DecodeString(req.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("publicKey is not base64: %w", err)
	}
	return ParsePublicKeyPEM(pemText)
}

// Stats are the verifier's counts, served at GET /_verifier/stats.
type Stats struct {
	// Verified counts signed requests whose every signature verified.
	Verified int `json:"verified"`
	// Refused counts requests answered 400 without being forwarded.
	Refused int `json:"refused"`
	// Unsigned counts requests forwarded without a signature because their route takes
	// none (POST /v1/auth/token, PUT /v1/auth/signing); their digest is still checked.
	Unsigned int `json:"unsigned"`
	// Digests counts Content-Digest headers checked against their body.
	Digests int `json:"digests"`
	// KeysLearned counts signing keys learned from registrations.
	KeysLearned int `json:"keysLearned"`
	// Refusals holds the reason of each refusal, oldest first.
	Refusals []string `json:"refusals"`
}

// Verifier is the proxy handler.
type Verifier struct {
	policy Policy
	keys   *KeyRing
	proxy  *httputil.ReverseProxy

	mu    sync.Mutex
	stats Stats
}

type ctxKey struct{}

func NewVerifier(upstream *url.URL, policy Policy, keys *KeyRing) *Verifier {
	v := &Verifier{policy: policy, keys: keys}
	policy.Key = keys.Get
	v.policy = policy
	v.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(upstream)
			// The emulator checks @authority against what the client signed: keep Host.
			pr.Out.Host = pr.In.Host
		},
		ModifyResponse: v.learnKey,
	}
	return v
}

// unsignedRoute says whether a route takes no signature (as in the emulator and in
// docs/api.md, Authentication and The request-signing key): the token request and the
// signing-key registration.
func unsignedRoute(method, path string) bool {
	return (method == http.MethodPost && path == "/v1/auth/token") ||
		(method == http.MethodPut && path == "/v1/auth/signing")
}

func (v *Verifier) count(f func(*Stats)) {
	v.mu.Lock()
	defer v.mu.Unlock()
	f(&v.stats)
}

// Snapshot returns a copy of the counts.
func (v *Verifier) Snapshot() Stats {
	v.mu.Lock()
	defer v.mu.Unlock()
	s := v.stats
	s.Refusals = append([]string{}, v.stats.Refusals...)
	if s.Refusals == nil {
		s.Refusals = []string{}
	}
	return s
}

func (v *Verifier) refuse(w http.ResponseWriter, r *http.Request, why string) {
	reason := fmt.Sprintf("%s %s: %s", r.Method, r.URL.Path, why)
	log.Printf("refused %s", reason)
	v.count(func(s *Stats) {
		s.Refused++
		s.Refusals = append(s.Refusals, reason)
	})
	http.Error(w, refusalBody, http.StatusBadRequest)
}

func (v *Verifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_verifier/stats" && r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v.Snapshot())
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/v1/") {
		// The emulator's control API and anything else: not OffBlocks' API.
		v.proxy.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		v.refuse(w, r, "reading the body: "+err.Error())
		return
	}
	if len(body) > maxBody {
		v.refuse(w, r, "body larger than the verifier reads")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))

	checked, err := CheckContentDigest(r.Header, body)
	if err != nil {
		v.refuse(w, r, err.Error())
		return
	}
	if len(checked) > 0 {
		v.count(func(s *Stats) { s.Digests++ })
	}
	signed := r.Header.Get("Signature") != "" || r.Header.Get("Signature-Input") != ""
	if unsignedRoute(r.Method, r.URL.Path) && !signed {
		v.count(func(s *Stats) { s.Unsigned++ })
	} else {
		if _, err := v.policy.VerifySignatures(r); err != nil {
			v.refuse(w, r, err.Error())
			return
		}
		v.count(func(s *Stats) { s.Verified++ })
	}
	if r.Method == http.MethodPut && r.URL.Path == "/v1/auth/signing" {
		if key, err := registrationKey(body); err == nil {
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, key))
		}
	}
	v.proxy.ServeHTTP(w, r)
}

// learnKey records the key of a successful registration under the id the emulator gave.
func (v *Verifier) learnKey(resp *http.Response) error {
	key, ok := resp.Request.Context().Value(ctxKey{}).(*ecdsa.PublicKey)
	if !ok || resp.StatusCode/100 != 2 {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return err
	}
	var answer struct {
		KeyID string `json:"keyId"`
		ID    string `json:"id"`
	}
	if json.Unmarshal(body, &answer) != nil {
		return nil
	}
	id := answer.KeyID
	if id == "" {
		id = answer.ID
	}
	if id != "" {
		v.keys.Add(id, key)
		v.count(func(s *Stats) { s.KeysLearned++ })
		log.Printf("learned signing key %s", id)
	}
	return nil
}
