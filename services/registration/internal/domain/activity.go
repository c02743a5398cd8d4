package domain

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
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

// Forms are the forms with their Chinese labels, as the template and the console list them.
var Forms = []struct {
	Form  Form
	Label string
}{
	{FormLecture, "科普讲座"}, {FormExhibition, "科技展览"}, {FormConsultation, "科技咨询"}, {FormOnlineInteraction, "网络互动"},
	{FormHandsOnExperiment, "科学实验"}, {FormOpenDay, "开放日"}, {FormScientistSpiritTalk, "科学家精神宣讲"},
	{FormPerformanceVideo, "表演/微视频"}, {FormOther, "其他"},
}

// Valid reports whether f is a known form.
func (f Form) Valid() bool {
	return slices.ContainsFunc(Forms, func(x struct {
		Form  Form
		Label string
	}) bool {
		return x.Form == f
	})
}

// Label is the form's Chinese name.
func (f Form) Label() string {
	for _, x := range Forms {
		if x.Form == f {
			return x.Label
		}
	}
	return string(f)
}

// TargetGroup is who an activity is for.
type TargetGroup string

// The target groups.
const (
	TargetYouth     TargetGroup = "youth"
	TargetCommunity TargetGroup = "community"
	TargetVillage   TargetGroup = "village"
	TargetCompany   TargetGroup = "company"
	TargetSchool    TargetGroup = "school"
	TargetPublic    TargetGroup = "public"
)

// TargetGroups are the groups with their Chinese labels.
var TargetGroups = []struct {
	Group TargetGroup
	Label string
}{
	{TargetYouth, "青少年"}, {TargetCommunity, "社区"}, {TargetVillage, "农村"}, {TargetCompany, "企业"}, {TargetSchool, "学校"}, {TargetPublic, "社会公众"},
}

// Valid reports whether g is a known group.
func (g TargetGroup) Valid() bool {
	for _, x := range TargetGroups {
		if x.Group == g {
			return true
		}
	}
	return false
}

// Theme is the themed week a department runs within the week (主题科技周) that an activity
// belongs to. Every stored activity has one: ThemeNone when it belongs to none.
type Theme string

// The themed weeks of the notice.
const (
	ThemeNone              Theme = "none"
	ThemeAgriculture       Theme = "agriculture"
	ThemeMeteorology       Theme = "meteorology"
	ThemeForestryGrassland Theme = "forestry_grassland"
	ThemeTransport         Theme = "transport"
)

// Themes are the themes with their Chinese labels, in the order the console lists them.
var Themes = []struct {
	Theme Theme
	Label string
}{
	{ThemeNone, "无"}, {ThemeAgriculture, "农业科技周"}, {ThemeMeteorology, "气象科技周"},
	{ThemeForestryGrassland, "林草科技周"}, {ThemeTransport, "交通运输科技周"},
}

// Valid reports whether t is a known theme (the empty theme, "not given", is not).
func (t Theme) Valid() bool {
	for _, x := range Themes {
		if x.Theme == t {
			return true
		}
	}
	return false
}

// Label is the theme's Chinese label.
func (t Theme) Label() string {
	for _, x := range Themes {
		if x.Theme == t {
			return x.Label
		}
	}
	return string(t)
}

// DefaultTheme is the themed week a unit's activities belong to unless their organizer says
// otherwise: the themed departments run their own weeks (a 气象部门's activities are
// 气象科技周), every other kind of unit none.
func (k UnitKind) DefaultTheme() Theme {
	switch k {
	case UnitAgriculture:
		return ThemeAgriculture
	case UnitMeteorology:
		return ThemeMeteorology
	case UnitForestryGrassland:
		return ThemeForestryGrassland
	case UnitTransport:
		return ThemeTransport
	}
	return ThemeNone
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
	ID        uuid.UUID
	StartsAt  time.Time
	EndsAt    time.Time
	Places    int // 0 means no limit
	Confirmed int // sign-ups holding a place
	Waiting   int // sign-ups on the waiting list
}

// ReviewStep is one transition: who moved the activity to which status, when and why.
type ReviewStep struct {
	Status Status
	Actor  string
	At     time.Time
	Reason string
}

// Details are the fields of an activity its organizer writes.
type Details struct {
	Title              string
	Form               Form
	TargetGroups       []TargetGroup
	VenueID            uuid.UUID // uuid.Nil for an online activity
	VenueName          string    // as the venue registry had it when the activity was saved
	Sessions           []Session
	RequiresSignup     bool
	OnlineURL          string
	MajorDemonstration bool
	WorkersDayJoint    bool
	Description        string
	// Theme is the themed week; empty (not given) takes the unit kind's on a new activity
	// and keeps the stored one on an update.
	Theme Theme
	// SafetyPlan is the activity's security and emergency plan; a major demonstration activity
	// needs all of it before approval.
	SafetyPlan SafetyPlan
}

// SafetyPlan is an activity's security and emergency plan (安全保卫方案及应急预案), which the
// notice asks every host to draw up with the police, fire and city management.
type SafetyPlan struct {
	Person, Phone, CapacityControl, EvacuationRoute, MedicalPoint, EmergencyPlan string
}

// safetyPart is one part of a plan with its field name, label and longest length.
type safetyPart struct {
	value        *string
	field, label string
	max          int
}

// safetyParts are a plan's parts, in the form's order.
func (p *SafetyPlan) safetyParts() []safetyPart {
	return []safetyPart{{&p.Person, "person", "安全负责人", 50}, {&p.Phone, "phone", "联系电话", 30},
		{&p.CapacityControl, "capacity_control", "人流控制措施", 1000}, {&p.EvacuationRoute, "evacuation_route", "疏散路线", 1000},
		{&p.MedicalPoint, "medical_point", "医疗点", 500}, {&p.EmergencyPlan, "emergency_plan", "应急预案", 4000}}
}

// Missing lists the parts not yet written, in the form's order: their field names and their
// Chinese labels.
func (p SafetyPlan) Missing() (fields, labels []string) {
	for _, part := range p.safetyParts() {
		if *part.value == "" {
			fields, labels = append(fields, part.field), append(labels, part.label)
		}
	}
	return fields, labels
}

// checkSafetyPlan trims a plan's parts and checks their lengths and the phone number.
func checkSafetyPlan(p SafetyPlan) (SafetyPlan, error) {
	for _, part := range p.safetyParts() {
		*part.value = strings.TrimSpace(*part.value)
		if n := utf8.RuneCountInString(*part.value); n > part.max {
			return SafetyPlan{}, ErrSafetyPlanTooLong.New("field", part.field, "label", part.label, "max", part.max, "length", n)
		}
	}
	p.Phone = strings.Join(strings.Fields(p.Phone), "")
	if p.Phone != "" && !landline.MatchString(p.Phone) && !mobile.MatchString(p.Phone) {
		return SafetyPlan{}, ErrSafetyPlanPhone.New("value", p.Phone)
	}
	return p, nil
}

// Online reports whether the activity takes place online only.
func (d Details) Online() bool { return d.VenueID == uuid.Nil }

// Activity is one public science activity.
type Activity struct {
	ID         uuid.UUID
	EditionID  string
	CountyCode string
	UnitID     uuid.UUID
	Organizer  string // the unit's name
	Details    Details
	Status     Status
	CreatedAt  time.Time
	UpdatedAt  time.Time
	History    []ReviewStep
}

// CheckDetails checks an activity's details against its edition and normalises them. Session
// ids are kept when given (an update keeps its sessions' identity) and made when missing.
func CheckDetails(ed Edition, d Details) (Details, error) {
	d.Title, d.Description, d.OnlineURL = strings.TrimSpace(d.Title), strings.TrimSpace(d.Description), strings.TrimSpace(d.OnlineURL)
	if n := utf8.RuneCountInString(d.Title); n < 2 || n > 200 {
		return Details{}, ErrTitleLength.New("length", n)
	}
	if !d.Form.Valid() {
		return Details{}, ErrFormUnknown.New("value", d.Form, "accepted", FormLabels())
	}
	if d.Theme != "" && !d.Theme.Valid() {
		return Details{}, ErrThemeUnknown.New("value", d.Theme, "accepted", ThemeLabels())
	}
	if !ed.AcceptsForm(d.Form) {
		return Details{}, ErrFormNotInEdition.New("edition", ed.Name, "form", d.Form.Label(), "accepted", ed.FormLabels())
	}
	if len(d.TargetGroups) == 0 {
		return Details{}, ErrNoTargetGroup.New()
	}
	groups := make([]TargetGroup, 0, len(d.TargetGroups))
	for _, g := range d.TargetGroups {
		if !g.Valid() {
			return Details{}, ErrTargetGroupUnknown.New("value", g, "accepted", TargetGroupLabels())
		}
		if !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	d.TargetGroups = groups
	if d.OnlineURL != "" {
		if u, err := url.Parse(d.OnlineURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Details{}, ErrOnlineURLInvalid.New("value", d.OnlineURL)
		}
	}
	switch {
	case d.Form == FormOnlineInteraction && d.OnlineURL == "":
		return Details{}, ErrOnlineNeedsURL.New()
	case d.Online() && d.OnlineURL == "":
		return Details{}, ErrNeedsVenueOrURL.New()
	case d.Online() && d.RequiresSignup:
		return Details{}, ErrOnlineSignup.New()
	}
	if len(d.Sessions) == 0 {
		return Details{}, ErrNoSession.New()
	}
	var err error
	if d.SafetyPlan, err = checkSafetyPlan(d.SafetyPlan); err != nil {
		return Details{}, err
	}
	if n := utf8.RuneCountInString(d.Description); n > 4000 {
		return Details{}, ErrDescriptionLength.New("length", n)
	}
	sessions := make([]Session, len(d.Sessions))
	for i, s := range d.Sessions {
		if err := ed.CheckSession(i, s); err != nil {
			return Details{}, err
		}
		if s.ID == uuid.Nil {
			s.ID = uuid.New()
		}
		sessions[i] = s
	}
	slices.SortStableFunc(sessions, func(a, b Session) int { return a.StartsAt.Compare(b.StartsAt) })
	d.Sessions = sessions
	return d, nil
}

// NewActivity is what an organizer gives to register an activity.
type NewActivity struct {
	Unit    Unit
	Details Details
}

// CreateActivity checks a new activity against its edition and returns it as a draft.
func CreateActivity(ed Edition, in NewActivity, actor string, now time.Time) (Activity, error) {
	if !ed.HasCounty(in.Unit.CountyCode) {
		return Activity{}, ErrCountyNotInEdition.New("county", in.Unit.CountyCode, "countyName", ed.CountyName(in.Unit.CountyCode), "edition", ed.Name)
	}
	// A new activity's sessions are new, whatever ids the caller sent.
	in.Details.Sessions = slices.Clone(in.Details.Sessions)
	for i := range in.Details.Sessions {
		in.Details.Sessions[i].ID = uuid.Nil
	}
	d, err := CheckDetails(ed, in.Details)
	if err != nil {
		return Activity{}, err
	}
	if d.Theme == "" {
		d.Theme = in.Unit.Kind.DefaultTheme()
	}
	return Activity{
		ID: uuid.New(), EditionID: ed.ID, CountyCode: in.Unit.CountyCode, UnitID: in.Unit.ID, Organizer: in.Unit.Name,
		Details: d, Status: StatusDraft, CreatedAt: now, UpdatedAt: now,
		History: []ReviewStep{{Status: StatusDraft, Actor: actor, At: now}},
	}, nil
}

func (a *Activity) move(to Status, actor, reason string, now time.Time) {
	a.Status, a.UpdatedAt = to, now
	a.History = append(a.History, ReviewStep{Status: to, Actor: actor, At: now, Reason: reason})
}

// Update replaces a draft's or a returned activity's details. Sessions that already have
// sign-ups cannot go away.
func (a *Activity) Update(ed Edition, d Details, now time.Time) error {
	if a.Status != StatusDraft && a.Status != StatusReturned {
		return ErrNotEditable.New("status", a.Status, "statusLabel", a.Status.Label())
	}
	// Sessions keep their identity (and sign-ups) by id; ids that are not this activity's
	// sessions make new sessions.
	d.Sessions = slices.Clone(d.Sessions)
	for i, s := range d.Sessions {
		if !slices.ContainsFunc(a.Details.Sessions, func(old Session) bool { return old.ID == s.ID }) {
			d.Sessions[i].ID = uuid.Nil
		}
	}
	d, err := CheckDetails(ed, d)
	if err != nil {
		return err
	}
	if d.Theme == "" {
		d.Theme = a.Details.Theme
	}
	for _, old := range a.Details.Sessions {
		if old.Confirmed+old.Waiting > 0 && !slices.ContainsFunc(d.Sessions, func(s Session) bool { return s.ID == old.ID }) {
			return ErrSessionHasSignups.New("startsAt", ed.Local(old.StartsAt), "signups", old.Confirmed+old.Waiting)
		}
	}
	a.Details, a.UpdatedAt = d, now
	return nil
}

// Submit sends a draft or returned activity to its county for review.
func (a *Activity) Submit(actor string, now time.Time) error {
	if a.Status != StatusDraft && a.Status != StatusReturned {
		return ErrNotSubmittable.New("status", a.Status, "statusLabel", a.Status.Label())
	}
	a.move(StatusSubmitted, actor, "", now)
	return nil
}

// Approve makes a submitted activity public.
func (a *Activity) Approve(actor string, now time.Time) error {
	if a.Status != StatusSubmitted {
		return ErrNotApprovable.New("status", a.Status, "statusLabel", a.Status.Label())
	}
	if fields, labels := a.Details.SafetyPlan.Missing(); a.Details.MajorDemonstration && len(fields) > 0 {
		return ErrSafetyPlanMissing.New("fields", strings.Join(fields, ", "), "missing", strings.Join(labels, "、"))
	}
	a.move(StatusApproved, actor, "", now)
	return nil
}

func reasonOf(reason string, what Status) (string, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) < 2 {
		if what == StatusCancelled {
			return "", ErrCancelNeedsReason.New()
		}
		return "", ErrReturnNeedsReason.New()
	}
	return reason, nil
}

// Return sends a submitted activity back to its organizer with a reason.
func (a *Activity) Return(actor, reason string, now time.Time) error {
	reason, err := reasonOf(reason, StatusReturned)
	if err != nil {
		return err
	}
	if a.Status != StatusSubmitted {
		return ErrNotReturnable.New("status", a.Status, "statusLabel", a.Status.Label())
	}
	a.move(StatusReturned, actor, reason, now)
	return nil
}

// Cancel calls the activity off, whatever its status, with a reason.
func (a *Activity) Cancel(actor, reason string, now time.Time) error {
	reason, err := reasonOf(reason, StatusCancelled)
	if err != nil {
		return err
	}
	if a.Status == StatusCancelled {
		return ErrAlreadyCancelled.New()
	}
	a.move(StatusCancelled, actor, reason, now)
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
