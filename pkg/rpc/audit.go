package rpc

import (
	"context"
	"net"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/sciweek/sciweek/pkg/audit"
	"github.com/sciweek/sciweek/pkg/errs"
)

// Auditor stores the audit entries of a service's calls (audit.Store is one).
type Auditor interface {
	Append(ctx context.Context, e audit.Entry) (audit.Entry, error)
}

// auditWriteTimeout bounds the audit write after a call; it runs even when the caller has gone.
const auditWriteTimeout = 5 * time.Second

// audited reports whether calls of method are recorded.
func (g *guard) audited(method string) bool {
	return g.audit != nil && !openMethod(method) && g.policy.Audited(method)
}

// unaryAudit records every audited call once it has an answer: the note it puts in the context
// learns the caller from authentication and the ids from the request (and the created thing's
// id from the response); the outcome is the call's gRPC code. The entry is written right after
// the call, in a transaction of its own, so every state-changing RPC is covered without the use
// cases' help.
func (g *guard) unaryAudit(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	if !g.audited(info.FullMethod) {
		return next(ctx, req)
	}
	n := audit.NewNote(info.FullMethod, clientAddress(ctx))
	ctx = audit.WithNote(ctx, n)
	if m, ok := req.(proto.Message); ok {
		noteTargets(ctx, m.ProtoReflect(), 0)
	}
	resp, err := next(ctx, req)
	if m, ok := resp.(proto.Message); ok && err == nil {
		noteResultIDs(ctx, m.ProtoReflect())
	}
	g.writeAudit(ctx, n, err)
	return resp, err
}

// streamAudit records audited streaming calls; the ids come from the first message received.
func (g *guard) streamAudit(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	if !g.audited(info.FullMethod) {
		return next(srv, ss)
	}
	n := audit.NewNote(info.FullMethod, clientAddress(ss.Context()))
	ctx := audit.WithNote(ss.Context(), n)
	err := next(srv, &auditStream{ServerStream: ss, ctx: ctx})
	g.writeAudit(ctx, n, err)
	return err
}

type auditStream struct {
	grpc.ServerStream
	ctx  context.Context
	seen bool
}

func (s *auditStream) Context() context.Context { return s.ctx }

func (s *auditStream) RecvMsg(m any) error {
	err := s.ServerStream.RecvMsg(m)
	if err == nil && !s.seen {
		s.seen = true
		if pm, ok := m.(proto.Message); ok {
			noteTargets(s.ctx, pm.ProtoReflect(), 0)
		}
	}
	return err
}

func (g *guard) writeAudit(ctx context.Context, n *audit.Note, callErr error) {
	e := n.Entry()
	e.Outcome = codes.OK.String()
	if callErr != nil {
		e.Outcome = callCode(callErr).String()
		e.Reason = errs.ReasonOf(callErr)
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditWriteTimeout)
	defer cancel()
	if _, err := g.audit.Append(wctx, e); err != nil {
		// The change is done and cannot be taken back; the missing entry must be seen.
		g.log.ErrorContext(ctx, "audit entry not written", "method", e.Method, "actor", e.Actor, "outcome", e.Outcome, "targets", e.Targets, "error", err)
	}
}

// callCode is the code a caller gets for err, whether it is already a status or not.
func callCode(err error) codes.Code {
	if st, ok := status.FromError(err); ok {
		return st.Code()
	}
	return Code(err)
}

// maxClient bounds the recorded client address.
const maxClient = 200

// clientAddress is where a call came from: the device's address (ClientAddress: the gateway's
// x-sciweek-client-address, else the peer) and, when another program relayed it, "via" the
// peer that called this service.
func clientAddress(ctx context.Context) string {
	out := ClientAddress(ctx)
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		if host, _, err := net.SplitHostPort(p.Addr.String()); err != nil || host != out {
			out += " via " + p.Addr.String()
		}
	}
	if len(out) > maxClient {
		out = out[:maxClient]
	}
	return out
}

// targetField reports whether a request field holds an id worth recording. Only ids, county
// codes and user names: never passwords, phone numbers or people's names.
func targetField(name string) bool {
	return name == "id" || name == "county_code" || name == "username" || strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_ids")
}

// noteTargets records the id fields of m and of the messages it holds, two levels deep.
func noteTargets(ctx context.Context, m protoreflect.Message, depth int) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		name := string(fd.Name())
		switch {
		case fd.Kind() == protoreflect.StringKind && fd.IsList() && targetField(name):
			l := v.List()
			ids := make([]string, 0, min(l.Len(), 20))
			for i := 0; i < l.Len() && i < 20; i++ {
				ids = append(ids, l.Get(i).String())
			}
			if l.Len() > 20 {
				ids = append(ids, "…")
			}
			audit.AddTarget(ctx, name, strings.Join(ids, ","))
		case fd.Kind() == protoreflect.StringKind && !fd.IsList() && !fd.IsMap() && targetField(name):
			audit.AddTarget(ctx, name, v.String())
		case fd.Kind() == protoreflect.MessageKind && !fd.IsList() && !fd.IsMap() && depth < 1:
			noteTargets(ctx, v.Message(), depth+1)
		}
		return true
	})
}

// noteResultIDs records the id of what a call created or changed: top-level id fields of the
// response and the id of each message it holds ("venue_id" from venue.id).
func noteResultIDs(ctx context.Context, m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		name := string(fd.Name())
		switch {
		case fd.Kind() == protoreflect.StringKind && !fd.IsList() && !fd.IsMap() && targetField(name) && name != "username":
			audit.AddTarget(ctx, name, v.String())
		case fd.Kind() == protoreflect.MessageKind && !fd.IsList() && !fd.IsMap():
			if id := v.Message().Descriptor().Fields().ByName("id"); id != nil && id.Kind() == protoreflect.StringKind && !id.IsList() {
				audit.AddTarget(ctx, name+"_id", v.Message().Get(id).String())
			}
		}
		return true
	})
}
