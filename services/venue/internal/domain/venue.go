// Package domain holds the venue registry's rules: what a valid venue is, its occupancy
// thresholds, and a terminal's life from provisioning through activation and rotation to
// revocation. No SQL, no proto.
package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
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

// Kinds are the kinds with their Chinese labels, as the template lists them.
var Kinds = []struct {
	Kind  Kind
	Label string
}{
	{KindProvincialScienceBase, "省级科普基地"}, {KindScienceEducationBase, "科普教育基地"}, {KindScientistSpiritBase, "科学家精神教育基地"},
	{KindScienceMuseum, "科普场馆"}, {KindKeyLaboratory, "重点实验室"}, {KindSchool, "学校"}, {KindCommunity, "社区"},
	{KindVillage, "农村"}, {KindCompany, "企业"}, {KindOnline, "线上"},
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x.Kind == k {
			return true
		}
	}
	return false
}

var countyCode = regexp.MustCompile(`^[0-9]{6}$`)

// ValidCountyCode reports whether code has the form of a GB/T 2260 county code.
func ValidCountyCode(code string) bool { return countyCode.MatchString(code) }

// Default occupancy thresholds, in percent of safe capacity.
const (
	DefaultWarnPercent  = 80
	DefaultAlarmPercent = 100
)

// Coordinates are a point on the map, in WGS 84 degrees.
type Coordinates struct {
	Latitude, Longitude float64
}

// Details are the fields of a venue people write.
type Details struct {
	Name             string
	Kind             Kind
	CountyCode       string
	Address          string
	Coordinates      *Coordinates
	SafeCapacity     int
	ContactName      string
	ContactPhone     string
	SafetyPlanOnFile bool
	WarnPercent      int // 0 means the default
	AlarmPercent     int // 0 means the default
}

// Venue is a place where activities are held. Venues outlive editions.
type Venue struct {
	ID uuid.UUID
	Details
	SafetyPlanFileName string
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// CheckDetails checks a venue's fields and fills in the default thresholds.
func CheckDetails(d Details) (Details, error) {
	d.Name, d.Address = strings.TrimSpace(d.Name), strings.TrimSpace(d.Address)
	d.ContactName, d.ContactPhone = strings.TrimSpace(d.ContactName), strings.TrimSpace(d.ContactPhone)
	if n := utf8.RuneCountInString(d.Name); n < 2 || n > 200 {
		return Details{}, ErrNameLength.New("length", n)
	}
	if !d.Kind.Valid() {
		return Details{}, ErrKindUnknown.New("value", d.Kind, "accepted", KindLabels())
	}
	if !ValidCountyCode(d.CountyCode) {
		return Details{}, ErrCountyCodeInvalid.New("value", d.CountyCode)
	}
	if d.SafeCapacity < 0 {
		return Details{}, ErrCapacityNegative.New()
	}
	if c := d.Coordinates; c != nil && (c.Latitude < -90 || c.Latitude > 90 || c.Longitude < -180 || c.Longitude > 180) {
		return Details{}, ErrCoordinatesOffMap.New("latitude", fmt.Sprintf("%.5f", c.Latitude), "longitude", fmt.Sprintf("%.5f", c.Longitude))
	}
	if d.WarnPercent == 0 {
		d.WarnPercent = DefaultWarnPercent
	}
	if d.AlarmPercent == 0 {
		d.AlarmPercent = DefaultAlarmPercent
	}
	if d.WarnPercent < 1 || d.AlarmPercent > 1000 || d.WarnPercent > d.AlarmPercent {
		return Details{}, ErrThresholds.New("warn", d.WarnPercent, "alarm", d.AlarmPercent)
	}
	return d, nil
}

// NewVenue checks a new venue's fields and returns it with a fresh id.
func NewVenue(d Details, now time.Time) (Venue, error) {
	d, err := CheckDetails(d)
	if err != nil {
		return Venue{}, err
	}
	return Venue{ID: uuid.New(), Details: d, CreatedAt: now, UpdatedAt: now}, nil
}

// Update replaces a venue's details; a venue stays in its county, because its activities,
// terminals and statistics are the county's.
func (v *Venue) Update(d Details, now time.Time) error {
	if d.CountyCode != v.CountyCode {
		return ErrCountyMove.New("from", v.CountyCode, "to", d.CountyCode)
	}
	d, err := CheckDetails(d)
	if err != nil {
		return err
	}
	if v.SafetyPlanFileName != "" {
		d.SafetyPlanOnFile = true // an attached plan is on file by definition
	}
	v.Details, v.UpdatedAt = d, now
	return nil
}

// TerminalState says whether a terminal may record.
type TerminalState string

// The terminal states.
const (
	StatePending TerminalState = "pending"
	StateActive  TerminalState = "active"
	StateRevoked TerminalState = "revoked"
)

// SetupValidity is how long a setup code works.
const SetupValidity = 15 * time.Minute

// setupAlphabet leaves out letters and digits people confuse when typing from a screen.
const setupAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewSetupCode returns a short code to type into a device, like "K7QP-2XMA".
func NewSetupCode() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	out := make([]byte, 0, 9)
	for i, c := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, setupAlphabet[int(c)%len(setupAlphabet)])
	}
	return string(out), nil
}

// SetupCodeHash is what is stored of a setup code: case and dashes do not matter.
func SetupCodeHash(code string) [32]byte {
	norm := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
	return sha256.Sum256([]byte(norm))
}

// Terminal is a check-in device bound to one venue.
type Terminal struct {
	ID             uuid.UUID
	VenueID        uuid.UUID
	CountyCode     string
	Name           string
	State          TerminalState
	SetupHash      [32]byte // of the pending setup code
	SetupExpiresAt time.Time
	CredentialHash [32]byte
	CreatedAt      time.Time
	ActivatedAt    time.Time
	RevokedAt      time.Time
	LastSeenAt     time.Time
}

// NewTerminal returns a pending terminal for venue v, waiting for its device to use setupCode.
func NewTerminal(v Venue, name, setupCode string, now time.Time) (Terminal, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 100 {
		return Terminal{}, ErrTerminalNameLength.New()
	}
	return Terminal{ID: uuid.New(), VenueID: v.ID, CountyCode: v.CountyCode, Name: name, State: StatePending,
		SetupHash: SetupCodeHash(setupCode), SetupExpiresAt: now.Add(SetupValidity), CreatedAt: now}, nil
}

// Activate gives a pending terminal its credential; the setup code is used up.
func (t *Terminal) Activate(credentialHash [32]byte, now time.Time) error {
	if t.State != StatePending {
		return ErrSetupCodeInvalid.New()
	}
	if now.After(t.SetupExpiresAt) {
		return ErrSetupCodeExpired.New("expiredAt", t.SetupExpiresAt.Format("15:04"))
	}
	t.State, t.CredentialHash, t.SetupHash, t.ActivatedAt = StateActive, credentialHash, [32]byte{}, now
	return nil
}

// Rotate replaces an active terminal's credential.
func (t *Terminal) Rotate(credentialHash [32]byte) error {
	if t.State != StateActive {
		return ErrTerminalNotActive.New("terminal", t.ID, "state", t.State)
	}
	t.CredentialHash = credentialHash
	return nil
}

// ResetSetup makes the terminal pending again with a new setup code; any credential it had
// stops working.
func (t *Terminal) ResetSetup(setupCode string, now time.Time) error {
	if t.State == StateRevoked {
		return ErrTerminalRevoked.New("terminal", t.ID)
	}
	t.State, t.SetupHash, t.SetupExpiresAt, t.CredentialHash = StatePending, SetupCodeHash(setupCode), now.Add(SetupValidity), [32]byte{}
	return nil
}

// Revoke withdraws the terminal's credential for good.
func (t *Terminal) Revoke(now time.Time) error {
	if t.State == StateRevoked {
		return ErrTerminalRevokedAlready.New("terminal", t.ID, "revokedAt", t.RevokedAt.Format(time.RFC3339))
	}
	t.State, t.RevokedAt, t.CredentialHash, t.SetupHash = StateRevoked, now, [32]byte{}, [32]byte{}
	return nil
}

// VenueChanged records that a venue was registered or changed.
type VenueChanged struct {
	Venue Venue
	Actor string
}

// TerminalEvent records a change of a terminal's credential: provisioned (a device activated
// it), rotated (a new credential, or none after a reset) or revoked.
type TerminalEvent struct {
	Kind     TerminalEventKind
	Terminal Terminal
	Actor    string
}

// TerminalEventKind names a terminal event.
type TerminalEventKind int

// The terminal events.
const (
	TerminalNoEvent TerminalEventKind = iota
	TerminalProvisioned
	TerminalRotated
	TerminalRevoked
)
