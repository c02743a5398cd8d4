package registration_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/ticket"
)

// liveActivity opens an edition that runs from today and an approved activity in it that takes
// sign-ups, with one session of the given places tomorrow.
func (f *fixture) liveActivity(places uint32) (*registrationv1.Activity, string) {
	f.t.Helper()
	ctx := context.Background()
	now := time.Now().In(taiyuan)
	_, err := f.editions.CreateEdition(ctx, &registrationv1.CreateEditionRequest{Edition: &registrationv1.Edition{
		Id: "live", Name: "演示活动周", StartsOn: now.Format(time.DateOnly), EndsOn: now.AddDate(0, 0, 7).Format(time.DateOnly),
		ReportDeadline: now.AddDate(0, 0, 14).Format(time.DateOnly), MaxVideoSeconds: 180, TimeZone: "Asia/Shanghai",
		Counties: []*registrationv1.County{{Code: "140105", Name: "小店区"}, {Code: "140106", Name: "迎泽区"}},
	}}, f.city)
	if err != nil && status.Code(err) != codes.AlreadyExists {
		f.t.Fatal(err)
	}
	unit := f.unit("140105", fmt.Sprintf("科技馆%d", time.Now().UnixNano()))
	start := time.Date(now.Year(), now.Month(), now.Day()+1, 9, 0, 0, 0, taiyuan)
	d := details(f.xiaodianV, &registrationv1.Session{StartsAt: timestamppb.New(start), EndsAt: timestamppb.New(start.Add(2 * time.Hour)), Places: places})
	d.RequiresSignup = true
	resp, err := f.activities.CreateActivity(ctx, &registrationv1.CreateActivityRequest{EditionId: "live", UnitId: unit.GetId(), Details: d}, f.city)
	if err != nil {
		f.t.Fatal(err)
	}
	f.approve(resp.GetActivity().GetId())
	return resp.GetActivity(), resp.GetActivity().GetDetails().GetSessions()[0].GetId()
}

func (f *fixture) signUp(activity, session, phone string) (*registrationv1.SignUpResponse, error) {
	return f.signups.SignUp(context.Background(), &registrationv1.SignUpRequest{ActivityId: activity, SessionId: session, Name: "李明",
		Phone: phone, AgeGroup: registrationv1.AgeGroup_AGE_GROUP_MINOR})
}

func TestConcurrentSignupsNeverOversell(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	a, session := f.liveActivity(50)
	var (
		mu        sync.Mutex
		confirmed []*registrationv1.SignUpResponse
		waiting   = map[uint32]bool{}
		wg        sync.WaitGroup
		failures  []error
	)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := f.signUp(a.GetId(), session, fmt.Sprintf("139%08d", i))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				failures = append(failures, err)
			case resp.GetSignup().GetStatus() == registrationv1.SignupStatus_SIGNUP_STATUS_CONFIRMED:
				confirmed = append(confirmed, resp)
			default:
				waiting[resp.GetSignup().GetWaitingPosition()] = true
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d sign-ups failed, first: %v", len(failures), failures[0])
	}
	if len(confirmed) != 50 || len(waiting) != 150 {
		t.Fatalf("%d confirmed and %d distinct waiting positions, want 50 and 150", len(confirmed), len(waiting))
	}
	for pos := uint32(1); pos <= 150; pos++ {
		if !waiting[pos] {
			t.Fatalf("waiting position %d was not given", pos)
		}
	}
	got, err := f.signups.GetPublicActivity(ctx, &registrationv1.GetPublicActivityRequest{ActivityId: a.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	s := got.GetActivity().GetDetails().GetSessions()[0]
	if s.GetConfirmed() != 50 || s.GetWaiting() != 150 {
		t.Fatalf("session counts %d confirmed, %d waiting", s.GetConfirmed(), s.GetWaiting())
	}
	issued := events(t, f.js, "sciweek.registration.ticket.issued", func() *registrationv1.TicketIssued { return &registrationv1.TicketIssued{} }, 50)
	if issued[0].GetVenueId() != f.xiaodianV || issued[0].GetCountyCode() != "140105" || !strings.HasPrefix(issued[0].GetPayload(), ticket.Prefix) {
		t.Fatalf("TicketIssued = %v", issued[0])
	}

	// A confirmed person cancels: the first on the waiting list gets the place and a ticket.
	c := confirmed[0]
	cancel, err := f.signups.CancelSignup(ctx, &registrationv1.CancelSignupRequest{SignupId: c.GetSignup().GetId(), ManageCode: c.GetManageCode()})
	if err != nil {
		t.Fatal(err)
	}
	if cancel.GetPromotedSignupId() == "" || cancel.GetSignup().GetStatus() != registrationv1.SignupStatus_SIGNUP_STATUS_CANCELLED {
		t.Fatalf("cancel = %v", cancel)
	}
	list, err := f.signups.ListSignups(ctx, &registrationv1.ListSignupsRequest{ActivityId: a.GetId()}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[registrationv1.SignupStatus]int{}
	for _, s := range list.GetSignups() {
		counts[s.GetStatus()]++
		if s.GetId() == cancel.GetPromotedSignupId() && s.GetStatus() != registrationv1.SignupStatus_SIGNUP_STATUS_CONFIRMED {
			t.Fatalf("promoted sign-up is %v", s.GetStatus())
		}
		if s.GetStatus() == registrationv1.SignupStatus_SIGNUP_STATUS_WAITING && s.GetWaitingPosition() == 150 {
			t.Fatal("waiting positions did not move up after a promotion")
		}
		if s.GetTicket() != nil || !strings.Contains(s.GetPhoneMasked(), "****") || len(s.GetPhoneMasked()) != 11 {
			t.Fatalf("a list shows %q and a ticket %v; lists show masked phones and no tickets", s.GetPhoneMasked(), s.GetTicket())
		}
	}
	if counts[registrationv1.SignupStatus_SIGNUP_STATUS_CONFIRMED] != 50 || counts[registrationv1.SignupStatus_SIGNUP_STATUS_WAITING] != 149 ||
		counts[registrationv1.SignupStatus_SIGNUP_STATUS_CANCELLED] != 1 {
		t.Fatalf("after the cancellation: %v", counts)
	}
	revoked := events(t, f.js, "sciweek.registration.ticket.revoked", func() *registrationv1.TicketRevoked { return &registrationv1.TicketRevoked{} }, 1)
	if revoked[0].GetTicketId() != c.GetSignup().GetTicket().GetId() || revoked[0].GetReason() != "signup_cancelled" {
		t.Fatalf("TicketRevoked = %v", revoked[0])
	}
	events(t, f.js, "sciweek.registration.ticket.issued", func() *registrationv1.TicketIssued { return &registrationv1.TicketIssued{} }, 51)
}

func TestSignupRulesAndTickets(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	a, session := f.liveActivity(2)
	first, err := f.signUp(a.GetId(), session, "13812341234")
	if err != nil {
		t.Fatal(err)
	}
	tk := first.GetSignup().GetTicket()
	if tk.GetPayload() == "" || first.GetSignup().GetPhoneMasked() != "1**********" || first.GetManageCode() == "" ||
		tk.GetShortCode() != ticket.ShortCode(uuid.MustParse(tk.GetId())) {
		t.Fatalf("sign-up = %v", first)
	}

	// The ticket verifies offline with the edition's public key, and a tampered one does not.
	keys, err := f.signups.GetTicketKeys(ctx, &registrationv1.GetTicketKeysRequest{EditionId: "live"})
	if err != nil {
		t.Fatal(err)
	}
	resolve := func(edition string) (ed25519.PublicKey, bool) { return keys.GetEd25519PublicKey(), edition == "live" }
	got, err := ticket.Verify(tk.GetPayload(), resolve)
	if err != nil || got.TicketID.String() != tk.GetId() || got.ActivityID.String() != a.GetId() || got.SessionID.String() != session ||
		got.EditionID != "live" || !got.ValidFrom.Equal(tk.GetValidFrom().AsTime()) || !got.ValidUntil.Equal(tk.GetValidUntil().AsTime()) {
		t.Fatalf("verified ticket %+v (%v) does not match %v", got, err, tk)
	}
	p := []byte(tk.GetPayload())
	i := len(ticket.Prefix) + 40
	p[i] = map[bool]byte{true: 'B', false: 'A'}[p[i] == 'A']
	if _, err := ticket.Verify(string(p), resolve); err != ticket.ErrBadSignature {
		t.Fatalf("tampered ticket: %v, want %v", err, ticket.ErrBadSignature)
	}

	past := f.mustCreate(f.city, f.unit("140105", "往年单位").GetId(), func() *registrationv1.ActivityDetails {
		d := details(f.xiaodianV)
		d.RequiresSignup = true
		return d
	}())
	f.approve(past.GetId())
	noSignup := f.mustCreate(f.city, f.unit("140105", "无需报名单位").GetId(), details(f.xiaodianV))
	f.approve(noSignup.GetId())
	draft := f.mustCreate(f.city, f.unit("140105", "草稿单位").GetId(), details(f.xiaodianV))
	tests := []struct {
		name     string
		activity string
		session  string
		phone    string
		code     codes.Code
		msg      string
	}{
		{"the same phone again", a.GetId(), session, "138 1234 1234", codes.AlreadyExists, "one phone number signs up once per session"},
		{"a phone that is not a mobile number", a.GetId(), session, "02112345678", codes.InvalidArgument, "11-digit mobile number"},
		{"a session of another activity", a.GetId(), past.GetDetails().GetSessions()[0].GetId(), "13900000001", codes.NotFound, "not a session of this activity"},
		{"a session that is over", past.GetId(), past.GetDetails().GetSessions()[0].GetId(), "13900000002", codes.FailedPrecondition, "over"},
		{"an activity without sign-up", noSignup.GetId(), noSignup.GetDetails().GetSessions()[0].GetId(), "13900000003", codes.FailedPrecondition, "no sign-up"},
		{"an activity not approved", draft.GetId(), draft.GetDetails().GetSessions()[0].GetId(), "13900000004", codes.NotFound, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.signUp(tt.activity, tt.session, tt.phone)
			wantCode(t, err, tt.code, tt.msg)
		})
	}

	// The manage code guards the sign-up.
	_, err = f.signups.GetSignup(ctx, &registrationv1.GetSignupRequest{SignupId: first.GetSignup().GetId(), ManageCode: "WRONGCODE"})
	wantCode(t, err, codes.PermissionDenied, "manage code")
	mine, err := f.signups.GetSignup(ctx, &registrationv1.GetSignupRequest{SignupId: first.GetSignup().GetId(), ManageCode: first.GetManageCode()})
	if err != nil || mine.GetSignup().GetTicket().GetPayload() != tk.GetPayload() {
		t.Fatalf("own sign-up: %v %v", mine, err)
	}
	if _, err := f.signups.CancelSignup(ctx, &registrationv1.CancelSignupRequest{SignupId: first.GetSignup().GetId(), ManageCode: first.GetManageCode()}); err != nil {
		t.Fatal(err)
	}
	_, err = f.signups.CancelSignup(ctx, &registrationv1.CancelSignupRequest{SignupId: first.GetSignup().GetId(), ManageCode: first.GetManageCode()})
	wantCode(t, err, codes.FailedPrecondition, "cancelled already")
	// A cancelled phone may sign up again.
	if _, err := f.signUp(a.GetId(), session, "13812341234"); err != nil {
		t.Fatalf("signing up again after cancelling: %v", err)
	}

	// Cancelling the activity revokes every ticket.
	second, err := f.signUp(a.GetId(), session, "13700000000")
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.activities.CancelActivity(ctx, &registrationv1.CancelActivityRequest{ActivityId: a.GetId(), Reason: "场馆检修"}, f.city)
	if err != nil || c.GetRevokedTickets() != 2 {
		t.Fatalf("cancel activity: %v revoked, %v", c.GetRevokedTickets(), err)
	}
	after, err := f.signups.GetSignup(ctx, &registrationv1.GetSignupRequest{SignupId: second.GetSignup().GetId(), ManageCode: second.GetManageCode()})
	if err != nil || after.GetSignup().GetStatus() != registrationv1.SignupStatus_SIGNUP_STATUS_CANCELLED || after.GetSignup().GetTicket() != nil {
		t.Fatalf("a sign-up of a cancelled activity: %v %v", after, err)
	}

	// The organizer's export shows masked phones only.
	exp, err := f.signups.ExportSignups(ctx, &registrationv1.ExportSignupsRequest{ActivityId: a.GetId()}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(strings.NewReader(string(exp.GetFile().GetContent())))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("报名名单")
	if len(rows) != 4 || rows[0][3] != "手机号" {
		t.Fatalf("export rows = %v", rows)
	}
	for _, r := range rows[1:] {
		if !strings.Contains(r[3], "****") {
			t.Fatalf("export shows phone %q unmasked", r[3])
		}
	}
}
