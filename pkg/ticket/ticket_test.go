package ticket_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/sciweek/sciweek/pkg/ticket"
)

func keys(t testing.TB) (ed25519.PrivateKey, ticket.Keys) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return priv, func(edition string) (ed25519.PublicKey, bool) { return pub, edition == "2024" }
}

func sample() ticket.Ticket {
	start := time.Date(2024, 5, 26, 1, 0, 0, 0, time.UTC)
	return ticket.Ticket{EditionID: "2024", ActivityID: uuid.New(), SessionID: uuid.New(), TicketID: uuid.New(), Holder: ticket.HolderMinor,
		ValidFrom: start, ValidUntil: start.Add(3 * time.Hour)}
}

func TestSignVerifyAndTamper(t *testing.T) {
	t.Parallel()
	priv, known := keys(t)
	_, otherKeys := keys(t)
	tk := sample()
	payload, err := ticket.Sign(tk, priv)
	if err != nil {
		t.Fatal(err)
	}
	// Flip one character of the encoded body (not the prefix): a different but well-formed
	// ticket whose signature no longer matches.
	flip := func(s string, i int) string {
		c := byte('A')
		if s[i] == 'A' {
			c = 'B'
		}
		return s[:i] + string(c) + s[i+1:]
	}
	other := sample()
	other.EditionID = "2025"
	otherPayload, _ := ticket.Sign(other, priv)
	tests := []struct {
		name    string
		payload string
		keys    ticket.Keys
		want    error
	}{
		{"valid", payload, known, nil},
		{"surrounding spaces from a scanner", " " + payload + "\n", known, nil},
		{"changed activity", flip(payload, len(ticket.Prefix)+12), known, ticket.ErrBadSignature},
		{"changed validity window", flip(payload, len(ticket.Prefix)+100), known, ticket.ErrBadSignature},
		{"changed signature", flip(payload, len(payload)-5), known, ticket.ErrBadSignature},
		{"signed by another key", payload, otherKeys, ticket.ErrBadSignature},
		{"edition without a key", otherPayload, known, ticket.ErrUnknownEdition},
		{"truncated", payload[:len(payload)-10], known, ticket.ErrMalformed},
		{"another QR code", "https://example.com/", known, ticket.ErrMalformed},
		{"not base32", ticket.Prefix + "!!!!", known, ticket.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ticket.Verify(tt.payload, tt.keys)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want == nil && got != tk {
				t.Fatalf("ticket = %+v, want %+v", got, tk)
			}
		})
	}
}

func TestValidityWindow(t *testing.T) {
	t.Parallel()
	tk := sample()
	tests := []struct {
		name string
		at   time.Time
		want error
	}{
		{"before the window", tk.ValidFrom.Add(-time.Second), ticket.ErrNotYetValid},
		{"first second", tk.ValidFrom, nil},
		{"inside", tk.ValidFrom.Add(time.Hour), nil},
		{"last second", tk.ValidUntil, nil},
		{"after", tk.ValidUntil.Add(time.Second), ticket.ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tk.ValidAt(tt.at); !errors.Is(err, tt.want) {
				t.Fatalf("ValidAt = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPayloadFitsQRVersion10(t *testing.T) {
	t.Parallel()
	priv, _ := keys(t)
	for _, edition := range []string{"2024", "taiyuan-2030"} {
		tk := sample()
		tk.EditionID = edition
		payload, err := ticket.Sign(tk, priv)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ToUpper(payload) != payload {
			t.Fatalf("payload %q is not upper case: the QR code would leave alphanumeric mode", payload)
		}
		q, err := qrcode.New(payload, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("edition %q: %d characters, QR version %d at level M", edition, len(payload), q.VersionNumber)
		if edition == "2024" && q.VersionNumber > 10 {
			t.Fatalf("QR version %d for a 2024 ticket, want at most 10", q.VersionNumber)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	priv, known := keys(b)
	payload, err := ticket.Sign(sample(), priv)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ticket.Verify(payload, known); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	priv, _ := keys(b)
	tk := sample()
	for b.Loop() {
		if _, err := ticket.Sign(tk, priv); err != nil {
			b.Fatal(err)
		}
	}
}
