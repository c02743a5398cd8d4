package rpc

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/pkg/audit"
	"github.com/sciweek/sciweek/pkg/auth"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
)

type keepAuditor struct{ last audit.Entry }

func (k *keepAuditor) Append(_ context.Context, e audit.Entry) (audit.Entry, error) {
	k.last = e
	return e, nil
}

func auditGuard() (*guard, *keepAuditor) {
	a := &keepAuditor{}
	return &guard{log: slog.New(slog.NewTextHandler(io.Discard, nil)), audit: a, policy: auth.Policy{
		SelfRecorded: []string{checkinv1.CheckinService_RecordCheckin_FullMethodName, checkinv1.CheckinService_UploadCheckins_FullMethodName},
		Reads:        []string{checkinv1.CheckinService_Hello_FullMethodName, checkinv1.CheckinService_SyncTerminal_FullMethodName},
	}}, a
}

func done(context.Context, any) (any, error) {
	return &venuev1.ProvisionTerminalResponse{Terminal: &venuev1.Terminal{Id: "t-1"}, SetupCode: "secret"}, nil
}

func TestAuditNoteTakesIdsNotSecrets(t *testing.T) {
	t.Parallel()
	g, a := auditGuard()
	req := &venuev1.ProvisionTerminalRequest{VenueId: "v-1", Name: "南门"}
	if _, err := g.unaryAudit(context.Background(), req, &grpc.UnaryServerInfo{FullMethod: venuev1.TerminalService_ProvisionTerminal_FullMethodName}, done); err != nil {
		t.Fatal(err)
	}
	if a.last.Targets != "terminal_id=t-1 venue_id=v-1" || a.last.Outcome != "OK" {
		t.Fatalf("entry: %+v", a.last)
	}
	a.last = audit.Entry{}
	if _, err := g.unaryAudit(context.Background(), &checkinv1.RecordCheckinRequest{}, &grpc.UnaryServerInfo{FullMethod: checkinv1.CheckinService_RecordCheckin_FullMethodName}, done); err != nil {
		t.Fatal(err)
	}
	if a.last.Method != "" {
		t.Fatalf("a check-in was audited: %+v", a.last)
	}
}

// BenchmarkAuditInterceptor measures what the audit interceptor adds to a call before any
// write: on the check-in hot path (self-recorded, so passed straight through) and on an
// audited call (the note, the ids taken from request and answer; the write itself is
// pkg/audit's BenchmarkAppend).
func BenchmarkAuditInterceptor(b *testing.B) {
	g, _ := auditGuard()
	ctx := context.Background()
	checkin := &checkinv1.RecordCheckinRequest{Record: &checkinv1.CheckinRecord{VenueId: "v-1", ActivityId: "a-1", Sequence: 7}}
	b.Run("handler alone", func(b *testing.B) {
		var h grpc.UnaryHandler = done
		for b.Loop() {
			_, _ = h(ctx, checkin)
		}
	})
	b.Run("check-in (self-recorded)", func(b *testing.B) {
		info := &grpc.UnaryServerInfo{FullMethod: checkinv1.CheckinService_RecordCheckin_FullMethodName}
		for b.Loop() {
			_, _ = g.unaryAudit(ctx, checkin, info, done)
		}
	})
	b.Run("audited call without the write", func(b *testing.B) {
		info := &grpc.UnaryServerInfo{FullMethod: venuev1.TerminalService_ProvisionTerminal_FullMethodName}
		req := &venuev1.ProvisionTerminalRequest{VenueId: "v-1", Name: "南门"}
		for b.Loop() {
			_, _ = g.unaryAudit(ctx, req, info, done)
		}
	})
}
