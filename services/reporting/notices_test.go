package reporting_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/reporting"
)

// TestRemindersReachPeople: three days before the deadline a reminder e-mail reaches, through a
// real SMTP server (Mailpit), the county and the unit that have not submitted and not the
// county that has, naming the edition's contact; each is reminded once; the notification centre shows it unread with its link
// until read; a returned report, a returned activity and a venue at its alarm level reach whom
// they concern; people without notices are refused.
func TestRemindersReachPeople(t *testing.T) {
	t.Parallel()
	mail := testkit.Mailpit(t)
	f := start(t, func(c *reporting.Config) {
		c.SMTP = reporting.SMTPConfig{Addr: mail.SMTPAddr, From: "太原市科技活动周平台 <noreply@sciweek.test>"}
	})
	w := f.week(t)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	deadline := time.Now().In(loc).AddDate(0, 0, 3).Format(time.DateOnly)
	f.edition("2024", deadline, "140105", "140106", "140107")
	f.settled(t, 59)
	xiaodian, yingze := testkit.CountyAdmin("140105"), testkit.CountyAdmin("140106")
	museum := auth.Principal{Subject: "museum-staff", Role: auth.RoleOrganizer, CountyCode: "140105", UnitID: w.museum.String()}
	notices := reportingv1.NewNoticeServiceClient(f.conn)
	ctx := context.Background()
	for p, email := range map[auth.Principal]string{xiaodian: "xiaodian@kjj.test", yingze: "yingze@kjj.test", museum: "museum@kjj.test"} {
		if _, err := notices.SetNoticeSettings(ctx, &reportingv1.SetNoticeSettingsRequest{Email: email}, f.tokens.As(t, p)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := notices.SetNoticeSettings(ctx, &reportingv1.SetNoticeSettingsRequest{Email: "不是邮箱"}, f.tokens.As(t, xiaodian)); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("a wrong address: %v", err)
	}
	if _, err := notices.ListNotices(ctx, &reportingv1.ListNoticesRequest{}, f.tokens.As(t, auth.Principal{Subject: "v", Role: auth.RoleViewer})); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("a viewer's notices: %v", err)
	}

	// 迎泽区 submits; 小店区, its museum and 杏花岭区 have not.
	testkit.Eventually(t, 10*time.Second, func() error {
		_, err := f.fill(yingze, "2024", "140106")
		return err
	})
	if _, err := f.upload(yingze, "2024", "140106", reportingv1.FileKind_FILE_KIND_SUMMARY, "总结.pdf", []byte("%PDF-1.7\n")); err != nil {
		t.Fatal(err)
	}
	reports, rctx := f.reports(yingze)
	if _, err := reports.SubmitReport(rctx, &reportingv1.SubmitReportRequest{EditionId: "2024", CountyCode: "140106"}); err != nil {
		t.Fatal(err)
	}
	due, err := f.svc.Remind(ctx)
	if err != nil || due != 5 { // 小店区, 杏花岭区, the museum, the school and the lab
		t.Fatalf("reminders due: %d, %v", due, err)
	}
	if _, err := f.svc.Remind(ctx); err != nil { // checked again: nobody is reminded twice
		t.Fatal(err)
	}
	wantTo := []string{"museum@kjj.test", "xiaodian@kjj.test"}
	var got []testkit.Mail
	testkit.Eventually(t, 20*time.Second, func() error {
		got = mail.Messages(t)
		var to []string
		for _, m := range got {
			to = append(to, m.To...)
		}
		slices.Sort(to)
		if !slices.Equal(to, wantTo) {
			return fmt.Errorf("mail went to %v, want %v", to, wantTo)
		}
		return nil
	})
	for _, m := range got {
		if !strings.Contains(m.Subject, "还有 3 天截止") {
			t.Fatalf("subject %q", m.Subject)
		}
		// It names the week's contact, carried from the edition (#15 item 7).
		if text := mail.Text(t, m.ID); !strings.Contains(text, deadline) || !strings.Contains(text, "/report") ||
			!strings.Contains(text, "联系人：市科技局国际合作办公室 王宏颖 电话 4222068 邮箱 w251342595@163.com") {
			t.Fatalf("the reminder says %q", text)
		}
	}

	// The notification centre: unread with its link, then read.
	list, err := notices.ListNotices(ctx, &reportingv1.ListNoticesRequest{}, f.tokens.As(t, xiaodian))
	if err != nil || list.GetUnread() != 1 || len(list.GetNotices()) != 1 || list.GetNotices()[0].GetLink() != "/report" ||
		list.GetNotices()[0].GetKind() != reportingv1.NoticeKind_NOTICE_KIND_DEADLINE_REMINDER {
		t.Fatalf("小店区's notices: %v %v", list, err)
	}
	if other, err := notices.ListNotices(ctx, &reportingv1.ListNoticesRequest{}, f.tokens.As(t, yingze)); err != nil || len(other.GetNotices()) != 0 {
		t.Fatalf("a county that submitted has notices: %v %v", other, err)
	}
	// Marking another audience's notice read changes nothing of theirs.
	if _, err := notices.MarkNoticesRead(ctx, &reportingv1.MarkNoticesReadRequest{NoticeIds: []string{list.GetNotices()[0].GetId()}}, f.tokens.As(t, yingze)); err != nil {
		t.Fatal(err)
	}
	read, err := notices.MarkNoticesRead(ctx, &reportingv1.MarkNoticesReadRequest{NoticeIds: []string{list.GetNotices()[0].GetId()}}, f.tokens.As(t, xiaodian))
	if err != nil || read.GetUnread() != 0 {
		t.Fatalf("marked read: %v %v", read, err)
	}

	// A returned report, a returned activity and a venue at its alarm level.
	city, cctx := f.reports(testkit.CityAdmin())
	if _, err := city.ReturnReport(cctx, &reportingv1.ReturnReportRequest{EditionId: "2024", CountyCode: "140106", Reason: "经费投入请按决算数填写"}); err != nil {
		t.Fatal(err)
	}
	f.publish("sciweek.registration.activity.returned", &registrationv1.ActivityReturned{EventId: uuid.NewString(), Reason: "请补充安全保卫方案",
		Activity: &registrationv1.Activity{Id: w.lecture.String(), EditionId: "2024", CountyCode: "140105", UnitId: w.museum.String(),
			Details: &registrationv1.ActivityDetails{Title: "科学家精神讲座"}, Status: registrationv1.ActivityStatus_ACTIVITY_STATUS_RETURNED, UpdatedAt: timestamppb.Now()}})
	f.publish("sciweek.reporting.occupancy.140105", &reportingv1.OccupancyAlarm{EventId: uuid.NewString(), PreviousLevel: reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_WARNING,
		Occupancy: &reportingv1.VenueOccupancy{VenueId: w.venueA.String(), VenueName: "山西省科学技术馆", CountyCode: "140105", Inside: 950, SafeCapacity: 1000,
			Level: reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_ALARM}})
	expect := []struct {
		who   auth.Principal
		kind  reportingv1.NoticeKind
		email string
	}{
		{yingze, reportingv1.NoticeKind_NOTICE_KIND_REPORT_RETURNED, "yingze@kjj.test"},
		{museum, reportingv1.NoticeKind_NOTICE_KIND_ACTIVITY_RETURNED, "museum@kjj.test"},
		{xiaodian, reportingv1.NoticeKind_NOTICE_KIND_VENUE_ALARM, "xiaodian@kjj.test"},
	}
	for _, e := range expect {
		testkit.Eventually(t, 20*time.Second, func() error {
			list, err := notices.ListNotices(ctx, &reportingv1.ListNoticesRequest{UnreadOnly: true}, f.tokens.As(t, e.who))
			if err != nil {
				return err
			}
			for _, n := range list.GetNotices() {
				if n.GetKind() == e.kind {
					return nil
				}
			}
			return fmt.Errorf("%s has no %v: %v", e.who.Subject, e.kind, list.GetNotices())
		})
	}
	testkit.Eventually(t, 20*time.Second, func() error {
		if n := len(mail.Messages(t)); n != 5 {
			return fmt.Errorf("%d e-mails, want the 2 reminders and 3 notices", n)
		}
		return nil
	})
}
