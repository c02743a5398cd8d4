package rpc

import (
	"testing"

	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/errs"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
)

// TestViolationsBecomeChineseFieldMessages: a request that breaks its contract is refused with
// the field's label and the rule in Chinese, the rule id and the field path for programs, and
// protovalidate's English for API clients.
func TestViolationsBecomeChineseFieldMessages(t *testing.T) {
	t.Parallel()
	v, err := protovalidate.New()
	if err != nil {
		t.Fatal(err)
	}
	now := timestamppb.Now()
	tests := []struct {
		name    string
		req     proto.Message
		field   string
		rule    string
		chinese string
	}{
		{"an enum left unset", &reportingv1.QueryParticipationsRequest{EditionId: "2024"},
			"group_by", "enum.not_in", "统计方式：请选择一项"},
		{"a pattern", &reportingv1.QueryParticipationsRequest{EditionId: "2024", GroupBy: reportingv1.Dimension(1), CountyCode: "小店区"},
			"county_code", "string.pattern", "县（市、区）：格式不对，应为六位数字的行政区划代码，如 140105"},
		{"a label of its own message", &venuev1.ProvisionTerminalRequest{VenueId: "00000000-0000-0000-0000-000000000001", Name: string(make([]byte, 200))},
			"name", "string.max_len", "终端名称：最多 100 个字"},
		{"not a UUID", &registrationv1.GetActivityRequest{ActivityId: "42"},
			"activity_id", "string.uuid", "活动：不是有效的编号"},
		{"a range", &checkinv1.WalkIn{Headcount: 0, Category: checkinv1.ParticipantCategory(1)},
			"headcount", "uint32.gte_lte", "人数：应在 1 至 1000 之间"},
		{"a custom rule inside a list", &registrationv1.CreateActivityRequest{EditionId: "2024", Details: &registrationv1.ActivityDetails{
			Title: "科普讲座", Form: registrationv1.ActivityForm(1), TargetGroups: []registrationv1.TargetGroup{1},
			Sessions: []*registrationv1.Session{{StartsAt: now, EndsAt: now}}}},
			"details.sessions[0]", "session.ends_after_start", "场次：场次的结束时间应晚于开始时间"},
		{"a oneof", &checkinv1.RecordCheckinRequest{Record: &checkinv1.CheckinRecord{Sequence: 1, OccurredAt: now, VenueId: "00000000-0000-0000-0000-000000000001"}},
			"record.kind", "required", "签到方式（票、散客、团体或离场）：必须填写"},
		{"a file too large", &venuev1.ImportVenuesRequest{FileName: "场馆.xlsx", Content: make([]byte, 8<<20+1)},
			"content", "bytes.max_len", "文件：不能超过 8 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := validateRequest(v, tt.req)
			if errs.KindOf(err) != errs.Invalid || !errs.Is(err, ErrRequestInvalid) {
				t.Fatalf("validate = %v (%v)", err, errs.KindOf(err))
			}
			fields := errs.FieldsOf(err)
			for _, f := range fields {
				if f.Field == tt.field {
					if f.Rule != tt.rule || f.Chinese != tt.chinese || f.English == "" {
						t.Fatalf("%s: %+v, want rule %s and %q", tt.field, f, tt.rule, tt.chinese)
					}
					if got := errs.Chinese(err); got == "" || !errs.IsChinese(got) {
						t.Fatalf("the error's Chinese message %q", got)
					}
					return
				}
			}
			t.Fatalf("no problem of %s among %+v", tt.field, fields)
		})
	}
}

// TestKnownGoodShortcut: a message's quick check that answers true is trusted (which is why a
// service must fuzz it against protovalidate); false, or no check for the message, leaves the
// verdict and its wording to protovalidate.
func TestKnownGoodShortcut(t *testing.T) {
	t.Parallel()
	rules, err := protovalidate.New()
	if err != nil {
		t.Fatal(err)
	}
	bad := &checkinv1.RecordCheckinRequest{} // record is required
	name := bad.ProtoReflect().Descriptor().FullName()
	tests := []struct {
		name    string
		good    KnownGood
		refused bool
	}{
		{"no quick checks", nil, true},
		{"a check that is not sure", KnownGood{name: func(proto.Message) bool { return false }}, true},
		{"a check for another message", KnownGood{"sciweek.checkin.v1.UploadCheckinsRequest": func(proto.Message) bool { return true }}, true},
		{"a check that vouches for the request", KnownGood{name: func(proto.Message) bool { return true }}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := validateRequest(knownGoodValidator{rules: rules, good: tt.good}, bad)
			if refused := err != nil; refused != tt.refused {
				t.Fatalf("refused = %v (%v), want %v", refused, err, tt.refused)
			}
			if tt.refused && errs.ReasonOf(err) != ErrRequestInvalid.Code {
				t.Fatalf("refused with %v, want protovalidate's %s", err, ErrRequestInvalid.Code)
			}
		})
	}
}
