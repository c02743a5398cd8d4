package reporting_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/google/go-cmp/cmp"

	"github.com/sciweek/sciweek/pkg/auth"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// week is a small edition's worth of events: three activities in two counties (one online),
// tickets of two people (one of them with two tickets), walk-ins of every category, a school
// class, refusals, and a late upload from an offline terminal.
type week struct {
	lecture, exhibition, online, lab uuid.UUID
	venueA, venueB                   uuid.UUID
	// museum holds the lecture in 140105; school the exhibition and the online activity in
	// 140106, lab the open day there.
	museum, school, lab2 uuid.UUID
	today, yesterday     time.Time
}

func (f *fixture) week(t *testing.T) week {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Now().In(loc)
	w := week{lecture: uuid.New(), exhibition: uuid.New(), online: uuid.New(), lab: uuid.New(), venueA: uuid.New(), venueB: uuid.New(),
		museum: uuid.New(), school: uuid.New(), lab2: uuid.New(), today: time.Date(now.Year(), now.Month(), now.Day(), 10, 15, 0, 0, loc)}
	w.yesterday = w.today.AddDate(0, 0, -1)
	f.publish("sciweek.registration.edition.changed", &registrationv1.EditionChanged{EventId: uuid.NewString(), Edition: &registrationv1.Edition{
		Id: "2024", Name: "2024年科技活动周", Counties: []*registrationv1.County{{Code: "140105", Name: "小店区"}, {Code: "140106", Name: "迎泽区"}, {Code: "140181", Name: "古交市"}}}})
	units := map[uuid.UUID]uuid.UUID{w.lecture: w.museum, w.exhibition: w.school, w.online: w.school, w.lab: w.lab2}
	names := map[uuid.UUID]string{w.museum: "山西省科学技术馆", w.school: "迎泽区实验小学", w.lab2: "煤转化国家重点实验室"}
	activity := func(id uuid.UUID, county string, venue uuid.UUID, form registrationv1.ActivityForm, groups ...registrationv1.TargetGroup) {
		// The lecture is held jointly with Science and Technology Workers' Day (30 May).
		d := &registrationv1.ActivityDetails{Title: "活动" + id.String()[:4], Form: form, TargetGroups: groups, WorkersDayJoint: id == w.lecture}
		// Themed weeks: the lecture is 气象科技周, the exhibition and the open day 农业科技周, the
		// online activity says none (as an activity announced before themes were).
		switch id {
		case w.lecture:
			d.Theme = registrationv1.ActivityTheme_ACTIVITY_THEME_METEOROLOGY
		case w.exhibition, w.lab:
			d.Theme = registrationv1.ActivityTheme_ACTIVITY_THEME_AGRICULTURE
		}
		if venue != uuid.Nil {
			d.VenueId = venue.String()
		}
		f.publish("sciweek.registration.activity.approved", &registrationv1.ActivityApproved{EventId: uuid.NewString(), Activity: &registrationv1.Activity{
			Id: id.String(), EditionId: "2024", CountyCode: county, UnitId: units[id].String(), Organizer: names[units[id]],
			Status: registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED, Details: d, UpdatedAt: timestamppb.Now()}})
	}
	activity(w.lecture, "140105", w.venueA, registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE, registrationv1.TargetGroup_TARGET_GROUP_YOUTH, registrationv1.TargetGroup_TARGET_GROUP_SCHOOL)
	activity(w.exhibition, "140106", w.venueB, registrationv1.ActivityForm_ACTIVITY_FORM_EXHIBITION, registrationv1.TargetGroup_TARGET_GROUP_PUBLIC)
	activity(w.online, "140106", uuid.Nil, registrationv1.ActivityForm_ACTIVITY_FORM_ONLINE_INTERACTION, registrationv1.TargetGroup_TARGET_GROUP_PUBLIC)
	activity(w.lab, "140106", w.venueB, registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY, registrationv1.TargetGroup_TARGET_GROUP_PUBLIC) // planned, nobody yet
	t1, t2, t3 := uuid.New(), uuid.New(), uuid.New()
	for ticket, holder := range map[uuid.UUID]string{t1: "aaaa", t2: "aaaa", t3: "bbbb"} {
		f.publish("sciweek.registration.ticket.issued", &registrationv1.TicketIssued{EventId: uuid.NewString(), TicketId: ticket.String(), EditionId: "2024",
			ActivityId: w.lecture.String(), CountyCode: "140105", HolderKey: holder})
	}
	rec := func(activity, venue uuid.UUID, kind checkinv1.CheckinKind, category checkinv1.ParticipantCategory, n, adults uint32, at time.Time) *checkinv1.RecordedCheckin {
		return &checkinv1.RecordedCheckin{RecordId: uuid.NewString(), EditionId: "2024", VenueId: venue.String(), ActivityId: activity.String(), Kind: kind,
			Category: category, Headcount: n, Adults: adults, Outcome: checkinv1.Outcome_OUTCOME_ADMITTED, OccurredAt: timestamppb.New(at)}
	}
	ticket := func(id uuid.UUID, category checkinv1.ParticipantCategory, at time.Time) *checkinv1.RecordedCheckin {
		r := rec(w.lecture, w.venueA, checkinv1.CheckinKind_CHECKIN_KIND_TICKET, category, 1, 0, at)
		r.TicketId = id.String()
		return r
	}
	young, adult := checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_YOUNG_PERSON, checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT
	walk := checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN
	// The waiting for the catalogue: the activities must be known before the figures are read,
	// but the counts do not depend on it.
	f.record("140105",
		ticket(t1, young, w.today), ticket(t2, young, w.yesterday), ticket(t3, adult, w.today),
		rec(w.lecture, w.venueA, checkinv1.CheckinKind_CHECKIN_KIND_GROUP, 0, 40, 3, w.today),
		rec(w.lecture, w.venueA, walk, checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_SCIENCE_WORKER, 2, 0, w.today.Add(time.Hour)),
		&checkinv1.RecordedCheckin{RecordId: uuid.NewString(), EditionId: "2024", VenueId: w.venueA.String(), Kind: checkinv1.CheckinKind_CHECKIN_KIND_TICKET,
			Outcome: checkinv1.Outcome_OUTCOME_REFUSED, RefusalReason: checkinv1.RefusalReason_REFUSAL_REASON_EXPIRED, OccurredAt: timestamppb.New(w.today)})
	// An offline terminal at venue B uploads yesterday's afternoon late: it lands in that hour.
	f.record("140106",
		rec(w.exhibition, w.venueB, walk, adult, 10, 0, w.yesterday.Add(5*time.Hour)),
		rec(w.exhibition, w.venueB, walk, checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_VOLUNTEER, 1, 0, w.today))
	return w
}

func (f *fixture) dashboard(as auth.Principal, filter *reportingv1.DashboardFilter) (*reportingv1.Dashboard, error) {
	resp, err := f.client.GetDashboard(context.Background(), &reportingv1.GetDashboardRequest{EditionId: "2024", Filter: filter}, f.tokens.As(f.t, as))
	return resp.GetDashboard(), err
}

// settled waits until the dashboard shows the week's participations and its activities.
func (f *fixture) settled(t *testing.T, want int64) *reportingv1.Dashboard {
	t.Helper()
	var d *reportingv1.Dashboard
	testkit.Eventually(t, 10*time.Second, func() error {
		var err error
		if d, err = f.dashboard(testkit.CityAdmin(), nil); err != nil {
			return err
		}
		if d.GetTotals().GetParticipations() != want || d.GetTotals().GetActivitiesPlanned() != 3 || d.GetTotals().GetDistinctPeople() != 2 {
			return fmt.Errorf("totals %v", d.GetTotals())
		}
		return nil
	})
	return d
}

func TestDashboardPanelsAndFilters(t *testing.T) {
	t.Parallel()
	f := start(t)
	w := f.week(t)
	// 3 tickets + a class of 40 with 3 teachers + 2 science workers + 10 adults + 1 volunteer.
	d := f.settled(t, 3+43+2+10+1)
	tot := d.GetTotals()
	if tot.GetTicketed() != 3 || tot.GetWalkIns() != 56 || tot.GetYoungPeople() != 42 || tot.GetAdults() != 14 || tot.GetScienceWorkers() != 2 || tot.GetVolunteers() != 1 {
		t.Fatalf("totals by kind and category: %v", tot)
	}
	if tot.GetToday() != 2+43+2+1 || tot.GetYesterday() != 1+10 || tot.GetRefusedScans() != 1 {
		t.Fatalf("today %d, yesterday %d, refused %d", tot.GetToday(), tot.GetYesterday(), tot.GetRefusedScans())
	}
	if tot.GetActivitiesHeld() != 2 || tot.GetOnlineActivities() != 1 || tot.GetVenuesOpened() != 2 {
		t.Fatalf("activities held %d (planned %d), online %d, venues %d", tot.GetActivitiesHeld(), tot.GetActivitiesPlanned(), tot.GetOnlineActivities(), tot.GetVenuesOpened())
	}
	if len(d.GetCounties()) != 3 || d.GetCounties()[0].GetCountyName() != "小店区" || d.GetCounties()[0].GetParticipations() != 48 ||
		d.GetCounties()[2].GetCountyCode() != "140181" || d.GetCounties()[2].GetParticipations() != 0 {
		t.Fatalf("ranking: %v", d.GetCounties())
	}
	hours := map[string]int64{}
	for _, h := range d.GetByHour() {
		hours[h.GetHour()] = h.GetParticipations()
	}
	y, td := w.yesterday.Format("2006-01-02"), w.today.Format("2006-01-02")
	if hours[y+"T10"] != 1 || hours[y+"T15"] != 10 || hours[td+"T10"] != 2+43+1 || hours[td+"T11"] != 2 {
		t.Fatalf("by hour: %v", hours)
	}
	if len(d.GetForms()) != 4 || d.GetForms()[0].GetForm() != registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE || d.GetForms()[0].GetParticipations() != 48 {
		t.Fatalf("forms: %v", d.GetForms())
	}
	if len(d.GetTopActivities()) != 2 || d.GetTopActivities()[0].GetActivityId() != w.lecture.String() ||
		len(d.GetOnlineActivities()) != 1 || d.GetOnlineActivities()[0].GetActivityId() != w.online.String() {
		t.Fatalf("top %v, online %v", d.GetTopActivities(), d.GetOnlineActivities())
	}
	if len(d.GetRefusals()) != 1 || d.GetRefusals()[0].GetReason() != checkinv1.RefusalReason_REFUSAL_REASON_EXPIRED {
		t.Fatalf("refusals: %v", d.GetRefusals())
	}

	// The week's curve follows the form and target group filters too.
	for _, filter := range []*reportingv1.DashboardFilter{
		{Form: registrationv1.ActivityForm_ACTIVITY_FORM_EXHIBITION},
		{TargetGroup: registrationv1.TargetGroup_TARGET_GROUP_PUBLIC},
		{Form: registrationv1.ActivityForm_ACTIVITY_FORM_EXHIBITION, TargetGroup: registrationv1.TargetGroup_TARGET_GROUP_PUBLIC},
	} {
		got, err := f.dashboard(testkit.CityAdmin(), filter)
		if err != nil {
			t.Fatal(err)
		}
		hours := map[string]int64{}
		for _, h := range got.GetByHour() {
			hours[h.GetHour()] = h.GetParticipations()
		}
		if len(hours) != 2 || hours[y+"T15"] != 10 || hours[td+"T10"] != 1 {
			t.Fatalf("by hour for %v: %v", filter, hours)
		}
	}

	// The view exports as a workbook with the same figures.
	exported, err := f.client.ExportDashboard(context.Background(), &reportingv1.ExportDashboardRequest{EditionId: "2024",
		Filter: &reportingv1.DashboardFilter{CountyCode: "140105"}}, f.tokens.As(t, testkit.CityAdmin()))
	if err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(bytes.NewReader(exported.GetContent()))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := book.GetCellValue("概览", "B10"); v != "48" {
		t.Fatalf("exported participations %q, want 48 (sheets %v)", v, book.GetSheetList())
	}
	if len(book.GetSheetList()) != 12 || !strings.Contains(exported.GetName(), "140105") {
		t.Fatalf("workbook %s with sheets %v", exported.GetName(), book.GetSheetList())
	}
	// The counties' panel prints as offices print: titled, A4 landscape, its 合计 row formulas
	// that come to the sums written in them.
	const counties = "各县（市、区）"
	rows, _ := book.GetRows(counties)
	last := len(rows)
	if title, _ := book.GetCellValue(counties, "A1"); title != counties || last < 5 || rows[last-1][0] != "合计" {
		t.Fatalf("the counties' sheet: %q", rows)
	}
	if layout, err := book.GetPageLayout(counties); err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" {
		t.Fatalf("page layout %+v %v", layout, err)
	}
	for c := 3; c <= 8; c++ {
		cell, _ := excelize.CoordinatesToCellName(c, last)
		cached, _ := book.GetCellValue(counties, cell)
		calc, err := book.CalcCellValue(counties, cell)
		if formula, _ := book.GetCellFormula(counties, cell); err != nil || calc != cached || !strings.HasPrefix(formula, "SUM(") {
			t.Fatalf("total %s: formula %q comes to %q, the cell holds %q (%v)", cell, formula, calc, cached, err)
		}
	}
	// The units' sheet, next to the counties': the county's one unit, its 合计 the county's
	// participations, activities planned and held, recalculated.
	const units = "各组织单位"
	rows, _ = book.GetRows(units)
	last = len(rows)
	if last != 5 || rows[3][0] != "小店区" || rows[3][1] != "山西省科学技术馆" || rows[last-1][0] != "合计" {
		t.Fatalf("the units' sheet: %q", rows)
	}
	for c, want := range map[int]string{3: "48", 5: "1", 6: "1"} {
		cell, _ := excelize.CoordinatesToCellName(c, last)
		calc, err := book.CalcCellValue(units, cell)
		if formula, _ := book.GetCellFormula(units, cell); err != nil || calc != want || !strings.HasPrefix(formula, "SUM(") {
			t.Fatalf("units' total %s: formula %q comes to %q, want %s (%v)", cell, formula, calc, want, err)
		}
	}
	// Workers' Day: the filter is named on the overview, the joint activities' figures given.
	overview, _ := book.GetRows("概览")
	said := map[string]string{}
	for _, r := range overview {
		if len(r) == 2 {
			said[r[0]] = r[1]
		}
	}
	if said["科技工作者日"] != "全部" || said["科技工作者日联合活动参与人次"] != "48" || said["科技工作者日联合活动（已举办）"] != "1" {
		t.Fatalf("the overview on Workers' Day: %q", said)
	}

	tests := []struct {
		name           string
		as             auth.Principal
		filter         *reportingv1.DashboardFilter
		participations int64
		code           codes.Code
	}{
		{"one county", testkit.CityAdmin(), &reportingv1.DashboardFilter{CountyCode: "140106"}, 11, codes.OK},
		{"a form", testkit.CityAdmin(), &reportingv1.DashboardFilter{Form: registrationv1.ActivityForm_ACTIVITY_FORM_EXHIBITION}, 11, codes.OK},
		{"a target group", testkit.CityAdmin(), &reportingv1.DashboardFilter{TargetGroup: registrationv1.TargetGroup_TARGET_GROUP_SCHOOL}, 48, codes.OK},
		{"today only", testkit.CityAdmin(), &reportingv1.DashboardFilter{FromDay: td, ToDay: td}, 48, codes.OK},
		{"Workers' Day joint activities", testkit.CityAdmin(), &reportingv1.DashboardFilter{WorkersDay: true}, 48, codes.OK},
		{"Workers' Day in a county without any", testkit.CityAdmin(), &reportingv1.DashboardFilter{WorkersDay: true, CountyCode: "140106"}, 0, codes.OK},
		{"a county admin sees their county", testkit.CountyAdmin("140105"), nil, 48, codes.OK},
		{"a county admin asking for another county", testkit.CountyAdmin("140105"), &reportingv1.DashboardFilter{CountyCode: "140106"}, 0, codes.PermissionDenied},
		{"an organizer", auth.Principal{Subject: "unit", Role: auth.RoleOrganizer, CountyCode: "140105"}, nil, 0, codes.PermissionDenied},
		{"days the wrong way round", testkit.CityAdmin(), &reportingv1.DashboardFilter{FromDay: td, ToDay: y}, 0, codes.InvalidArgument},
		{"not a date", testkit.CityAdmin(), &reportingv1.DashboardFilter{FromDay: "26/05/2024"}, 0, codes.InvalidArgument},
	}
	// Workers' Day as a dimension: the joint activities' figures are part of the totals, and the
	// filtered dashboard adds up to them panel by panel.
	if tot.GetWorkersDayActivities() != 1 || tot.GetWorkersDayHeld() != 1 || tot.GetWorkersDayParticipations() != 48 {
		t.Fatalf("Workers' Day: %d activities, %d held, %d participations", tot.GetWorkersDayActivities(), tot.GetWorkersDayHeld(), tot.GetWorkersDayParticipations())
	}
	joint, err := f.dashboard(testkit.CityAdmin(), &reportingv1.DashboardFilter{WorkersDay: true})
	if err != nil {
		t.Fatal(err)
	}
	var byCounty, byDay, byHour int64
	for _, c := range joint.GetCounties() {
		byCounty += c.GetParticipations()
	}
	for _, c := range joint.GetByDay() {
		byDay += c.GetParticipations()
	}
	for _, c := range joint.GetByHour() {
		byHour += c.GetParticipations()
	}
	if jt := joint.GetTotals(); jt.GetParticipations() != tot.GetWorkersDayParticipations() || byCounty != jt.GetParticipations() || byDay != jt.GetParticipations() ||
		byHour != jt.GetParticipations() || jt.GetActivitiesHeld() != tot.GetWorkersDayHeld() {
		t.Fatalf("Workers' Day filtered: %d participations (counties %d, days %d, hours %d), %d held; the totals say %d and %d",
			jt.GetParticipations(), byCounty, byDay, byHour, jt.GetActivitiesHeld(), tot.GetWorkersDayParticipations(), tot.GetWorkersDayHeld())
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.dashboard(tt.as, tt.filter)
			if status.Code(err) != tt.code {
				t.Fatalf("got %v, want %v", err, tt.code)
			}
			if err == nil && got.GetTotals().GetParticipations() != tt.participations {
				t.Fatalf("participations %d, want %d", got.GetTotals().GetParticipations(), tt.participations)
			}
		})
	}
}

func TestRebuildGivesTheSameFigures(t *testing.T) {
	t.Parallel()
	f := start(t)
	f.week(t)
	before := f.settled(t, 59)
	ctx := context.Background()
	if _, err := f.client.RebuildAggregates(ctx, &reportingv1.RebuildAggregatesRequest{}, f.tokens.As(t, testkit.CountyAdmin("140105"))); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("a county admin rebuilding: %v", err)
	}
	resp, err := f.client.RebuildAggregates(ctx, &reportingv1.RebuildAggregatesRequest{}, f.tokens.As(t, testkit.CityAdmin()))
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetParticipations() != 59 || resp.GetEvents() == 0 {
		t.Fatalf("rebuild: %v", resp)
	}
	after, err := f.dashboard(testkit.CityAdmin(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after, protocmp.Transform(), protocmp.IgnoreFields(&reportingv1.Dashboard{}, "updated_at"),
		protocmp.IgnoreFields(&reportingv1.VenueOccupancy{}, "updated_at")); diff != "" {
		t.Fatalf("figures after the rebuild differ (-before +after):\n%s", diff)
	}
	// New events after the rebuild count as usual.
	f.admit("140181", uuid.New(), uuid.New(), checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN, 5, time.Now())
	f.settled(t, 64)
}

func TestDashboardScreensShareOneFeed(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const screens = 40
	var wg sync.WaitGroup
	got := make(chan time.Duration, screens)
	ready := make(chan struct{}, screens)
	var sent time.Time
	var mu sync.Mutex
	for range screens {
		stream, err := f.client.WatchDashboard(ctx, &reportingv1.WatchDashboardRequest{EditionId: "2024"}, f.tokens.As(t, testkit.CityAdmin()))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			first, err := stream.Recv()
			if err != nil || first.GetDashboard().GetTotals().GetParticipations() != 0 {
				t.Errorf("first push %v %v", first, err)
				return
			}
			ready <- struct{}{}
			for {
				next, err := stream.Recv()
				if err != nil {
					return
				}
				if next.GetDashboard().GetTotals().GetParticipations() == 9 {
					mu.Lock()
					got <- time.Since(sent)
					mu.Unlock()
					return
				}
			}
		}()
	}
	for range screens {
		<-ready
	}
	mu.Lock()
	sent = time.Now()
	mu.Unlock()
	f.admit("140105", uuid.New(), uuid.New(), checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN, 9, time.Now())
	var slowest time.Duration
	for range screens {
		select {
		case d := <-got:
			slowest = max(slowest, d)
		case <-time.After(10 * time.Second):
			t.Fatal("not every screen got the change")
		}
	}
	cancel()
	wg.Wait()
	t.Logf("%d screens had the change %v after it was published", screens, slowest.Round(time.Millisecond))
}

// TestUnitRollUpsAndOrganizersOwnFigures checks the level between county and activity: the
// units' lines add up to the totals, a county admin gets their county's units, and an
// organizer sees the figures of their own unit's activities only and is refused another unit's.
func TestUnitRollUpsAndOrganizersOwnFigures(t *testing.T) {
	t.Parallel()
	f := start(t)
	w := f.week(t)
	f.settled(t, 59)
	museum := auth.Principal{Subject: "museum-staff", Role: auth.RoleOrganizer, CountyCode: "140105", UnitID: w.museum.String()}
	school := auth.Principal{Subject: "school-staff", Role: auth.RoleOrganizer, CountyCode: "140106", UnitID: w.school.String()}
	type line struct {
		unit           uuid.UUID
		participations int64
		planned, held  int64
	}
	tests := []struct {
		name   string
		as     auth.Principal
		filter *reportingv1.DashboardFilter
		total  int64
		units  []line
		code   codes.Code
	}{
		{"the bureau sees every unit", testkit.CityAdmin(), nil, 59,
			[]line{{w.museum, 48, 1, 1}, {w.school, 11, 1, 1}, {w.lab2, 0, 1, 0}}, codes.OK},
		{"a county admin sees their county's units", testkit.CountyAdmin("140106"), nil, 11,
			[]line{{w.school, 11, 1, 1}, {w.lab2, 0, 1, 0}}, codes.OK},
		{"the bureau narrows to one unit", testkit.CityAdmin(), &reportingv1.DashboardFilter{UnitId: w.school.String()}, 11,
			[]line{{w.school, 11, 1, 1}}, codes.OK},
		{"an organizer sees its own unit only", museum, nil, 48, []line{{w.museum, 48, 1, 1}}, codes.OK},
		{"another organizer sees its own only", school, nil, 11, []line{{w.school, 11, 1, 1}}, codes.OK},
		{"an organizer is refused another unit's figures", museum, &reportingv1.DashboardFilter{UnitId: w.school.String()}, 0, nil, codes.PermissionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := f.dashboard(tt.as, tt.filter)
			if status.Code(err) != tt.code {
				t.Fatalf("got %v, want %v", err, tt.code)
			}
			if err != nil {
				return
			}
			var got []line
			var sum int64
			for _, u := range d.GetUnits() {
				got = append(got, line{uuid.MustParse(u.GetUnitId()), u.GetParticipations(), u.GetActivitiesPlanned(), u.GetActivitiesHeld()})
				sum += u.GetParticipations()
				if u.GetUnitName() == "" {
					t.Errorf("unit %s has no name", u.GetUnitId())
				}
			}
			if d.GetTotals().GetParticipations() != tt.total || sum != tt.total || fmt.Sprint(got) != fmt.Sprint(tt.units) {
				t.Fatalf("total %d, units %v (sum %d); want %d, %v", d.GetTotals().GetParticipations(), got, sum, tt.total, tt.units)
			}
		})
	}
}
