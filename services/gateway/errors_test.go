package gateway

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/rpc"
)

var testClosed = errs.Reason{Code: "TEST_GATEWAY_CLOSED", Kind: errs.FailedPrecondition,
	English: "edition {edition} is closed", Chinese: "{edition} 活动周已结束"}

// TestErrorsCarryReasonArgumentsAndChinese: every failed request answers with the gRPC code, the
// English message for API clients, and the reason, its arguments and the Chinese message for the
// console, whether the error came from a service or from the gateway itself.
func TestErrorsCarryReasonArgumentsAndChinese(t *testing.T) {
	t.Parallel()
	overloaded := errs.General(errs.Exhausted).New()
	overloaded.RetryAfter = 1500 * time.Millisecond
	invalid := &errs.Error{Kind: errs.Invalid, Reason: rpc.ErrRequestInvalid.Code, Msg: "title: too short", Chinese: "活动名称：至少 2 个字",
		Fields: []errs.FieldProblem{{Field: "details.title", Rule: "string.min_len", English: "too short", Chinese: "活动名称：至少 2 个字"}}}
	for _, tc := range []struct {
		name                     string
		err                      error
		status                   int
		code                     codes.Code
		message, reason, chinese string
		args                     map[string]string
		retryAfter               string
		field                    string
	}{
		{"a service's refusal", rpc.Status(testClosed.New("edition", "2024")).Err(), 400, codes.FailedPrecondition,
			"edition 2024 is closed", "TEST_GATEWAY_CLOSED", "2024 活动周已结束", map[string]string{"edition": "2024"}, "", ""},
		{"the gateway's own refusal", ErrUploadTooLarge.New(), 400, codes.InvalidArgument,
			ErrUploadTooLarge.English, "UPLOAD_TOO_LARGE", ErrUploadTooLarge.Chinese, map[string]string{}, "", ""},
		{"a status without details (grpc-gateway's own)", status.Error(codes.InvalidArgument, "proto: syntax error (line 1:2)"), 400, codes.InvalidArgument,
			"proto: syntax error (line 1:2)", "INVALID_ARGUMENT", errs.General(errs.Invalid).Chinese, map[string]string{}, "", ""},
		{"a retry hint", rpc.Status(overloaded).Err(), 429, codes.ResourceExhausted,
			errs.General(errs.Exhausted).English, "RESOURCE_EXHAUSTED", errs.General(errs.Exhausted).Chinese, map[string]string{}, "2", ""},
		{"field problems", rpc.Status(invalid).Err(), 400, codes.InvalidArgument,
			"title: too short", "REQUEST_FIELD_INVALID", "活动名称：至少 2 个字", map[string]string{}, "", "details.title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			writeError(rec, tc.err)
			var body apiError
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tc.status || body.Code != int(tc.code) || body.Message != tc.message || body.Reason != tc.reason ||
				body.LocalizedMessage.Message != tc.chinese || body.LocalizedMessage.Locale != "zh-CN" || len(body.Args) != len(tc.args) {
				t.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
			for k, v := range tc.args {
				if body.Args[k] != v {
					t.Fatalf("args %v", body.Args)
				}
			}
			if got := rec.Header().Get("Retry-After"); got != tc.retryAfter {
				t.Fatalf("Retry-After %q", got)
			}
			if tc.field != "" && (len(body.Fields) != 1 || body.Fields[0].Field != tc.field || body.Fields[0].Message == "") {
				t.Fatalf("fields %+v", body.Fields)
			}
			if len(body.Details) < 2 && tc.reason != "INVALID_ARGUMENT" {
				t.Fatalf("details %s", body.Details)
			}
			if rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatal(rec.Header())
			}
		})
	}
}
