package registration_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
)

// TestPublicListFilters checks the public list's filters by county, form, target group and day
// (the public calendar and the shareable filtered list ask for these), alone and together. A
// session that runs past midnight belongs to both days it touches; drafts never show.
func TestPublicListFilters(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	xiaodian, yingze := f.unit("140105", "小店区科技馆"), f.unit("140106", "迎泽区科协")
	approved := func(u *registrationv1.Unit, venue string, form registrationv1.ActivityForm, groups []registrationv1.TargetGroup,
		s *registrationv1.Session) string {
		d := details(venue, s)
		d.Form, d.TargetGroups = form, groups
		a := f.mustCreate(f.city, u.GetId(), d)
		f.approve(a.GetId())
		return a.GetId()
	}
	youth := []registrationv1.TargetGroup{registrationv1.TargetGroup_TARGET_GROUP_YOUTH}
	openDay := approved(xiaodian, f.xiaodianV, registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY, youth, session(26, 9, 50))
	// 23:00 on the 27th to 01:00 on the 28th.
	lateTalk := approved(yingze, f.yingzeV, registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE,
		[]registrationv1.TargetGroup{registrationv1.TargetGroup_TARGET_GROUP_COMMUNITY}, session(27, 23, 0))
	schoolTalk := approved(xiaodian, f.xiaodianV, registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE,
		[]registrationv1.TargetGroup{registrationv1.TargetGroup_TARGET_GROUP_YOUTH, registrationv1.TargetGroup_TARGET_GROUP_SCHOOL}, session(28, 9, 30))
	f.mustCreate(f.city, xiaodian.GetId(), details(f.xiaodianV, session(26, 14, 10))) // a draft

	for _, tc := range []struct {
		name string
		req  *registrationv1.ListPublicActivitiesRequest
		want []string
		code codes.Code
	}{
		{"no filter", &registrationv1.ListPublicActivitiesRequest{}, []string{openDay, lateTalk, schoolTalk}, codes.OK},
		{"county", &registrationv1.ListPublicActivitiesRequest{CountyCode: "140105"}, []string{openDay, schoolTalk}, codes.OK},
		{"form", &registrationv1.ListPublicActivitiesRequest{Form: registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE}, []string{lateTalk, schoolTalk}, codes.OK},
		{"target group", &registrationv1.ListPublicActivitiesRequest{TargetGroup: registrationv1.TargetGroup_TARGET_GROUP_SCHOOL}, []string{schoolTalk}, codes.OK},
		{"day", &registrationv1.ListPublicActivitiesRequest{Day: "2024-05-26"}, []string{openDay}, codes.OK},
		{"day a late session runs into", &registrationv1.ListPublicActivitiesRequest{Day: "2024-05-28"}, []string{lateTalk, schoolTalk}, codes.OK},
		{"day without activities", &registrationv1.ListPublicActivitiesRequest{Day: "2024-05-30"}, nil, codes.OK},
		{"day and county", &registrationv1.ListPublicActivitiesRequest{Day: "2024-05-28", CountyCode: "140106"}, []string{lateTalk}, codes.OK},
		{"all four", &registrationv1.ListPublicActivitiesRequest{Day: "2024-05-28", CountyCode: "140105",
			Form: registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE, TargetGroup: registrationv1.TargetGroup_TARGET_GROUP_YOUTH}, []string{schoolTalk}, codes.OK},
		{"no such date", &registrationv1.ListPublicActivitiesRequest{Day: "2024-02-30"}, nil, codes.InvalidArgument},
		{"not a date", &registrationv1.ListPublicActivitiesRequest{Day: "26 May"}, nil, codes.InvalidArgument},
		{"unknown form", &registrationv1.ListPublicActivitiesRequest{Form: 99}, nil, codes.InvalidArgument},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.EditionId = "2024"
			resp, err := f.signups.ListPublicActivities(ctx, tc.req)
			if status.Code(err) != tc.code {
				t.Fatalf("got %v, want %v", err, tc.code)
			}
			var got []string
			for _, a := range resp.GetActivities() {
				got = append(got, a.GetId())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v (by first session)", got, tc.want)
			}
		})
	}

	// The poster and the share card name the place.
	a, err := f.signups.GetPublicActivity(ctx, &registrationv1.GetPublicActivityRequest{ActivityId: openDay})
	if err != nil || a.GetActivity().GetVenueName() != "太原市科技馆" || a.GetActivity().GetEditionId() != "2024" {
		t.Errorf("GetPublicActivity: venue %q, edition %q, %v; want 太原市科技馆 in 2024", a.GetActivity().GetVenueName(), a.GetActivity().GetEditionId(), err)
	}
}

// TestFindSignupByPhoneAndCode checks "my sign-ups": the phone number (as people type it) and the
// manage code find the sign-up with its ticket; a wrong code, or the right code with another
// number, get the same NotFound, so the call tells nobody whether a number signed up.
func TestFindSignupByPhoneAndCode(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	a, sessionID := f.liveActivity(5)
	mine, err := f.signUp(a.GetId(), sessionID, "13800138000")
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.signUp(a.GetId(), sessionID, "13900139000")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, phone, code string
		want              string
		status            codes.Code
	}{
		{"phone and code", "13800138000", mine.GetManageCode(), mine.GetSignup().GetId(), codes.OK},
		{"phone typed with +86 and dashes", "+86 138-0013-8000", mine.GetManageCode(), mine.GetSignup().GetId(), codes.OK},
		{"the other person's code", "13800138000", other.GetManageCode(), "", codes.NotFound},
		{"a number that never signed up", "13700137000", mine.GetManageCode(), "", codes.NotFound},
		{"a wrong code", "13800138000", "WRONGCODE", "", codes.NotFound},
		{"not a mobile number", "12345678901", mine.GetManageCode(), "", codes.InvalidArgument},
		{"no code", "13800138000", "", "", codes.InvalidArgument},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := f.signups.FindSignup(ctx, &registrationv1.FindSignupRequest{Phone: tc.phone, ManageCode: tc.code})
			if status.Code(err) != tc.status {
				t.Fatalf("got %v, want %v", err, tc.status)
			}
			if tc.status != codes.OK {
				return
			}
			su := resp.GetSignup()
			if su.GetId() != tc.want || su.GetTicket().GetPayload() == "" || strings.Contains(su.GetPhoneMasked(), "8000") {
				t.Errorf("got %v, want sign-up %s with its ticket and the phone hidden", su, tc.want)
			}
		})
	}
}
