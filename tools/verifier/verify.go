package main

// RFC 9421 verification of `ecdsa-p384-sha384` request signatures and RFC 9530
// Content-Digest checking, configured like OffBlocks' Go verifier defaults: a `created`
// later than the verifier's current second fails, `expires` is enforced when present,
// `keyid` must name a known key, `alg` (when present) must be ecdsa-p384-sha384, and
// any other signature parameter fails.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"
)

const algP384 = "ecdsa-p384-sha384"

// Policy is what a signature is checked against.
type Policy struct {
	// Now is the verifier's clock.
	Now func() time.Time
	// CreatedTolerance is how many whole seconds `created` may be later than the current
	// second. 0 is OffBlocks' default.
	CreatedTolerance int64
	// MaxAge, when positive, is how many seconds old `created` may be.
	MaxAge int64
	// Key returns the public key registered under a key id, or nil.
	Key func(keyID string) *ecdsa.PublicKey
}

// VerifySignatures checks every label present in both Signature-Input and Signature (at
// least one must be) and returns the key id of each, in order.
func (p *Policy) VerifySignatures(r *http.Request) ([]string, error) {
	inputHeader := joinedField(r.Header, "Signature-Input")
	sigHeader := joinedField(r.Header, "Signature")
	if inputHeader == "" || sigHeader == "" {
		return nil, fmt.Errorf("no Signature and Signature-Input headers")
	}
	inputs, err := parseDictionary(inputHeader)
	if err != nil {
		return nil, fmt.Errorf("Signature-Input: %w", err)
	}
	sigs, err := parseDictionary(sigHeader)
	if err != nil {
		return nil, fmt.Errorf("Signature: %w", err)
	}
	var keyIDs []string
	for _, input := range inputs {
		var sig *dictMember
		for i := range sigs {
			if sigs[i].name == input.name {
				sig = &sigs[i]
			}
		}
		if sig == nil {
			continue
		}
		if !input.isList {
			return nil, fmt.Errorf("Signature-Input %s is not an inner list", input.name)
		}
		if sig.isList || sig.value.kind != kindBytes {
			return nil, fmt.Errorf("Signature %s is not a byte sequence", input.name)
		}
		keyID, err := p.verifyOne(r, input.name, input.sfItem, sig.value.bytes)
		if err != nil {
			return nil, err
		}
		keyIDs = append(keyIDs, keyID)
	}
	if len(keyIDs) == 0 {
		return nil, fmt.Errorf("no label appears in both Signature-Input and Signature")
	}
	return keyIDs, nil
}

func (p *Policy) verifyOne(r *http.Request, label string, list sfItem, sig []byte) (string, error) {
	now := p.Now().Unix()
	var created, expires *int64
	keyID := ""
	for _, prm := range list.params {
		v := prm.value
		switch prm.name {
		case "created", "expires":
			if v.kind != kindInteger {
				return "", fmt.Errorf("%s: %s is a %s, not an integer", label, prm.name, v.kind)
			}
			n := v.int
			if prm.name == "created" {
				created = &n
			} else {
				expires = &n
			}
		case "keyid", "alg", "nonce":
			if v.kind != kindString {
				return "", fmt.Errorf("%s: %s is a %s, not a string", label, prm.name, v.kind)
			}
			if prm.name == "keyid" {
				keyID = v.str
			}
			if prm.name == "alg" && v.str != algP384 {
				return "", fmt.Errorf("%s: alg %q does not match the key (%s)", label, v.str, algP384)
			}
		default:
			return "", fmt.Errorf("%s: unknown signature parameter %q", label, prm.name)
		}
	}
	if created == nil {
		return "", fmt.Errorf("%s: no created parameter", label)
	}
	if keyID == "" {
		return "", fmt.Errorf("%s: no keyid parameter", label)
	}
	if *created-now > p.CreatedTolerance {
		return "", fmt.Errorf("%s: created %d is later than the verifier's now %d (tolerance %d s)",
			label, *created, now, p.CreatedTolerance)
	}
	if p.MaxAge > 0 && now-*created > p.MaxAge {
		return "", fmt.Errorf("%s: created %d is more than %d s before now %d", label, *created, p.MaxAge, now)
	}
	if expires != nil && now >= *expires {
		return "", fmt.Errorf("%s: expired at %d (now %d)", label, *expires, now)
	}
	components := make([]string, 0, len(list.inner))
	for _, item := range list.inner {
		if item.value.kind != kindString || len(item.params) > 0 {
			return "", fmt.Errorf("%s: a covered component must be a plain string", label)
		}
		components = append(components, item.value.str)
	}
	for _, required := range requiredComponents(r) {
		if !contains(components, required) {
			return "", fmt.Errorf("%s: %q is not covered", label, required)
		}
	}
	key := p.Key(keyID)
	if key == nil {
		return "", fmt.Errorf("%s: keyid %q is not a registered key", label, keyID)
	}
	base, err := SignatureBase(r, components, list)
	if err != nil {
		return "", fmt.Errorf("%s: %w", label, err)
	}
	if len(sig) != 96 {
		return "", fmt.Errorf("%s: signature is %d bytes, not 96 (raw r||s)", label, len(sig))
	}
	digest := sha512.Sum384([]byte(base))
	rInt := new(big.Int).SetBytes(sig[:48])
	sInt := new(big.Int).SetBytes(sig[48:])
	if !ecdsa.Verify(key, digest[:], rInt, sInt) {
		return "", fmt.Errorf("%s: signature does not verify over the signature base", label)
	}
	return keyID, nil
}

// requiredComponents is what every signature must cover (docs/api.md, Signed requests).
func requiredComponents(r *http.Request) []string {
	required := []string{"@method", "@authority", "@path", "authorization"}
	if strings.Contains(r.RequestURI, "?") {
		required = append(required, "@query")
	}
	for _, h := range []string{"content-type", "content-digest", "idempotency-key"} {
		if len(r.Header.Values(h)) > 0 {
			required = append(required, h)
		}
	}
	return required
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// joinedField is a header's field values combined as RFC 9421 §2.1 and RFC 9110 §5.3 say:
// each trimmed, joined with ", ".
func joinedField(h http.Header, name string) string {
	values := h.Values(name)
	trimmed := make([]string, len(values))
	for i, v := range values {
		trimmed[i] = strings.TrimSpace(v)
	}
	return strings.Join(trimmed, ", ")
}

// SignatureBase builds the RFC 9421 §2.5 signature base of a received request.
func SignatureBase(r *http.Request, components []string, list sfItem) (string, error) {
	target := r.RequestURI
	path, query, hasQuery := strings.Cut(target, "?")
	var b strings.Builder
	for _, name := range components {
		var value string
		switch name {
		case "@method":
			value = r.Method
		case "@authority":
			value = strings.ToLower(r.Host)
		case "@path":
			value = path
			if value == "" {
				value = "/"
			}
		case "@query":
			if !hasQuery {
				query = ""
			}
			value = "?" + query
		default:
			if strings.HasPrefix(name, "@") {
				return "", fmt.Errorf("derived component %q is not supported", name)
			}
			if len(r.Header.Values(name)) == 0 {
				return "", fmt.Errorf("covered header %q is absent", name)
			}
			value = joinedField(r.Header, name)
		}
		fmt.Fprintf(&b, "%q: %s\n", name, value)
	}
	b.WriteString(`"@signature-params": `)
	b.WriteString(serializeInnerList(list))
	return b.String(), nil
}

// CheckContentDigest checks a Content-Digest (RFC 9530) against the body: required when
// there is a body; every sha-256 / sha-512 member must match, and at least one must be
// present. It returns the algorithms checked.
func CheckContentDigest(h http.Header, body []byte) ([]string, error) {
	field := joinedField(h, "Content-Digest")
	if field == "" {
		if len(body) == 0 {
			return nil, nil
		}
		return nil, fmt.Errorf("a body without a Content-Digest")
	}
	dict, err := parseDictionary(field)
	if err != nil {
		return nil, fmt.Errorf("Content-Digest: %w", err)
	}
	var checked []string
	for _, m := range dict {
		var want []byte
		switch m.name {
		case "sha-256":
			sum := sha256.Sum256(body)
			want = sum[:]
		case "sha-512":
			sum := sha512.Sum512(body)
			want = sum[:]
		default:
			continue
		}
		if m.isList || m.value.kind != kindBytes {
			return nil, fmt.Errorf("Content-Digest %s is not a byte sequence", m.name)
		}
		if !bytes.Equal(m.value.bytes, want) {
			return nil, fmt.Errorf("Content-Digest %s does not match the %d body bytes", m.name, len(body))
		}
		checked = append(checked, m.name)
	}
	if len(checked) == 0 {
		return nil, fmt.Errorf("Content-Digest has no sha-256 or sha-512 member")
	}
	return checked, nil
}
