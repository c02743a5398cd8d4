// Package ticket is the format of sciweek's signed tickets, shared by the service that signs them
// (registration) and everything that verifies them (check-in, terminals): a QR payload that
// names the edition, activity, session, ticket and validity window, signed with the edition's
// Ed25519 key and verifiable offline.
//
// The payload is "SW1:" followed by the base32 encoding (RFC 4648, no padding) of
//
//	version(1)=1 | len(edition)(1) | edition | activity(16) | session(16) | ticket(16) |
//	holder(1) | valid_from(4, Unix seconds, big-endian) | valid_until(4) | Ed25519 signature(64)
//
// signed over "sciweek-ticket-v1" followed by the bytes before the signature. Upper-case base32
// keeps the QR code in alphanumeric mode: a ticket of a four-letter edition is 208 characters
// and fits a version 10 code at error-correction level M. The holder byte says whether the
// ticket is a minor's or an adult's, so statistics count young people without a lookup.
package ticket

import (
	"crypto/ed25519"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Prefix starts every payload, so scanners can tell a sciweek ticket from any other QR code.
const Prefix = "SW1:"

const (
	version = 1
	domain  = "sciweek-ticket-v1"
)

var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Holder is who a ticket is for, as far as the statistics care.
type Holder byte

// The holders.
const (
	HolderUnknown Holder = 0
	HolderMinor   Holder = 1
	HolderAdult   Holder = 2
)

// Ticket is what a payload says.
type Ticket struct {
	EditionID  string
	ActivityID uuid.UUID
	SessionID  uuid.UUID
	TicketID   uuid.UUID
	Holder     Holder
	ValidFrom  time.Time
	ValidUntil time.Time
}

// Errors that verification tells apart; terminals show them as refusal reasons.
var (
	// ErrMalformed means the text is not a sciweek ticket at all.
	ErrMalformed = errors.New("ticket: not a sciweek ticket")
	// ErrUnknownEdition means no key is known for the ticket's edition.
	ErrUnknownEdition = errors.New("ticket: edition has no known key")
	// ErrBadSignature means the ticket was changed or not signed by the edition's key.
	ErrBadSignature = errors.New("ticket: signature does not verify")
	// ErrNotYetValid means the ticket's window has not opened.
	ErrNotYetValid = errors.New("ticket: not valid yet")
	// ErrExpired means the ticket's window has closed.
	ErrExpired = errors.New("ticket: expired")
)

func (t Ticket) body() ([]byte, error) {
	if len(t.EditionID) == 0 || len(t.EditionID) > 32 {
		return nil, fmt.Errorf("ticket: edition id must have 1 to 32 bytes")
	}
	b := make([]byte, 0, 2+len(t.EditionID)+49+8+ed25519.SignatureSize)
	b = append(b, version, byte(len(t.EditionID)))
	b = append(b, t.EditionID...)
	b = append(b, t.ActivityID[:]...)
	b = append(b, t.SessionID[:]...)
	b = append(b, t.TicketID[:]...)
	b = append(b, byte(t.Holder))
	b = binary.BigEndian.AppendUint32(b, uint32(t.ValidFrom.Unix()))
	b = binary.BigEndian.AppendUint32(b, uint32(t.ValidUntil.Unix()))
	return b, nil
}

func signed(body []byte) []byte { return append([]byte(domain), body...) }

// Sign returns the QR payload of t, signed with the edition's key.
func Sign(t Ticket, key ed25519.PrivateKey) (string, error) {
	if len(key) != ed25519.PrivateKeySize {
		return "", errors.New("ticket: signing key must be an Ed25519 private key")
	}
	body, err := t.body()
	if err != nil {
		return "", err
	}
	return Prefix + encoding.EncodeToString(append(body, ed25519.Sign(key, signed(body))...)), nil
}

// Keys finds the public key of an edition's tickets.
type Keys func(editionID string) (ed25519.PublicKey, bool)

// Verify checks a payload's signature with its edition's key and returns what it says. It does
// not check the validity window: see Ticket.ValidAt.
func Verify(payload string, keys Keys) (Ticket, error) {
	raw, ok := strings.CutPrefix(strings.TrimSpace(payload), Prefix)
	if !ok {
		return Ticket{}, ErrMalformed
	}
	b, err := encoding.DecodeString(raw)
	if err != nil || len(b) < 2 {
		return Ticket{}, ErrMalformed
	}
	n := int(b[1])
	bodyLen := 2 + n + 49 + 8
	if b[0] != version || n == 0 || len(b) != bodyLen+ed25519.SignatureSize {
		return Ticket{}, ErrMalformed
	}
	body, sig := b[:bodyLen], b[bodyLen:]
	t := Ticket{EditionID: string(body[2 : 2+n])}
	key, ok := keys(t.EditionID)
	if !ok {
		return Ticket{}, ErrUnknownEdition
	}
	if !ed25519.Verify(key, signed(body), sig) {
		return Ticket{}, ErrBadSignature
	}
	p := body[2+n:]
	copy(t.ActivityID[:], p[0:16])
	copy(t.SessionID[:], p[16:32])
	copy(t.TicketID[:], p[32:48])
	t.Holder = Holder(p[48])
	t.ValidFrom = time.Unix(int64(binary.BigEndian.Uint32(p[49:53])), 0).UTC()
	t.ValidUntil = time.Unix(int64(binary.BigEndian.Uint32(p[53:57])), 0).UTC()
	return t, nil
}

// ValidAt reports whether the ticket admits at time now.
func (t Ticket) ValidAt(now time.Time) error {
	switch {
	case now.Before(t.ValidFrom):
		return ErrNotYetValid
	case now.After(t.ValidUntil):
		return ErrExpired
	}
	return nil
}
