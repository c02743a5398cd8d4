package domain_test

import (
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

func TestImportReadsWhatPeopleType(t *testing.T) {
	t.Parallel()
	ed := edition(t)
	venue := uuid.New()
	look := domain.ImportLookups{Venue: func(county, name string) (uuid.UUID, bool) { return venue, county == "140105" && name == "科技馆" }}
	row := func(start, end, form, groups, signup string) []string {
		return []string{"小店区", "实验营", "科技馆", "", form, groups, "科技馆", start, end, "", signup}
	}
	header := []string{"县（市、区）", "活动名称", "主办单位", "单位类型", "活动形式", "面向对象", "活动地点", "开始时间", "结束时间", "名额", "需要报名"}
	tests := []struct {
		name      string
		cells     []string
		wantStart string
		wantErr   string
	}{
		{"dashes", row("2024-05-26 09:00", "2024-05-26 11:00", "科学实验", "青少年", "是"), "2024-05-26 09:00", ""},
		{"slashes without zeros", row("2024/5/26 9:00", "2024/5/26 11:00", "实验", "学生、公众", "否"), "2024-05-26 09:00", ""},
		{"Chinese date", row("2024年5月26日 09:00", "2024年5月26日 11:00", "科学实验", "青少年", ""), "2024-05-26 09:00", ""},
		{"Excel serial", row("45438.375", "45438.4583333333", "科学实验", "青少年", "1"), "2024-05-26 09:00", ""},
		{"date without a time", row("2024-05-26", "2024-05-26 11:00", "科学实验", "青少年", "是"), "", "IMPORT_TIME_OF_DAY_MISSING"},
		{"unknown form", row("2024-05-26 09:00", "2024-05-26 11:00", "联欢会", "青少年", "是"), "", "ACTIVITY_FORM_UNKNOWN"},
		{"unknown group", row("2024-05-26 09:00", "2024-05-26 11:00", "科学实验", "外星人", "是"), "", "ACTIVITY_TARGET_GROUP_UNKNOWN"},
		{"neither yes nor no", row("2024-05-26 09:00", "2024-05-26 11:00", "科学实验", "青少年", "也许"), "", "IMPORT_YES_NO_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, _, problems := domain.ParseImport(ed, domain.Sheet{Header: header, HeaderRow: 1, Rows: [][]string{tt.cells}, RowNumbers: []int{2}}, nil, look)
			if tt.wantErr != "" {
				if len(problems) != 1 || problems[0].Row != 2 || problems[0].Reason != tt.wantErr || !errs.IsChinese(problems[0].Chinese) {
					t.Fatalf("problems = %+v, want one on row 2 of %s, in Chinese", problems, tt.wantErr)
				}
				return
			}
			if len(problems) != 0 || len(rows) != 1 {
				t.Fatalf("problems = %+v", problems)
			}
			if got := ed.Local(rows[0].Details.Sessions[0].StartsAt); got != tt.wantStart {
				t.Fatalf("start = %s, want %s", got, tt.wantStart)
			}
			if rows[0].Details.VenueID != venue || rows[0].County.Code != "140105" {
				t.Fatalf("row = %+v", rows[0])
			}
		})
	}
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
