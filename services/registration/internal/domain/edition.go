// Package domain holds registration's rules: editions and their calendar, organizer units,
// activities and their county review, featured nominations, public sign-ups and the accounts
// people sign in with. No SQL, no proto.
package domain

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// County is a county-level division taking part in an edition.
type County struct {
	Code string
	Name string
}

// Edition is one year's Science and Technology Week.
type Edition struct {
	ID              string
	Name            string
	Theme           string
	StartsOn        time.Time // midnight of the first day, in Location
	EndsOn          time.Time // midnight of the last day, in Location
	ReportDeadline  time.Time // midnight of the last reporting day, in Location
	MaxVideoSeconds int
	Location        *time.Location
	Counties        []County
	Forms           []Form // empty accepts every form
	// RetentionDays is how many days after the report deadline the sign-ups' names and phone
	// numbers are erased; 0 means DefaultRetentionDays.
	RetentionDays int
	// PersonalDataErasedAt is when they were erased; zero while they are kept.
	PersonalDataErasedAt time.Time
	// Contact is whom the counties and units ask about the week; zero while none is given.
	Contact Contact
}

// Contact is the week's contact as the notice names it (联络人): the bureau's office that
// collects the reports, a person there, a phone number and a mailbox. Each part is optional.
type Contact struct {
	Office, Person, Phone, Email string
}

var (
	// landline is a Chinese fixed-line number as dialled locally (7 or 8 digits, not starting
	// with 0 or 1) or with its area code (mobile numbers are checked by signup.go's mobile), optionally with an extension: 4222068, 0351-4222068,
	// 010-12345678-123.
	landline = regexp.MustCompile(`^(0[0-9]{2,3}-?)?[2-9][0-9]{6,7}(-[0-9]{1,6})?$`)
	// mailbox is a plain address: one @, a dotted domain, no spaces.
	mailbox = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)
)

// NewContact checks a contact: bounded lengths, a landline or mobile phone, a mailbox address.
// Spaces around parts and inside the phone number are dropped, as people paste "0351 4222068".
func NewContact(c Contact) (Contact, error) {
	c.Office, c.Person, c.Email = strings.TrimSpace(c.Office), strings.TrimSpace(c.Person), strings.TrimSpace(c.Email)
	c.Phone = strings.Join(strings.Fields(c.Phone), "")
	for _, f := range []struct {
		field, label, value string
		max                 int
	}{{"office", "处室", c.Office, 100}, {"person", "联络人", c.Person, 50}, {"email", "电子邮箱", c.Email, 254}} {
		if n := utf8.RuneCountInString(f.value); n > f.max {
			return Contact{}, ErrContactTooLong.New("field", f.field, "label", f.label, "max", f.max, "length", n)
		}
	}
	if c.Phone != "" && !landline.MatchString(c.Phone) && !mobile.MatchString(c.Phone) {
		return Contact{}, ErrContactPhone.New("value", c.Phone)
	}
	if c.Email != "" && !mailbox.MatchString(c.Email) {
		return Contact{}, ErrContactEmail.New("value", c.Email)
	}
	return c, nil
}

// DefaultRetentionDays is how long after the report deadline sign-ups' personal data is kept
// when an edition does not say: long enough for the reports' questions, no longer.
const DefaultRetentionDays = 30

// EraseDueAt is when the edition's sign-ups' names and phone numbers are to be erased: the
// retention days after the end of the report deadline's day.
func (e Edition) EraseDueAt() time.Time {
	days := e.RetentionDays
	if days <= 0 {
		days = DefaultRetentionDays
	}
	return e.ReportDeadline.AddDate(0, 0, 1+days)
}

// EraseDue says whether the personal data is to be erased at now and is still kept.
func (e Edition) EraseDue(now time.Time) bool {
	return e.PersonalDataErasedAt.IsZero() && !now.Before(e.EraseDueAt())
}

// WeekOver says whether the edition's last day has passed at now: its sign-ups' personal data
// may be erased on demand from then.
func (e Edition) WeekOver(now time.Time) bool {
	return !now.Before(e.EndsOn.AddDate(0, 0, 1))
}

var (
	editionID  = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)
	countyCode = regexp.MustCompile(`^[0-9]{6}$`)
)

// EditionInput is what the city admin types for an edition; dates are YYYY-MM-DD.
type EditionInput struct {
	ID, Name, Theme, StartsOn, EndsOn, ReportDeadline, TimeZone string
	MaxVideoSeconds                                             int
	RetentionDays                                               int
	Counties                                                    []County
	Forms                                                       []Form
	Contact                                                     Contact
}

// NewEdition checks an edition's fields.
func NewEdition(in EditionInput) (Edition, error) {
	if !editionID.MatchString(in.ID) {
		return Edition{}, ErrEditionID.New("value", in.ID)
	}
	name := strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(name); n < 2 || n > 100 {
		return Edition{}, ErrEditionNameLength.New("length", n)
	}
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil || in.TimeZone == "" {
		return Edition{}, ErrTimeZone.New("value", in.TimeZone)
	}
	day := func(field, label, s string) (time.Time, error) {
		t, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return time.Time{}, ErrEditionDate.New("field", field, "label", label, "value", s)
		}
		return t, nil
	}
	e := Edition{ID: in.ID, Name: name, Theme: strings.TrimSpace(in.Theme), MaxVideoSeconds: in.MaxVideoSeconds, Location: loc,
		RetentionDays: in.RetentionDays}
	if e.Contact, err = NewContact(in.Contact); err != nil {
		return Edition{}, err
	}
	if e.StartsOn, err = day("starts_on", "开始日期", in.StartsOn); err != nil {
		return Edition{}, err
	}
	if e.EndsOn, err = day("ends_on", "结束日期", in.EndsOn); err != nil {
		return Edition{}, err
	}
	if e.ReportDeadline, err = day("report_deadline", "报送截止日期", in.ReportDeadline); err != nil {
		return Edition{}, err
	}
	if e.EndsOn.Before(e.StartsOn) {
		return Edition{}, ErrEditionEndsBeforeStart.New("endsOn", in.EndsOn, "startsOn", in.StartsOn)
	}
	if e.ReportDeadline.Before(e.EndsOn) {
		return Edition{}, ErrDeadlineBeforeEnd.New("deadline", in.ReportDeadline, "endsOn", in.EndsOn)
	}
	if in.MaxVideoSeconds < 1 || in.MaxVideoSeconds > 3600 {
		return Edition{}, ErrMaxVideoSeconds.New("value", in.MaxVideoSeconds)
	}
	if len(in.Counties) == 0 {
		return Edition{}, ErrEditionNoCounty.New()
	}
	seen := map[string]bool{}
	for _, c := range in.Counties {
		c.Name = strings.TrimSpace(c.Name)
		if !countyCode.MatchString(c.Code) || c.Name == "" {
			return Edition{}, ErrEditionCountyInvalid.New("name", c.Name, "code", c.Code)
		}
		if seen[c.Code] || seen["n:"+c.Name] {
			return Edition{}, ErrEditionCountyTwice.New("name", c.Name, "code", c.Code)
		}
		seen[c.Code], seen["n:"+c.Name] = true, true
		e.Counties = append(e.Counties, c)
	}
	for _, f := range in.Forms {
		if !f.Valid() {
			return Edition{}, ErrFormUnknown.New("value", f, "accepted", FormLabels())
		}
		if !slices.Contains(e.Forms, f) {
			e.Forms = append(e.Forms, f)
		}
	}
	return e, nil
}

// HasCounty reports whether the county takes part in the edition.
func (e Edition) HasCounty(code string) bool {
	return slices.ContainsFunc(e.Counties, func(c County) bool { return c.Code == code })
}

// County finds a county by code or by name, as people type either in spreadsheets.
func (e Edition) County(codeOrName string) (County, bool) {
	s := strings.TrimSpace(codeOrName)
	for _, c := range e.Counties {
		if c.Code == s || c.Name == s {
			return c, true
		}
	}
	return County{}, false
}

// CountyNames lists the edition's counties by name.
func (e Edition) CountyNames() string {
	out := make([]string, len(e.Counties))
	for i, c := range e.Counties {
		out[i] = c.Name
	}
	return strings.Join(out, listSep)
}

// CountyName returns a county's name, or its code when the edition does not list it.
func (e Edition) CountyName(code string) string {
	if c, ok := e.County(code); ok {
		return c.Name
	}
	return code
}

// AcceptsForm reports whether activities of the form may be registered in the edition.
func (e Edition) AcceptsForm(f Form) bool { return len(e.Forms) == 0 || slices.Contains(e.Forms, f) }

// Contains reports whether t falls within the edition's days.
func (e Edition) Contains(t time.Time) bool {
	return !t.Before(e.StartsOn) && t.Before(e.EndsOn.AddDate(0, 0, 1))
}

// CheckSession rejects a session that does not fall within the edition's days.
func (e Edition) CheckSession(i int, s Session) error {
	if !s.EndsAt.After(s.StartsAt) {
		return ErrSessionEndsBeforeStart.New("session", i+1, "endsAt", e.Local(s.EndsAt), "startsAt", e.Local(s.StartsAt))
	}
	if !e.Contains(s.StartsAt) || s.EndsAt.After(e.EndsOn.AddDate(0, 0, 1)) {
		return ErrSessionOutsideEdition.New("session", i+1, "startsAt", e.Local(s.StartsAt), "endsAt", e.Local(s.EndsAt),
			"edition", e.Name, "startsOn", e.StartsOn.Format(time.DateOnly), "endsOn", e.EndsOn.Format(time.DateOnly))
	}
	if s.Places < 0 {
		return ErrPlacesNegative.New("session", i+1)
	}
	return nil
}

// Local formats t in the edition's time zone, as people there read it.
func (e Edition) Local(t time.Time) string { return t.In(e.Location).Format("2006-01-02 15:04") }
