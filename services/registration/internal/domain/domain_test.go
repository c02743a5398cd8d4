package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

func TestPhones(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want, masked string
		ok                     bool
	}{
		{"plain", "13812341234", "13812341234", "138****1234", true},
		{"spaces and dashes", " 138-1234 1234 ", "13812341234", "138****1234", true},
		{"country code", "+8615912345678", "15912345678", "159****5678", true},
		{"landline", "03514061234", "", "", false},
		{"too short", "1381234123", "", "", false},
		{"letters", "1381234abcd", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := domain.NormalizePhone(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Fatalf("NormalizePhone(%q) = %q, %v", tt.in, got, err)
			}
			if tt.ok && domain.MaskPhone(got) != tt.masked {
				t.Fatalf("MaskPhone = %q, want %q", domain.MaskPhone(got), tt.masked)
			}
		})
	}
}

// TestContact: the week's contact takes a landline as dialled locally or with its area code, a
// mobile number and a mailbox, and names what is wrong otherwise.
func TestContact(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("王", 51)
	tests := []struct {
		name string
		in   domain.Contact
		code string // the refusal's code; empty when accepted
	}{
		{"the notice's own line", domain.Contact{Office: "市科技局国际合作办公室", Person: "王宏颖", Phone: "4222068", Email: "w251342595@163.com"}, ""},
		{"landline with area code", domain.Contact{Phone: "0351-4222068"}, ""},
		{"landline with area code and extension", domain.Contact{Phone: "010-62345678-123"}, ""},
		{"landline written with a space", domain.Contact{Phone: "0351 4222068"}, ""},
		{"mobile", domain.Contact{Phone: "13812345678"}, ""},
		{"nothing given", domain.Contact{}, ""},
		{"too few digits", domain.Contact{Phone: "42206"}, "EDITION_CONTACT_PHONE_INVALID"},
		{"mobile one digit short", domain.Contact{Phone: "1381234567"}, "EDITION_CONTACT_PHONE_INVALID"},
		{"letters", domain.Contact{Phone: "4222O68"}, "EDITION_CONTACT_PHONE_INVALID"},
		{"e-mail without domain", domain.Contact{Email: "w251342595"}, "EDITION_CONTACT_EMAIL_INVALID"},
		{"e-mail with a space", domain.Contact{Email: "w 2@163.com"}, "EDITION_CONTACT_EMAIL_INVALID"},
		{"person too long", domain.Contact{Person: long}, "EDITION_CONTACT_TOO_LONG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := domain.NewContact(tt.in)
			got := ""
			if err != nil {
				got = errs.ReasonOf(err)
			}
			if got != tt.code || (err != nil && !errs.IsChinese(errs.Chinese(err))) {
				t.Fatalf("NewContact(%+v) = %v, want code %q", tt.in, err, tt.code)
			}
		})
	}
}

func TestAdmitAndTicketWindow(t *testing.T) {
	t.Parallel()
	start := time.Date(2024, 5, 26, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		s    domain.Session
		want domain.SignupStatus
	}{
		{"places left", domain.Session{Places: 50, Confirmed: 49}, domain.SignupConfirmed},
		{"full", domain.Session{Places: 50, Confirmed: 50}, domain.SignupWaiting},
		{"no limit", domain.Session{Places: 0, Confirmed: 10000}, domain.SignupConfirmed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := domain.Admit(tt.s); got != tt.want {
				t.Fatalf("Admit = %v, want %v", got, tt.want)
			}
		})
	}
	from, until := domain.TicketWindow(domain.Session{StartsAt: start, EndsAt: start.Add(2 * time.Hour)})
	if !from.Equal(start.Add(-time.Hour)) || !until.Equal(start.Add(2*time.Hour)) {
		t.Fatalf("window %v to %v", from, until)
	}
}

func edition(t *testing.T) domain.Edition {
	t.Helper()
	ed, err := domain.NewEdition(domain.EditionInput{ID: "2024", Name: "2024年太原市科技活动周", StartsOn: "2024-05-25", EndsOn: "2024-06-01",
		ReportDeadline: "2024-06-10", TimeZone: "Asia/Shanghai", MaxVideoSeconds: 180, Counties: []domain.County{{Code: "140105", Name: "小店区"}}})
	if err != nil {
		t.Fatal(err)
	}
	return ed
}

func TestTransitions(t *testing.T) {
	t.Parallel()
	ed := edition(t)
	unit := domain.Unit{ID: uuid.New(), Name: "单位", CountyCode: "140105"}
	start := time.Date(2024, 5, 26, 9, 0, 0, 0, ed.Location)
	d := domain.Details{Title: "实验营", Form: domain.FormHandsOnExperiment, TargetGroups: []domain.TargetGroup{domain.TargetYouth}, VenueID: uuid.New(),
		Sessions: []domain.Session{{StartsAt: start, EndsAt: start.Add(time.Hour)}}}
	now := time.Now()
	tests := []struct {
		name  string
		steps func(a *domain.Activity) error
		want  errs.Kind
	}{
		{"approve a draft", func(a *domain.Activity) error { return a.Approve("c", now) }, errs.FailedPrecondition},
		{"return without a reason", func(a *domain.Activity) error { _ = a.Submit("o", now); return a.Return("c", " ", now) }, errs.Invalid},
		{"edit when submitted", func(a *domain.Activity) error { _ = a.Submit("o", now); return a.Update(ed, d, now) }, errs.FailedPrecondition},
		{"cancel twice", func(a *domain.Activity) error { _ = a.Cancel("o", "下雨", now); return a.Cancel("o", "下雨", now) }, errs.FailedPrecondition},
		{"submit, return, fix, submit, approve", func(a *domain.Activity) error {
			for _, f := range []func() error{
				func() error { return a.Submit("o", now) }, func() error { return a.Return("c", "补充", now) },
				func() error { return a.Update(ed, d, now) }, func() error { return a.Submit("o", now) }, func() error { return a.Approve("c", now) },
			} {
				if err := f(); err != nil {
					return err
				}
			}
			return nil
		}, errs.Internal /* no error */},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := domain.CreateActivity(ed, domain.NewActivity{Unit: unit, Details: d}, "o", now)
			if err != nil {
				t.Fatal(err)
			}
			err = tt.steps(&a)
			if tt.want == errs.Internal {
				if err != nil || a.Status != domain.StatusApproved || len(a.History) != 5 {
					t.Fatalf("err %v, status %s, %d steps", err, a.Status, len(a.History))
				}
				return
			}
			if errs.KindOf(err) != tt.want {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
