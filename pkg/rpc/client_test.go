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
		{"not a status at all", errors.New("dial tcp: refused"), errs.Unavailable, "export the featured list"},
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
