package domain_test

import (
	"testing"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/domain"
)

func TestReportSave(t *testing.T) {
	t.Parallel()
	cols := domain.DefaultColumns()
	now := time.Date(2024, 6, 3, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   domain.ValueInput
		want errs.Kind // 0: saved
	}{
		{"a typed figure", domain.ValueInput{ColumnKey: "media_reports", Typed: "12"}, 0},
		{"funds with two decimals", domain.ValueInput{ColumnKey: "funds", Typed: "35.50"}, 0},
		{"funds with three decimals", domain.ValueInput{ColumnKey: "funds", Typed: "35.505"}, errs.Invalid},
		{"a count with decimals", domain.ValueInput{ColumnKey: "media_reports", Typed: "1.5"}, errs.Invalid},
		{"not a number", domain.ValueInput{ColumnKey: "materials", Typed: "三百"}, errs.Invalid},
		{"a correction with its reason", domain.ValueInput{ColumnKey: "participations", Corrected: "5000", Reason: "两个终端离线未上传，按纸质登记补录"}, 0},
		{"a correction without a reason", domain.ValueInput{ColumnKey: "participations", Corrected: "5000"}, errs.Invalid},
		{"typing over a counted figure", domain.ValueInput{ColumnKey: "participations", Typed: "5000"}, errs.Invalid},
		{"correcting a typed figure", domain.ValueInput{ColumnKey: "media_reports", Corrected: "3", Reason: "更正数字"}, errs.Invalid},
		{"an unknown column", domain.ValueInput{ColumnKey: "banquets", Typed: "1"}, errs.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &domain.Report{Status: domain.ReportNotStarted}
			err := r.Save(cols, []domain.ValueInput{tt.in}, now)
			if tt.want == 0 {
				if err != nil || r.Status != domain.ReportDraft {
					t.Fatalf("err %v, status %d", err, r.Status)
				}
				return
			}
			if errs.KindOf(err) != tt.want {
				t.Fatalf("err = %v, want kind %v", err, tt.want)
			}
		})
	}
}

func TestReportLifecycle(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	deadline := domain.Deadline{Day: "2024-06-10", Loc: loc}
	before := time.Date(2024, 6, 10, 23, 59, 0, 0, loc)
	after := time.Date(2024, 6, 11, 0, 0, 0, 0, loc)
	cols := []domain.Column{
		{Key: "participations", Label: "参与人次", Source: domain.SourceCounted, Metric: "participations"},
		{Key: "media_reports", Label: "媒体报道（篇）", Source: domain.SourceTyped},
	}
	ready := func() *domain.Report {
		r := &domain.Report{Status: domain.ReportDraft, Values: map[string]domain.Value{"media_reports": {Typed: "4"}},
			Files: []domain.ReportFile{{Kind: domain.FileSummary}}}
		return r
	}
	tests := []struct {
		name  string
		setup func() *domain.Report
		at    time.Time
		want  errs.Kind
		late  bool
	}{
		{"on the last day", ready, before, 0, false},
		{"after the deadline", ready, after, errs.FailedPrecondition, false},
		{"after the deadline, reopened", func() *domain.Report { r := ready(); r.Reopened = true; return r }, after, 0, true},
		{"without the typed figures", func() *domain.Report { r := ready(); r.Values = nil; return r }, before, errs.FailedPrecondition, false},
		{"without a summary report", func() *domain.Report { r := ready(); r.Files = []domain.ReportFile{{Kind: domain.FileVideo}}; return r }, before, errs.FailedPrecondition, false},
		{"twice", func() *domain.Report { r := ready(); r.Status = domain.ReportSubmitted; return r }, before, errs.FailedPrecondition, false},
		{"once accepted", func() *domain.Report { r := ready(); r.Status = domain.ReportAccepted; return r }, before, errs.FailedPrecondition, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.setup()
			err := r.Submit(cols, deadline, tt.at)
			if tt.want != 0 {
				if errs.KindOf(err) != tt.want {
					t.Fatalf("err = %v, want kind %v", err, tt.want)
				}
				return
			}
			if err != nil || r.Status != domain.ReportSubmitted || r.Late != tt.late {
				t.Fatalf("err %v, status %d, late %v", err, r.Status, r.Late)
			}
		})
	}

	// Sent back after the deadline, a report submitted on time may be submitted again, and is
	// not late; once accepted it is locked.
	r := ready()
	if err := r.Submit(cols, deadline, before); err != nil {
		t.Fatal(err)
	}
	if err := r.Return("媒体报道篇数与附件不符", deadline, after); err != nil || r.Status != domain.ReportReturned || !r.Reopened {
		t.Fatalf("return: %v %+v", err, r)
	}
	if err := r.Save(cols, []domain.ValueInput{{ColumnKey: "media_reports", Typed: "6"}}, after); err != nil {
		t.Fatal(err)
	}
	if err := r.Submit(cols, deadline, after.Add(time.Hour)); err != nil || r.Late {
		t.Fatalf("resubmit: %v, late %v", err, r.Late)
	}
	if err := r.Accept(after.Add(2 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := r.Save(cols, []domain.ValueInput{{ColumnKey: "media_reports", Typed: "7"}}, after); errs.KindOf(err) != errs.FailedPrecondition {
		t.Fatalf("saving an accepted report: %v", err)
	}
}

func TestFiguresPreferTheCorrection(t *testing.T) {
	t.Parallel()
	cols := []domain.Column{
		{Key: "participations", Source: domain.SourceCounted, Metric: "participations"},
		{Key: "held_lecture", Source: domain.SourceCounted, Metric: "activities_held:lecture"},
		{Key: "funds", Source: domain.SourceTyped, Decimals: 2},
	}
	r := &domain.Report{Values: map[string]domain.Value{"participations": {Corrected: "120", Reason: "补录"}, "funds": {Typed: "3.5"}}}
	cols = append(cols, domain.Column{Key: "theme_held_meteorology", Source: domain.SourceCounted, Metric: "theme_activities_held:meteorology"},
		domain.Column{Key: "theme_participations_meteorology", Source: domain.SourceCounted, Metric: "theme_participations:meteorology"})
	got := r.Figures(cols, domain.CountedFigures{Participations: 100, HeldByForm: map[string]int64{"lecture": 7},
		HeldByTheme: map[string]int64{"meteorology": 2}, ParticipationsByTheme: map[string]int64{"meteorology": 60}})
	if got[0].Counted != "100" || got[0].Value != "120" || got[1].Value != "7" || got[2].Value != "3.5" || got[3].Value != "2" || got[4].Value != "60" {
		t.Fatalf("figures = %+v", got)
	}
}

func TestCheckColumns(t *testing.T) {
	t.Parallel()
	if err := domain.CheckColumns(domain.DefaultColumns()); err != nil {
		t.Fatal(err)
	}
	for name, cols := range map[string][]domain.Column{
		"a key twice":          {{Key: "a", Source: domain.SourceTyped}, {Key: "a", Source: domain.SourceTyped}},
		"an unknown metric":    {{Key: "a", Source: domain.SourceCounted, Metric: "banquets"}},
		"a typed metric":       {{Key: "a", Source: domain.SourceTyped, Metric: "participations"}},
		"no source":            {{Key: "a"}},
		"an unknown form slug": {{Key: "a", Source: domain.SourceCounted, Metric: "activities_held:opera"}},
		"an unknown theme":     {{Key: "a", Source: domain.SourceCounted, Metric: "theme_participations:fishery"}},
	} {
		if err := domain.CheckColumns(cols); errs.KindOf(err) != errs.Invalid {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestMergeAddsUpExactly(t *testing.T) {
	t.Parallel()
	cols := []domain.Column{
		{Key: "participations", Source: domain.SourceCounted, Metric: "participations"},
		{Key: "funds", Source: domain.SourceTyped, Decimals: 2},
	}
	row := func(p, funds string) domain.MergedRow {
		return domain.MergedRow{Figures: []domain.Figure{{Value: p}, {Value: funds}}}
	}
	// 0.1 + 0.2 in floats is 0.30000000000000004; a bureau's table must say 0.30.
	got := domain.Merge(cols, []domain.MergedRow{row("12000", "0.1"), row("3456", "0.2"), row("0", ""), row("1", "12.05")})
	if got.Total[0] != "15457" || got.Total[1] != "12.35" {
		t.Fatalf("total = %v", got.Total)
	}
	if got := domain.Merge(cols, []domain.MergedRow{row("1", "3")}); got.Total[1] != "3.00" {
		t.Fatalf("two decimals: %v", got.Total)
	}
}

// TestAcceptedFiguresOutliveNewColumns: an accepted county's line in the city's table keeps the
// figures it was accepted with when the edition's columns change afterwards (before, any change
// of columns replaced them all with today's figures).
func TestAcceptedFiguresOutliveNewColumns(t *testing.T) {
	t.Parallel()
	part := domain.Column{Key: "participations", Label: "参与人次", Source: domain.SourceCounted, Metric: "participations"}
	media := domain.Column{Key: "media_reports", Label: "媒体报道（篇）", Source: domain.SourceTyped}
	theme := domain.Column{Key: "theme_people:agriculture", Label: "其中：农业科技周活动（人次）", Source: domain.SourceCounted, Metric: "theme_people:agriculture"}
	accepted := []domain.Figure{
		{Column: part, Counted: "4800", Corrected: "5000", Reason: "纸质登记补录", Value: "5000"},
		{Column: media, Typed: "12", Value: "12"},
	}
	today := func(cols []domain.Column) func() ([]domain.Figure, error) {
		return func() ([]domain.Figure, error) {
			out := make([]domain.Figure, len(cols))
			for i, c := range cols {
				out[i] = domain.Figure{Column: c, Counted: "9999", Value: "9999"}
			}
			return out, nil
		}
	}
	relabelled := media
	relabelled.Label = "媒体宣传报道（篇）"
	tests := []struct {
		name       string
		cols       []domain.Column
		want       []string // the figures' values, column by column
		wantLabels []string
		callsToday bool
	}{
		{"the same columns", []domain.Column{part, media}, []string{"5000", "12"}, []string{"参与人次", "媒体报道（篇）"}, false},
		{"a theme column added", []domain.Column{part, theme, media}, []string{"5000", "9999", "12"}, []string{"参与人次", "其中：农业科技周活动（人次）", "媒体报道（篇）"}, true},
		{"a column relabelled", []domain.Column{part, relabelled}, []string{"5000", "12"}, []string{"参与人次", "媒体宣传报道（篇）"}, false},
		{"a column dropped", []domain.Column{media}, []string{"12"}, []string{"媒体报道（篇）"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			called := false
			current := today(tt.cols)
			got, err := domain.AcceptedFigures(accepted, tt.cols, func() ([]domain.Figure, error) { called = true; return current() })
			if err != nil {
				t.Fatal(err)
			}
			if called != tt.callsToday {
				t.Errorf("today's figures read: %v, want %v", called, tt.callsToday)
			}
			for i, f := range got {
				if f.Value != tt.want[i] || f.Label != tt.wantLabels[i] {
					t.Errorf("column %d: %q %q, want %q %q", i, f.Label, f.Value, tt.wantLabels[i], tt.want[i])
				}
			}
			if got[0].Key == "participations" && (got[0].Corrected != "5000" || got[0].Reason == "") {
				t.Errorf("the accepted correction was lost: %+v", got[0])
			}
		})
	}
}
