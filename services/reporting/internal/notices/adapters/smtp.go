package adapters

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/google/uuid"
)

// SMTPConfig says where the notices' e-mails go out.
type SMTPConfig struct {
	// Addr is the SMTP server, host:port.
	Addr string
	// From is the sender's address, e.g. "科技活动周平台 <noreply@kjj.taiyuan.gov.cn>".
	From string
	// Username and Password, if set, authenticate (PLAIN, over TLS or to localhost only).
	Username, Password string
	// StartTLS asks the server for TLS before authenticating; servers that offer it get it anyway.
	StartTLS bool
}

// SMTP sends e-mails through an SMTP server with the standard library's client: the protocol
// is small and stable, and net/smtp is what Go ships for it.
type SMTP struct {
	cfg SMTPConfig
}

// NewSMTP returns a mailer, or an error when the configuration cannot work.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("smtp: address %q: %w", cfg.Addr, err)
	}
	if cfg.From == "" {
		return nil, fmt.Errorf("smtp: a sender address (From) is required")
	}
	return &SMTP{cfg: cfg}, nil
}

// Send sends one plain-text e-mail in UTF-8: a Chinese subject in RFC 2047's encoding, the body
// in base64.
func (m *SMTP) Send(ctx context.Context, to, subject, body string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", m.cfg.Addr)
	if err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	host, _, _ := net.SplitHostPort(m.cfg.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok || m.cfg.StartTLS {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return err
		}
	}
	if m.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.cfg.Username, m.cfg.Password, host)); err != nil {
			return err
		}
	}
	from := m.cfg.From
	if i := strings.LastIndex(from, "<"); i >= 0 {
		from = strings.TrimSuffix(from[i+1:], ">")
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(message(m.cfg.From, to, subject, body)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message writes an RFC 5322 message.
func message(from, to, subject, body string) []byte {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", encodeAddress(from))
	header("To", to)
	header("Subject", mime.BEncoding.Encode("UTF-8", subject))
	header("Date", time.Now().Format(time.RFC1123Z))
	header("Message-ID", "<"+uuid.NewString()+"@sciweek>")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(body, "\n", "\r\n")))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// encodeAddress encodes the display name of "Name <addr>" when it is not ASCII.
func encodeAddress(a string) string {
	i := strings.LastIndex(a, "<")
	if i <= 0 {
		return a
	}
	return mime.BEncoding.Encode("UTF-8", strings.TrimSpace(a[:i])) + " " + a[i:]
}
