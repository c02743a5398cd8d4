package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/errs"
)

// Form is the form of an activity as the notice names them.
type Form string

// The activity forms.
const (
	FormLecture             Form = "lecture"
	FormExhibition          Form = "exhibition"
	FormConsultation        Form = "consultation"
	FormOnlineInteraction   Form = "online_interaction"
	FormHandsOnExperiment   Form = "hands_on_experiment"
	FormOpenDay             Form = "open_day"
	FormScientistSpiritTalk Form = "scientist_spirit_talk"
	FormPerformanceVideo    Form = "performance_video"
	FormOther               Form = "other"
)

// Valid reports whether f is a known form.
func (f Form) Valid() bool {
	switch f {
	case FormLecture, FormExhibition, FormConsultation, FormOnlineInteraction, FormHandsOnExperiment,
		FormOpenDay, FormScientistSpiritTalk, FormPerformanceVideo, FormOther:
		return true
	}
	return false
}

// Status is where an activity stands in the county review.
type Status string

// The review statuses.
const (
	StatusDraft     Status = "draft"
	StatusSubmitted Status = "submitted"
	StatusApproved  Status = "approved"
	StatusReturned  Status = "returned"
	StatusCancelled Status = "cancelled"
)

// Session is one time slot of an activity.
type Session struct {
	ID       uuid.UUID
	StartsAt time.Time
	EndsAt   time.Time
	Places   int // 0 means no limit
}

// ReviewStep is one transition: who moved the activity to which status, when and why.
type ReviewStep struct {
	Status Status
	Actor  string
	At     time.Time
	Reason string
}

// Activity is one public science activity.
type Activity struct {
	ID         uuid.UUID
	EditionID  string
	CountyCode string
	VenueID    uuid.UUID
	Title      string
	Organizer  string
	Form       Form
	Sessions   []Session
	Status     Status
	CreatedAt  time.Time
	UpdatedAt  time.Time
	History    []ReviewStep
}

// NewActivity is what an organizer gives to register an activity.
type NewActivity struct {
	CountyCode string
	VenueID    uuid.UUID
	Title      string
	Organizer  string
	Form       Form
	Sessions   []Session
}

// CreateActivity checks a new activity against its edition and returns it as a draft.
func CreateActivity(ed Edition, in NewActivity, actor string, now time.Time) (Activity, error) {
	title, organizer := strings.TrimSpace(in.Title), strings.TrimSpace(in.Organizer)
	if n := utf8.RuneCountInString(title); n < 2 || n > 200 {
		return Activity{}, errs.E(errs.Invalid, "title must have 2 to 200 characters")
	}
	if n := utf8.RuneCountInString(organizer); n < 2 || n > 200 {
		return Activity{}, errs.E(errs.Invalid, "organizer must have 2 to 200 characters")
	}
	if !in.Form.Valid() {
		return Activity{}, errs.E(errs.Invalid, "form %q is not one of the known activity forms", in.Form)
	}
	if !ed.HasCounty(in.CountyCode) {
		return Activity{}, errs.E(errs.Invalid, "county %s does not take part in %s", in.CountyCode, ed.Name)
	}
	if len(in.Sessions) == 0 {
		return Activity{}, errs.E(errs.Invalid, "an activity needs at least one session")
	}
	sessions := make([]Session, len(in.Sessions))
	for i, s := range in.Sessions {
		if err := ed.CheckSession(i, s); err != nil {
			return Activity{}, err
		}
		if s.Places < 0 {
			return Activity{}, errs.E(errs.Invalid, "session %d: places cannot be negative", i+1)
		}
		s.ID = uuid.New()
		sessions[i] = s
	}
	return Activity{
		ID: uuid.New(), EditionID: ed.ID, CountyCode: in.CountyCode, VenueID: in.VenueID, Title: title, Organizer: organizer,
		Form: in.Form, Sessions: sessions, Status: StatusDraft, CreatedAt: now, UpdatedAt: now,
		History: []ReviewStep{{Status: StatusDraft, Actor: actor, At: now}},
	}, nil
}

func (a *Activity) move(to Status, actor, reason string, now time.Time) {
	a.Status, a.UpdatedAt = to, now
	a.History = append(a.History, ReviewStep{Status: to, Actor: actor, At: now, Reason: reason})
}

// Submit sends a draft or returned activity to its county for review.
func (a *Activity) Submit(actor string, now time.Time) error {
	if a.Status != StatusDraft && a.Status != StatusReturned {
		return errs.E(errs.FailedPrecondition, "activity is %s; only drafts and returned activities can be submitted", a.Status)
	}
	a.move(StatusSubmitted, actor, "", now)
	return nil
}

// Approve makes a submitted activity public.
func (a *Activity) Approve(actor string, now time.Time) error {
	if a.Status != StatusSubmitted {
		return errs.E(errs.FailedPrecondition, "activity is %s; only submitted activities can be approved", a.Status)
	}
	a.move(StatusApproved, actor, "", now)
	return nil
}

// Return sends a submitted activity back to its organizer with a reason.
func (a *Activity) Return(actor, reason string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) < 2 {
		return errs.E(errs.Invalid, "say why the activity is returned, so the organizer knows what to fix")
	}
	if a.Status != StatusSubmitted {
		return errs.E(errs.FailedPrecondition, "activity is %s; only submitted activities can be returned", a.Status)
	}
	a.move(StatusReturned, actor, reason, now)
	return nil
}

// ActivityEvent records one change of an activity, for the outbox.
type ActivityEvent struct {
	// Status is the status the activity entered; it names the event (created for drafts).
	Status   Status
	Activity Activity
	Actor    string
	Reason   string
}
