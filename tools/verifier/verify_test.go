package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// The known-answer vector. RFC 9421's examples use RSA, P-256, Ed25519 and HMAC, none
// P-384, so this one was made by a different implementation than the verifier's: the
// signature base below was written out by hand and signed with OpenSSL 3
// (`openssl dgst -sha384 -sign` with a fresh secp384r1 key, then the DER r and s written
// as 48 bytes each). testdata/kat-p384-public.pem is that key's public half.
const katBase = `"@method": POST
"@authority": 127.0.0.1:8080
"@path": /v1/customers
"@query": ?dry=1
"authorization": Bearer tok
"content-type": application/json
"content-digest": sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:
"idempotency-key": 6f1c1c1e-8b8a-4c7e-9f4f-0e0b6c1d2a3b
"@signature-params": ("@method" "@authority" "@path" "@query" "authorization" "content-type" "content-digest" "idempotency-key");created=1700000000;keyid="kat-1";alg="ecdsa-p384-sha384"`

const katSignatureHex = "DD86B38D814B8B14DE49B7B2A42F0738F880A7A695E0C8CD5D80288F1C2494938FC0F7AC632AA48F1DFD01845AEAD5FC" +
	"CA84F616EF78C3F746C4B6858DBF671F2769CF81BB527374A49A8FC52FB8E479E12804B4DB64FD63ED6B7A89CF8E4E3B"

const katInput = `sig=("@method" "@authority" "@path" "@query" "authorization" "content-type" "content-digest" "idempotency-key");created=1700000000;keyid="kat-1";alg="ecdsa-p384-sha384"`

// RFC 9530 / docs/api.md (Content-Digest) vectors for the body {"hello": "world"}.
const (
	helloBody   = `{"hello": "world"}`
	helloSha256 = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
	helloSha512 = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
)

func katKey(t *testing.T) *ecdsa.PublicKey {
	t.Helper()
	text, err := os.ReadFile("testdata/kat-p384-public.pem")
	if err != nil {
		t.Fatal(err)
	}
	key, err := ParsePublicKeyPEM(text)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// received parses raw request bytes as Go's server would hand them to a handler.
func received(t *testing.T, raw string) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func katRequest(t *testing.T, signature, input string) *http.Request {
	return received(t, "POST /v1/customers?dry=1 HTTP/1.1\r\n"+
		"Host: 127.0.0.1:8080\r\n"+
		"Authorization: Bearer tok\r\n"+
		"Content-Type: application/json\r\n"+
		"Content-Digest: "+helloSha256+"\r\n"+
		"Idempotency-Key: 6f1c1c1e-8b8a-4c7e-9f4f-0e0b6c1d2a3b\r\n"+
		"Signature-Input: "+input+"\r\n"+
		"Signature: sig=:"+signature+":\r\n"+
		"Content-Length: 18\r\n\r\n"+helloBody)
}

func katSignature(t *testing.T) []byte {
	sig, err := hex.DecodeString(katSignatureHex)
	if err != nil || len(sig) != 96 {
		t.Fatalf("bad vector: %v", err)
	}
	return sig
}

func at(unix int64, millis int64) func() time.Time {
	return func() time.Time { return time.Unix(unix, millis*int64(time.Millisecond)) }
}

func policyWith(now func() time.Time, keys map[string]*ecdsa.PublicKey) *Policy {
	return &Policy{Now: now, Key: func(id string) *ecdsa.PublicKey { return keys[id] }}
}

func TestKnownAnswerFromOpenSSL(t *testing.T) {
	key := katKey(t)
	sig := base64.StdEncoding.EncodeToString(katSignature(t))
	r := katRequest(t, sig, katInput)

	inputs, err := parseDictionary(katInput)
	if err != nil {
		t.Fatal(err)
	}
	components := []string{}
	for _, item := range inputs[0].inner {
		components = append(components, item.value.str)
	}
	base, err := SignatureBase(r, components, inputs[0].sfItem)
	if err != nil {
		t.Fatal(err)
	}
	if base != katBase {
		t.Fatalf("signature base differs:\n%s\n--- want ---\n%s", base, katBase)
	}

	keys := map[string]*ecdsa.PublicKey{"kat-1": key}
	// 0.999 s into the created second: still not later than now.
	ids, err := policyWith(at(1700000000, 999), keys).VerifySignatures(r)
	if err != nil || len(ids) != 1 || ids[0] != "kat-1" {
		t.Fatalf("the vector must verify: %v %v", ids, err)
	}
	// One bit off in s fails.
	flipped := katSignature(t)
	flipped[95] ^= 1
	r = katRequest(t, base64.StdEncoding.EncodeToString(flipped), katInput)
	if _, err := policyWith(at(1700000000, 0), keys).VerifySignatures(r); err == nil ||
		!strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("a flipped bit must fail verification, got %v", err)
	}
	// The base itself hashes as OpenSSL hashed it.
	digest := sha512.Sum384([]byte(katBase))
	raw := katSignature(t)
	if !ecdsa.Verify(key, digest[:], new(big.Int).SetBytes(raw[:48]), new(big.Int).SetBytes(raw[48:])) {
		t.Fatal("the vector does not verify over the literal base")
	}
}

func TestZeroToleranceComparesWholeSeconds(t *testing.T) {
	keys := map[string]*ecdsa.PublicKey{"kat-1": katKey(t)}
	sig := base64.StdEncoding.EncodeToString(katSignature(t))
	cases := []struct {
		now       func() time.Time
		tolerance int64
		ok        bool
	}{
		{at(1700000000, 0), 0, true},
		{at(1700000100, 0), 0, true}, // no max age by default
		{at(1699999999, 999), 0, false},
		{at(1699999999, 999), 1, true},
		{at(1699999998, 999), 1, false},
	}
	for i, c := range cases {
		p := policyWith(c.now, keys)
		p.CreatedTolerance = c.tolerance
		_, err := p.VerifySignatures(katRequest(t, sig, katInput))
		if (err == nil) != c.ok {
			t.Errorf("case %d: now %v tolerance %d: err %v", i, c.now(), c.tolerance, err)
		}
		if err != nil && !strings.Contains(err.Error(), "later than the verifier's now") {
			t.Errorf("case %d: wrong reason %v", i, err)
		}
	}
	p := policyWith(at(1700000400, 0), keys)
	p.MaxAge = 300
	if _, err := p.VerifySignatures(katRequest(t, sig, katInput)); err == nil {
		t.Error("a max age of 300 s must refuse a 400 s old created")
	}
}

// signed builds a request the way a careful client would, signing a base written here
// by hand (not with SignatureBase), with a fresh key.
type signer struct {
	key       *ecdsa.PrivateKey
	keyID     string
	authority string // Host and @authority; 127.0.0.1:8080 when empty
}

func newSigner(t *testing.T, id string) *signer {
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{key: key, keyID: id}
}

// request returns raw request bytes; params is appended after the component list.
func (s *signer) request(t *testing.T, method, target, body string, headers [][2]string, components []string, params string) string {
	path, query, hasQuery := strings.Cut(target, "?")
	authority := s.authority
	if authority == "" {
		authority = "127.0.0.1:8080"
	}
	values := map[string]string{
		"@method":    method,
		"@authority": authority,
		"@path":      path,
	}
	if hasQuery {
		values["@query"] = "?" + query
	}
	for _, h := range headers {
		values[strings.ToLower(h[0])] = h[1]
	}
	quoted := make([]string, len(components))
	lines := []string{}
	for i, c := range components {
		quoted[i] = `"` + c + `"`
		lines = append(lines, fmt.Sprintf(`"%s": %s`, c, values[c]))
	}
	list := "(" + strings.Join(quoted, " ") + ")" + params
	lines = append(lines, `"@signature-params": `+list)
	digest := sha512.Sum384([]byte(strings.Join(lines, "\n")))
	r, sv, err := ecdsa.Sign(rand.Reader, s.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 96)
	r.FillBytes(raw[:48])
	sv.FillBytes(raw[48:])
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, authority)
	for _, h := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	fmt.Fprintf(&b, "Signature-Input: sig=%s\r\nSignature: sig=:%s:\r\n", list, base64.StdEncoding.EncodeToString(raw))
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return b.String()
}

var fullComponents = []string{"@method", "@authority", "@path", "authorization", "content-type", "content-digest", "idempotency-key"}

func postHeaders() [][2]string {
	return [][2]string{
		{"Authorization", "Bearer tok"},
		{"Content-Type", "application/json"},
		{"Content-Digest", helloSha256},
		{"Idempotency-Key", "6f1c1c1e-8b8a-4c7e-9f4f-0e0b6c1d2a3b"},
	}
}

func TestRefusals(t *testing.T) {
	s := newSigner(t, "k1")
	keys := map[string]*ecdsa.PublicKey{"k1": &s.key.PublicKey}
	p := policyWith(at(1700000000, 500), keys)
	good := `;created=1700000000;keyid="k1";alg="ecdsa-p384-sha384"`
	raw := s.request(t, "POST", "/v1/customers", helloBody, postHeaders(), fullComponents, good)
	if _, err := p.VerifySignatures(received(t, raw)); err != nil {
		t.Fatalf("a good request must verify: %v", err)
	}
	noKey := fullComponents[:6] // idempotency-key sent but not covered
	cases := map[string]struct {
		components []string
		params     string
		edit       func(string) string
		reason     string
	}{
		"created in the next second": {fullComponents, `;created=1700000001;keyid="k1"`, nil, "later than the verifier's now"},
		"unknown parameter":          {fullComponents, `;created=1700000000;keyid="k1";tag="x"`, nil, "unknown signature parameter"},
		"no created":                 {fullComponents, `;keyid="k1"`, nil, "no created"},
		"no keyid":                   {fullComponents, `;created=1700000000`, nil, "no keyid"},
		"unknown keyid":              {fullComponents, `;created=1700000000;keyid="k2"`, nil, "not a registered key"},
		"another alg":                {fullComponents, `;created=1700000000;keyid="k1";alg="ecdsa-p256-sha256"`, nil, "does not match the key"},
		"expired":                    {fullComponents, `;created=1700000000;keyid="k1";expires=1700000000`, nil, "expired"},
		"uncovered header":           {noKey, good, nil, `"idempotency-key" is not covered`},
		"covered header changed": {fullComponents, good, func(r string) string {
			return strings.Replace(r, "Bearer tok", "Bearer tok2", 1)
		}, "does not verify"},
		"der length": {fullComponents, good, func(r string) string {
			i := strings.Index(r, "Signature: sig=:")
			return r[:i] + "Signature: sig=:" + base64.StdEncoding.EncodeToString(make([]byte, 102)) + ":\r\n" +
				r[strings.Index(r[i:], "\r\n")+i+2:]
		}, "not 96"},
		"no signature": {fullComponents, good, func(r string) string {
			i := strings.Index(r, "Signature-Input:")
			j := strings.Index(r, "Content-Length:")
			return r[:i] + r[j:]
		}, "no Signature"},
	}
	for name, c := range cases {
		raw := s.request(t, "POST", "/v1/customers", helloBody, postHeaders(), c.components, c.params)
		if c.edit != nil {
			raw = c.edit(raw)
		}
		_, err := p.VerifySignatures(received(t, raw))
		if err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%s: want a refusal with %q, got %v", name, c.reason, err)
		}
	}
	// A query must be covered, and verifies when it is.
	getHeaders := [][2]string{{"Authorization", "Bearer tok"}}
	withQuery := []string{"@method", "@authority", "@path", "@query", "authorization"}
	raw = s.request(t, "GET", "/v1/accounts?status=active", "", getHeaders, withQuery, good)
	if _, err := p.VerifySignatures(received(t, raw)); err != nil {
		t.Errorf("a covered query must verify: %v", err)
	}
	raw = s.request(t, "GET", "/v1/accounts?status=active", "", getHeaders, withQuery[:3:3], good)
	if _, err := p.VerifySignatures(received(t, raw)); err == nil {
		t.Error("an uncovered query must be refused")
	}
}

func TestContentDigest(t *testing.T) {
	body := []byte(helloBody)
	header := func(v string) http.Header {
		h := http.Header{}
		if v != "" {
			h.Set("Content-Digest", v)
		}
		return h
	}
	for _, ok := range []string{helloSha256, helloSha512, helloSha256 + ", " + helloSha512, "md5=:AAAA:, " + helloSha256} {
		if _, err := CheckContentDigest(header(ok), body); err != nil {
			t.Errorf("%s must match: %v", ok, err)
		}
	}
	bad := map[string]string{
		"": "without a Content-Digest",
		"sha-256=:" + strings.Repeat("A", 43) + "=:":                                            "does not match",
		helloSha512 + ", sha-256=:" + base64.StdEncoding.EncodeToString(make([]byte, 32)) + ":": "does not match",
		"md5=:AAAA:":         "no sha-256 or sha-512",
		`sha-256="X48E9qOo"`: "not a byte sequence",
	}
	for v, reason := range bad {
		if _, err := CheckContentDigest(header(v), body); err == nil || !strings.Contains(err.Error(), reason) {
			t.Errorf("%q: want %q, got %v", v, reason, err)
		}
	}
	if _, err := CheckContentDigest(header(""), nil); err != nil {
		t.Errorf("no body needs no digest: %v", err)
	}
}

func TestStructuredFieldsRoundTrip(t *testing.T) {
	in := `a=("@method" "x";p=1);created=-5;keyid="q\"uo\\te";alg=tok/en:x;flag;d=1.25, b=:AAEC:`
	dict, err := parseDictionary(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(dict) != 2 || dict[0].name != "a" || dict[1].name != "b" {
		t.Fatalf("members: %+v", dict)
	}
	if got := serializeInnerList(dict[0].sfItem); got != `("@method" "x";p=1);created=-5;keyid="q\"uo\\te";alg=tok/en:x;flag;d=1.25` {
		t.Errorf("re-serialized as %s", got)
	}
	if string(dict[1].value.bytes) != "\x00\x01\x02" {
		t.Errorf("byte sequence %v", dict[1].value.bytes)
	}
	for _, bad := range []string{`a=(`, `a="x`, `A=1`, `a=1,`, `a=:%%:`, `a=1234567890123456`, `a=("x""y")`} {
		if _, err := parseDictionary(bad); err == nil {
			t.Errorf("%q must not parse", bad)
		}
	}
}
