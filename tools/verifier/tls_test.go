package main

import (
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestThrowawayTLSServesACertificateTheWrittenCAVerifies(t *testing.T) {
	caPath := filepath.Join(t.TempDir(), "ca.pem")
	config, err := throwawayTLS(caPath)
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("ok"))
	}))
	server.TLS = config
	server.StartTLS()
	defer server.Close()

	// Trusting the written CA: the certificate verifies for 127.0.0.1.
	transport, err := upstreamTransport(caPath)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: transport}).Get(server.URL)
	if err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	resp.Body.Close()

	// Trusting the system roots only: refused.
	_, err = (&http.Client{}).Get(server.URL)
	var unknown x509.UnknownAuthorityError
	if err == nil || !errors.As(err, &unknown) {
		t.Fatalf("without the CA: want an unknown authority error, got %v", err)
	}

	if _, err := upstreamTransport(filepath.Join(t.TempDir(), "missing.pem")); err == nil {
		t.Fatal("a missing CA file must be an error")
	}
	if err := os.WriteFile(caPath, []byte("not pem"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := upstreamTransport(caPath); err == nil {
		t.Fatal("a CA file without a certificate must be an error")
	}
}
