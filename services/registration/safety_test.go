package registration_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// TestMajorActivityNeedsItsSafetyPlan (#15 item 8): the county cannot approve a major
// demonstration activity (重大示范活动) without a complete safety plan, and is told in Chinese
// what is missing; with the plan it approves; an ordinary activity needs none; the public never
// sees the plan's person and phone.
func TestMajorActivityNeedsItsSafetyPlan(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	lab := f.unit("140105", "山西省科技馆")
	organizer := f.organizer(lab)
	county := f.as(testkit.CountyAdmin("140105"))
	plan := &registrationv1.SafetyPlan{Person: "张安全", Phone: "0351-4222068", CapacityControl: "按安全容量分时段入场，满员即停止入场",
		EvacuationRoute: "东门、西门两条疏散通道", MedicalPoint: "一层服务台旁医疗点", EmergencyPlan: "发生险情时由安全负责人统一指挥疏散并报警。"}
	submit := func(d *registrationv1.ActivityDetails) string {
		t.Helper()
		a := f.mustCreate(organizer, "", d)
		if _, err := f.activities.SubmitActivity(ctx, &registrationv1.SubmitActivityRequest{ActivityId: a.GetId()}, organizer); err != nil {
			t.Fatal(err)
		}
		return a.GetId()
	}
	approve := func(id string) error {
		_, err := f.activities.ApproveActivity(ctx, &registrationv1.ApproveActivityRequest{ActivityId: id}, county)
		return err
	}
	major := func(p *registrationv1.SafetyPlan) *registrationv1.ActivityDetails {
		d := details(f.xiaodianV)
		d.MajorDemonstration, d.SafetyPlan = true, p
		return d
	}

	// Without a plan, and with half a plan, the approval is refused and names what is missing.
	bare := submit(major(nil))
	wantCode(t, approve(bare), codes.FailedPrecondition, "safety plan")
	half := submit(major(&registrationv1.SafetyPlan{Person: "张安全", Phone: "13812345678"}))
	wantCode(t, approve(half), codes.FailedPrecondition, "capacity_control, evacuation_route, medical_point, emergency_plan")
	// The organizer completes the plan after the county returns it; then it is approved.
	if _, err := f.activities.ReturnActivity(ctx, &registrationv1.ReturnActivityRequest{ActivityId: bare, Reason: "请补充安全预案"}, county); err != nil {
		t.Fatal(err)
	}
	if _, err := f.activities.UpdateActivity(ctx, &registrationv1.UpdateActivityRequest{ActivityId: bare, Details: major(plan)}, organizer); err != nil {
		t.Fatal(err)
	}
	if _, err := f.activities.SubmitActivity(ctx, &registrationv1.SubmitActivityRequest{ActivityId: bare}, organizer); err != nil {
		t.Fatal(err)
	}
	if err := approve(bare); err != nil {
		t.Fatalf("a major activity with its plan: %v", err)
	}
	got, err := f.activities.GetActivity(ctx, &registrationv1.GetActivityRequest{ActivityId: bare}, county)
	if err != nil || got.GetActivity().GetDetails().GetSafetyPlan().GetEvacuationRoute() != plan.GetEvacuationRoute() {
		t.Fatalf("the county reads the plan: %v %v", got, err)
	}
	pub, err := f.signups.GetPublicActivity(ctx, &registrationv1.GetPublicActivityRequest{ActivityId: bare})
	if err != nil || pub.GetActivity().GetDetails().GetSafetyPlan() != nil {
		t.Fatalf("the public reads: %v %v", pub, err)
	}
	// An ordinary activity needs no plan.
	if err := approve(submit(details(f.xiaodianV))); err != nil {
		t.Fatalf("an ordinary activity: %v", err)
	}
	// A plan's phone is checked like any phone.
	_, err = f.create(organizer, "", major(&registrationv1.SafetyPlan{Phone: "12345"}))
	wantCode(t, err, codes.InvalidArgument, "phone")
}
