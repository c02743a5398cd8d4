package testkit

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// MailServer is a real SMTP server for a test: Mailpit, pinned in tools/mailpit/go.mod and run
// through `go tool` (the Makefile builds it before the tests), with its HTTP API to read what
// arrived. Nothing is mocked: the code under test speaks SMTP to it over TCP.
type MailServer struct {
	// SMTPAddr is where it takes mail, host:port.
	SMTPAddr string
	api      string
}

// Mail is a message the server took.
type Mail struct {
	ID      string
	To      []string
	Subject string
}

// Mailpit starts a Mailpit server on free loopback ports for the test and stops it after.
func Mailpit(t testing.TB) *MailServer {
	t.Helper()
	bin, _ := tool(t, "mailpit", 5*time.Minute)
	smtpAddr, apiAddr := freeAddr(t), freeAddr(t)
	srv := exec.Command(bin, "--smtp", smtpAddr, "--listen", apiAddr, "--disable-version-check", "--quiet")
	srv.Stdout, srv.Stderr = os.Stderr, os.Stderr
	if err := srv.Start(); err != nil {
		t.Fatalf("start Mailpit: %v", err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	m := &MailServer{SMTPAddr: smtpAddr, api: "http://" + apiAddr}
	Eventually(t, 30*time.Second, func() error {
		c, err := net.DialTimeout("tcp", smtpAddr, time.Second)
		if err != nil {
			return err
		}
		c.Close()
		resp, err := http.Get(m.api + "/api/v1/info")
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	})
	return m
}

// Messages returns what the server took, newest first.
func (m *MailServer) Messages(t testing.TB) []Mail {
	t.Helper()
	resp, err := http.Get(m.api + "/api/v1/messages?limit=500")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Messages []struct {
			ID      string `json:"ID"`
			Subject string `json:"Subject"`
			To      []struct {
				Address string `json:"Address"`
			} `json:"To"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("read Mailpit's messages: %v", err)
	}
	out := make([]Mail, len(body.Messages))
	for i, msg := range body.Messages {
		out[i] = Mail{ID: msg.ID, Subject: msg.Subject}
		for _, to := range msg.To {
			out[i].To = append(out[i].To, to.Address)
		}
	}
	return out
}

// Text returns a message's plain-text body.
func (m *MailServer) Text(t testing.TB, id string) string {
	t.Helper()
	resp, err := http.Get(m.api + "/api/v1/message/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Text string `json:"Text"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("read a message: %v", err)
	}
	return body.Text
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// repoRoot is the folder of go.work above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.work above the working directory")
		}
		dir = parent
	}
}
