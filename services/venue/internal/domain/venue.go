// Package domain holds the venue registry's rules: what a valid venue is, and a terminal's
// life from provisioning to revocation. No SQL, no proto.
package domain

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/errs"
)

// Kind is what sort of place a venue is.
type Kind string

// The venue kinds of the bureau's notice.
const (
	KindProvincialScienceBase Kind = "provincial_science_base"
	KindScienceEducationBase  Kind = "science_education_base"
	KindScientistSpiritBase   Kind = "scientist_spirit_base"
	KindScienceMuseum         Kind = "science_museum"
	KindKeyLaboratory         Kind = "key_laboratory"
	KindSchool                Kind = "school"
	KindCommunity             Kind = "community"
	KindVillage               Kind = "village"
	KindCompany               Kind = "company"
	KindOnline                Kind = "online"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case KindProvincialScienceBase, KindScienceEducationBase, KindScientistSpiritBase, KindScienceMuseum,
		KindKeyLaboratory, KindSchool, KindCommunity, KindVillage, KindCompany, KindOnline:
		return true
	}
	return false
}

var countyCode = regexp.MustCompile(`^[0-9]{6}$`)

// ValidCountyCode reports whether code has the form of a GB/T 2260 county code.
func ValidCountyCode(code string) bool { return countyCode.MatchString(code) }

// Venue is a place where activities are held. Venues outlive editions.
type Venue struct {
	ID           uuid.UUID
	Name         string
	Kind         Kind
	CountyCode   string
	Address      string
	SafeCapacity int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// NewVenue checks a new venue's fields and returns it with a fresh id.
func NewVenue(name string, kind Kind, county, address string, safeCapacity int, now time.Time) (Venue, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 2 || n > 200 {
		return Venue{}, errs.E(errs.Invalid, "venue name must have 2 to 200 characters")
	}
	if !kind.Valid() {
		return Venue{}, errs.E(errs.Invalid, "venue kind %q is not one of the known kinds", kind)
	}
	if !ValidCountyCode(county) {
		return Venue{}, errs.E(errs.Invalid, "county code %q must be six digits (GB/T 2260)", county)
	}
	if safeCapacity < 0 {
		return Venue{}, errs.E(errs.Invalid, "safe capacity cannot be negative")
	}
	return Venue{
		ID: uuid.New(), Name: name, Kind: kind, CountyCode: county, Address: strings.TrimSpace(address),
		SafeCapacity: safeCapacity, CreatedAt: now, UpdatedAt: now,
	}, nil
}

// TerminalState says whether a terminal may record.
type TerminalState string

// The terminal states.
const (
	StateActive  TerminalState = "active"
	StateRevoked TerminalState = "revoked"
)

// Terminal is a check-in device bound to one venue.
type Terminal struct {
	ID         uuid.UUID
	VenueID    uuid.UUID
	CountyCode string
	Name       string
	State      TerminalState
	CreatedAt  time.Time
	RevokedAt  time.Time
}

// NewTerminal returns an active terminal for venue v.
func NewTerminal(v Venue, name string, now time.Time) (Terminal, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 100 {
		return Terminal{}, errs.E(errs.Invalid, "terminal name must have 1 to 100 characters")
	}
	return Terminal{ID: uuid.New(), VenueID: v.ID, CountyCode: v.CountyCode, Name: name, State: StateActive, CreatedAt: now}, nil
}

// Revoke withdraws the terminal's credential for good.
func (t *Terminal) Revoke(now time.Time) error {
	if t.State == StateRevoked {
		return errs.E(errs.FailedPrecondition, "terminal %s was already revoked at %s", t.ID, t.RevokedAt.Format(time.RFC3339))
	}
	t.State, t.RevokedAt = StateRevoked, now
	return nil
}

// VenueChanged records that a venue was registered or changed.
type VenueChanged struct {
	Venue Venue
	Actor string
}

// TerminalProvisioned records that a terminal got a credential; only the credential's hash is
// kept.
type TerminalProvisioned struct {
	Terminal       Terminal
	CredentialHash [32]byte
	Actor          string
}

// TerminalRevoked records that a terminal's credential was withdrawn.
type TerminalRevoked struct {
	Terminal Terminal
	Actor    string
}
