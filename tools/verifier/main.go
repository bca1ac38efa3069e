// Command verifier is an independent RFC 9421 / RFC 9530 verifier for OffBlocks API
// clients, written with Go's standard library only. It runs as a reverse proxy on
// loopback in front of the OffBlocks emulator, checks every request the way OffBlocks'
// Go verifier does with its defaults, refuses failures with 400 text/plain
// "invalid required signature" (never forwarding them), and counts what it saw.
//
//	verifier -upstream http://127.0.0.1:PORT [-listen 127.0.0.1:0] [-skew-ms MS]
//	         [-created-tolerance SECS] [-max-age SECS] [-key KEYID=PEM-PATH]...
//	         [-tls-ca-out PATH] [-upstream-ca PATH] [-exit-on-stdin-close]
//
// Once listening it prints `VERIFIER_URL=http://127.0.0.1:PORT` and
// `OFFBLOCKS_BASE_URL=http://127.0.0.1:PORT/v1`. GET /_verifier/stats answers the
// counts as JSON.
//
// With -tls-ca-out it terminates TLS itself: a throwaway CA and a certificate for
// 127.0.0.1, ::1 and localhost are made at start, the CA's PEM is written to PATH, the
// URLs it prints are https and `OFFBLOCKS_CA_FILE=PATH` comes first. With -upstream-ca
// an https upstream (`offblocks-sandbox --tls`) is trusted through that CA file only.
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

type keyFlags []string

func (k *keyFlags) String() string     { return strings.Join(*k, ",") }
func (k *keyFlags) Set(v string) error { *k = append(*k, v); return nil }

func main() {
	log.SetPrefix("verifier: ")
	log.SetFlags(0)
	upstream := flag.String("upstream", "", "the emulator, e.g. http://127.0.0.1:8080 (a /v1 suffix is ignored)")
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	skewMs := flag.Int64("skew-ms", 0, "shift the verifier's clock by this many ms (-1500: it runs 1.5 s behind the client)")
	tolerance := flag.Int64("created-tolerance", 0, "seconds a signature's created may be later than the verifier's current second (OffBlocks' default: 0)")
	maxAge := flag.Int64("max-age", 0, "seconds a signature's created may be in the past; 0 does not check")
	var keys keyFlags
	flag.Var(&keys, "key", "KEYID=PATH of a P-384 public key PEM registered before the verifier started (repeatable)")
	exitOnStdin := flag.Bool("exit-on-stdin-close", false, "exit when stdin closes")
	tlsCAOut := flag.String("tls-ca-out", "", "serve HTTPS with a throwaway CA whose PEM is written to this path")
	upstreamCA := flag.String("upstream-ca", "", "PEM file of the CA an https upstream's certificate must chain to")
	flag.Parse()

	target, err := url.Parse(strings.TrimSuffix(strings.TrimSuffix(*upstream, "/"), "/v1"))
	if err != nil || target.Scheme == "" || target.Host == "" {
		log.Fatalf("-upstream must be an absolute URL, got %q", *upstream)
	}
	ring := NewKeyRing()
	for _, k := range keys {
		id, path, ok := strings.Cut(k, "=")
		if !ok || id == "" {
			log.Fatalf("-key wants KEYID=PATH, got %q", k)
		}
		text, err := os.ReadFile(path)
		if err != nil {
			log.Fatalf("-key %s: %v", id, err)
		}
		key, err := ParsePublicKeyPEM(text)
		if err != nil {
			log.Fatalf("-key %s: %v", id, err)
		}
		ring.Add(id, key)
	}
	skew := time.Duration(*skewMs) * time.Millisecond
	policy := Policy{
		Now:              func() time.Time { return time.Now().Add(skew) },
		CreatedTolerance: *tolerance,
		MaxAge:           *maxAge,
	}
	verifier := NewVerifier(target, policy, ring)
	if *upstreamCA != "" {
		transport, err := upstreamTransport(*upstreamCA)
		if err != nil {
			log.Fatalf("-upstream-ca: %v", err)
		}
		verifier.proxy.Transport = transport
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("listen %s: %v", *listen, err)
	}
	server := &http.Server{Handler: verifier, ReadHeaderTimeout: 30 * time.Second}
	scheme := "http"
	if *tlsCAOut != "" {
		config, err := throwawayTLS(*tlsCAOut)
		if err != nil {
			log.Fatalf("-tls-ca-out: %v", err)
		}
		ln = tls.NewListener(ln, config)
		scheme = "https"
		fmt.Printf("OFFBLOCKS_CA_FILE=%s\n", *tlsCAOut)
	}
	fmt.Printf("VERIFIER_URL=%s://%s\nOFFBLOCKS_BASE_URL=%s://%s/v1\n", scheme, ln.Addr(), scheme, ln.Addr())
	os.Stdout.Sync()

	done := make(chan struct{})
	go func() {
		if err := server.Serve(ln); err != nil && err != http.ErrServerClosed {
			log.Printf("serve: %v", err)
		}
		close(done)
	}()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	stdinClosed := make(chan struct{})
	if *exitOnStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			close(stdinClosed)
		}()
	}
	select {
	case <-stop:
	case <-stdinClosed:
	case <-done:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = server.Shutdown(ctx)
	s := verifier.Snapshot()
	log.Printf("verified=%d refused=%d unsigned=%d digests=%d keys=%d",
		s.Verified, s.Refused, s.Unsigned, s.Digests, s.KeysLearned)
}
