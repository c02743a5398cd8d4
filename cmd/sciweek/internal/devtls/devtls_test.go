package devtls_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/devtls"
)

// TestLocalCAServesHTTPSThatTheCAVerifies: a client that trusts only the local authority (as a
// phone does after installing ca.pem) reaches a server using the certificate, by address; the
// authority survives a second call and a new host renews only the server certificate.
func TestLocalCAServesHTTPSThatTheCAVerifies(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	f, err := devtls.LocalCA(dir, []string{"localhost", "127.0.0.1"}, now)
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	srv.StartTLS()
	defer srv.Close()
	caPEM, err := os.ReadFile(f.CACert)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("ca.pem holds no certificate")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(srv.URL) // https://127.0.0.1:port
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()

	again, err := devtls.LocalCA(dir, []string{"localhost", "127.0.0.1"}, now)
	if err != nil || again != f {
		t.Fatalf("second call: %v %v", again, err)
	}
	before, _ := os.ReadFile(f.Cert)
	if _, err := devtls.LocalCA(dir, []string{"localhost", "127.0.0.1", "192.0.2.7"}, now); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(f.Cert)
	caAfter, _ := os.ReadFile(f.CACert)
	if string(before) == string(after) || string(caAfter) != string(caPEM) {
		t.Fatal("a new host must renew the server certificate and keep the authority")
	}
}
