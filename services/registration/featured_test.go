package registration_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"github.com/sciweek/sciweek/pkg/bus"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
)

func TestFeaturedNominationDecisionAndExport(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	xiaodian, yingze := f.as(testkit.CountyAdmin("140105")), f.as(testkit.CountyAdmin("140106"))
	lab := f.unit("140105", "量子光学实验室")
	organizer := f.organizer(lab)
	good := f.mustCreate(organizer, "", details(f.xiaodianV))
	f.approve(good.GetId())
	other := f.mustCreate(organizer, "", details(f.xiaodianV))
	f.approve(other.GetId())
	draft := f.mustCreate(organizer, "", details(f.xiaodianV))
	rec := "国家重点实验室首次向中小学生开放，体验感强。"
	tests := []struct {
		name string
		call func() error
		code codes.Code
		msg  string
	}{
		{"a draft", func() error {
			_, err := f.featured.NominateActivity(ctx, &registrationv1.NominateActivityRequest{ActivityId: draft.GetId(), Recommendation: rec}, xiaodian)
			return err
		}, codes.FailedPrecondition, "only approved"},
		{"another county's activity", func() error {
			_, err := f.featured.NominateActivity(ctx, &registrationv1.NominateActivityRequest{ActivityId: good.GetId(), Recommendation: rec}, yingze)
			return err
		}, codes.NotFound, "not found"},
		{"by the organizer", func() error {
			_, err := f.featured.NominateActivity(ctx, &registrationv1.NominateActivityRequest{ActivityId: good.GetId(), Recommendation: rec}, organizer)
			return err
		}, codes.PermissionDenied, "may not call"},
		{"decided by a county", func() error {
			_, err := f.featured.DecideNomination(ctx, &registrationv1.DecideNominationRequest{ActivityId: good.GetId(), Accept: true}, xiaodian)
			return err
		}, codes.PermissionDenied, "may not call"},
		{"declined without a note", func() error {
			if _, err := f.featured.NominateActivity(ctx, &registrationv1.NominateActivityRequest{ActivityId: other.GetId(), Recommendation: rec}, xiaodian); err != nil {
				return err
			}
			_, err := f.featured.DecideNomination(ctx, &registrationv1.DecideNominationRequest{ActivityId: other.GetId(), Accept: false}, f.city)
			return err
		}, codes.InvalidArgument, "why"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, tt.call(), tt.code, tt.msg)
		})
	}
	if _, err := f.featured.NominateActivity(ctx, &registrationv1.NominateActivityRequest{ActivityId: good.GetId(), Recommendation: rec}, xiaodian); err != nil {
		t.Fatal(err)
	}
	_, err := f.featured.NominateActivity(ctx, &registrationv1.NominateActivityRequest{ActivityId: good.GetId(), Recommendation: rec}, xiaodian)
	wantCode(t, err, codes.AlreadyExists, "nominated already")
	if _, err := f.featured.DecideNomination(ctx, &registrationv1.DecideNominationRequest{ActivityId: good.GetId(), Accept: true}, f.city); err != nil {
		t.Fatal(err)
	}
	if _, err := f.featured.DecideNomination(ctx, &registrationv1.DecideNominationRequest{ActivityId: other.GetId(), Accept: false, Note: "与往年重复"}, f.city); err != nil {
		t.Fatal(err)
	}
	list, err := f.featured.ListNominations(ctx, &registrationv1.ListNominationsRequest{EditionId: "2024"}, yingze)
	if err != nil || len(list.GetNominations()) != 0 {
		t.Fatalf("another county sees %v (%v)", list.GetNominations(), err)
	}
	list, err = f.featured.ListNominations(ctx, &registrationv1.ListNominationsRequest{EditionId: "2024"}, xiaodian)
	if err != nil || len(list.GetNominations()) != 2 {
		t.Fatalf("own county's nominations: %v (%v)", list.GetNominations(), err)
	}
	exp, err := f.featured.ExportFeatured(ctx, &registrationv1.ExportFeaturedRequest{EditionId: "2024"}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(exp.GetFile().GetContent()))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("特色科技活动推荐清单")
	if len(rows) != 4 || !strings.Contains(rows[0][0], "特色科技活动推荐清单") || !strings.Contains(rows[1][0], "推荐单位（盖章）") || rows[2][2] != "活动名称" {
		t.Fatalf("export rows = %v", rows)
	}
	if layout, err := x.GetPageLayout("特色科技活动推荐清单"); err != nil || *layout.Orientation != "landscape" || *layout.FitToWidth != 1 {
		t.Fatalf("page layout %+v %v", layout, err)
	}
	if row := rows[3]; row[1] != "小店区" || row[2] != good.GetDetails().GetTitle() || row[3] != "量子光学实验室" || row[5] != "太原市科技馆" ||
		row[8] != rec || row[4] != "5月26日 09:00-11:00" {
		t.Fatalf("accepted row = %q", row)
	}
	events(t, f.js, "sciweek.registration.nomination.decided", func() *registrationv1.NominationDecided { return &registrationv1.NominationDecided{} }, 2)
}

func TestEditionsAreDataTheCityMaintains(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	ed, err := f.editions.GetEdition(ctx, &registrationv1.GetEditionRequest{EditionId: "2024"}) // public
	if err != nil {
		t.Fatal(err)
	}
	e := ed.GetEdition()
	if e.GetStartsOn() != "2024-05-25" || e.GetEndsOn() != "2024-06-01" || e.GetReportDeadline() != "2024-06-10" || e.GetMaxVideoSeconds() != 180 ||
		len(e.GetCounties()) != 10 || len(e.GetTicketPublicKey()) != 32 {
		t.Fatalf("edition 2024 = %v", e)
	}
	// The notice's own contact line comes with the seeded 2024 edition.
	if c := e.GetContact(); c.GetOffice() != "市科技局国际合作办公室" || c.GetPerson() != "王宏颖" || c.GetPhone() != "4222068" || c.GetEmail() != "w251342595@163.com" {
		t.Fatalf("edition 2024 contact = %v", c)
	}
	f.mustCreate(f.city, f.unit("140105", "单位").GetId(), details(f.xiaodianV)) // a session on 26 May, in 小店区
	next := func(mod func(*registrationv1.Edition)) *registrationv1.Edition {
		n := &registrationv1.Edition{Id: "2025", Name: "2025年太原市科技活动周", Theme: "科技创新", StartsOn: "2025-05-17", EndsOn: "2025-05-24",
			ReportDeadline: "2025-06-03", MaxVideoSeconds: 120, TimeZone: "Asia/Shanghai", Counties: e.GetCounties(),
			Forms: []registrationv1.ActivityForm{registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE}}
		if mod != nil {
			mod(n)
		}
		return n
	}
	tests := []struct {
		name string
		call func() error
		code codes.Code
		msg  string
	}{
		{"end before start", func() error {
			_, err := f.editions.CreateEdition(ctx, &registrationv1.CreateEditionRequest{Edition: next(func(n *registrationv1.Edition) { n.EndsOn = "2025-05-01" })}, f.city)
			return err
		}, codes.InvalidArgument, "cannot end"},
		{"deadline before the end", func() error {
			_, err := f.editions.CreateEdition(ctx, &registrationv1.CreateEditionRequest{Edition: next(func(n *registrationv1.Edition) { n.ReportDeadline = "2025-05-20" })}, f.city)
			return err
		}, codes.InvalidArgument, "deadline"},
		{"unknown time zone", func() error {
			_, err := f.editions.CreateEdition(ctx, &registrationv1.CreateEditionRequest{Edition: next(func(n *registrationv1.Edition) { n.TimeZone = "Mars/Olympus" })}, f.city)
			return err
		}, codes.InvalidArgument, "time zone"},
		{"a contact phone that is no phone number", func() error {
			_, err := f.editions.CreateEdition(ctx, &registrationv1.CreateEditionRequest{Edition: next(func(n *registrationv1.Edition) {
				n.Contact = &registrationv1.EditionContact{Person: "王宏颖", Phone: "12345"}
			})}, f.city)
			return err
		}, codes.InvalidArgument, "phone"},
		{"a contact e-mail without a domain", func() error {
			_, err := f.editions.CreateEdition(ctx, &registrationv1.CreateEditionRequest{Edition: next(func(n *registrationv1.Edition) {
				n.Contact = &registrationv1.EditionContact{Person: "王宏颖", Email: "w251342595"}
			})}, f.city)
			return err
		}, codes.InvalidArgument, "email"},
		{"moving 2024 away from its activities", func() error {
			e2 := proto.Clone(e).(*registrationv1.Edition)
			e2.StartsOn, e2.EndsOn = "2024-05-27", "2024-06-03"
			_, err := f.editions.UpdateEdition(ctx, &registrationv1.UpdateEditionRequest{Edition: e2}, f.city)
			return err
		}, codes.FailedPrecondition, "fall outside"},
		{"dropping a county with activities", func() error {
			e2 := proto.Clone(e).(*registrationv1.Edition)
			e2.Counties = e.GetCounties()[1:]
			_, err := f.editions.UpdateEdition(ctx, &registrationv1.UpdateEditionRequest{Edition: e2}, f.city)
			return err
		}, codes.FailedPrecondition, "140105"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.call(), tt.code, tt.msg) })
	}
	created, err := f.editions.CreateEdition(ctx, &registrationv1.CreateEditionRequest{Edition: next(nil)}, f.city)
	if err != nil || len(created.GetEdition().GetTicketPublicKey()) != 32 {
		t.Fatalf("create 2025: %v %v", created, err)
	}
	_, err = f.editions.CreateEdition(ctx, &registrationv1.CreateEditionRequest{Edition: next(nil)}, f.city)
	wantCode(t, err, codes.AlreadyExists, "exists")
	// 2025 takes lectures only.
	d := details(f.xiaodianV)
	_, err = f.activities.CreateActivity(ctx, &registrationv1.CreateActivityRequest{EditionId: "2025", UnitId: f.unit("140105", "单位二").GetId(), Details: d}, f.city)
	wantCode(t, err, codes.InvalidArgument, "does not take 开放日")
	// Widening 2024 by a day keeps its activities inside: allowed. The city admin changes the
	// contact too (a mobile number this time), and the change is announced.
	e2 := proto.Clone(e).(*registrationv1.Edition)
	e2.EndsOn, e2.ReportDeadline = "2024-06-02", "2024-06-12"
	e2.Contact = &registrationv1.EditionContact{Office: "市科技局国际合作办公室", Person: "李明", Phone: "13812345678", Email: "kjz@example.cn"}
	updated, err := f.editions.UpdateEdition(ctx, &registrationv1.UpdateEditionRequest{Edition: e2}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	if c := updated.GetEdition().GetContact(); c.GetPerson() != "李明" || c.GetPhone() != "13812345678" || c.GetEmail() != "kjz@example.cn" {
		t.Fatalf("updated contact = %v", c)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		cons, err := f.js.OrderedConsumer(ctx, bus.StreamRegistration, jetstream.OrderedConsumerConfig{FilterSubjects: []string{"sciweek.registration.edition.changed"}})
		if err != nil {
			return err
		}
		batch, err := cons.FetchNoWait(1000)
		if err != nil {
			return err
		}
		for m := range batch.Messages() {
			var ev registrationv1.EditionChanged
			if proto.Unmarshal(m.Data(), &ev) == nil && ev.GetEdition().GetId() == "2024" && ev.GetEdition().GetContact().GetPerson() == "李明" {
				return nil
			}
		}
		return errors.New("no EditionChanged carries the new contact")
	})
	all, err := f.editions.ListEditions(ctx, &registrationv1.ListEditionsRequest{})
	if err != nil || len(all.GetEditions()) != 2 || all.GetEditions()[0].GetId() != "2025" || all.GetEditions()[1].GetEndsOn() != "2024-06-02" {
		t.Fatalf("editions = %v %v", all, err)
	}
}
