package rpc_test

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/rpc"
)

func TestFromStatusKeepsTheOtherServicesAnswer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		kind errs.Kind
		msg  string
	}{
		{"a refusal", status.Error(codes.PermissionDenied, "只能导出本县的推荐活动"), errs.PermissionDenied, "只能导出本县的推荐活动"},
		{"not found", status.Error(codes.NotFound, "edition 2030 not found"), errs.NotFound, "edition 2030 not found"},
		{"bad input", status.Error(codes.InvalidArgument, "edition_id: value is required"), errs.Invalid, "edition_id: value is required"},
		{"overloaded", status.Error(codes.ResourceExhausted, "busy"), errs.Exhausted, "busy"},
		{"the service is down", status.Error(codes.Unavailable, "connection refused"), errs.Unavailable, "connection refused"},
		{"a deadline", status.Error(codes.DeadlineExceeded, "deadline exceeded"), errs.Unavailable, "deadline exceeded"},
		{"not a status at all", errors.New("dial tcp: refused"), errs.Unavailable, "export the featured list: another service did not answer; try again shortly"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := rpc.FromStatus(tc.err, "export the featured list")
			if errs.KindOf(got) != tc.kind || errs.Message(got) != tc.msg || rpc.Code(got) == codes.Unknown {
				t.Fatalf("FromStatus = %v (%v, %q)", got, errs.KindOf(got), errs.Message(got))
			}
		})
	}
	if rpc.FromStatus(nil, "x") != nil {
		t.Fatal("no error must stay no error")
	}
}

// TestFromStatusKeepsTheReason: a refusal passed on from another service keeps its reason, its
// arguments, its Chinese message and its field problems, so the person sees what that service said.
func TestFromStatusKeepsTheReason(t *testing.T) {
	t.Parallel()
	refusal := errs.Reason{Code: "TEST_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "only county {county}", Chinese: "只能查看本县（{county}）的数据"}
	e := refusal.New("county", "140105")
	e.Fields = []errs.FieldProblem{{Field: "county_code", Rule: "string.pattern", English: "bad", Chinese: "县（市、区）：格式不对"}}
	got := rpc.FromStatus(rpc.Status(e).Err(), "list units")
	if !errs.Is(got, refusal) || errs.KindOf(got) != errs.PermissionDenied || errs.ArgsOf(got)["county"] != "140105" ||
		errs.Chinese(got) != "只能查看本县（140105）的数据" || errs.Message(got) != "only county 140105" ||
		len(errs.FieldsOf(got)) != 1 || errs.FieldsOf(got)[0].Chinese != "县（市、区）：格式不对" {
		t.Fatalf("passed on as %v: %s %v %q %+v", got, errs.ReasonOf(got), errs.ArgsOf(got), errs.Chinese(got), errs.FieldsOf(got))
	}
	// A status without details (an old service, a proxy) still reads as Chinese for people.
	plain := rpc.FromStatus(status.Error(codes.NotFound, "edition 2030 not found"), "get edition")
	if errs.ReasonOf(plain) != "NOT_FOUND" || !errs.IsChinese(errs.Chinese(plain)) {
		t.Fatalf("plain status: %s %q", errs.ReasonOf(plain), errs.Chinese(plain))
	}
}

func TestForwardCredentialSendsTheCallersToken(t *testing.T) {
	t.Parallel()
	in := metadata.NewIncomingContext(context.Background(), metadata.Pairs("authorization", "Bearer abc"))
	md, _ := metadata.FromOutgoingContext(rpc.ForwardCredential(in))
	if got := md.Get("authorization"); len(got) != 1 || got[0] != "Bearer abc" {
		t.Fatalf("forwarded %v", got)
	}
	md, _ = metadata.FromOutgoingContext(rpc.ForwardCredential(context.Background()))
	if len(md.Get("authorization")) != 0 {
		t.Fatal("a call with no credential must forward none")
	}
}
