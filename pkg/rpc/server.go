// Package rpc builds the gRPC servers and clients of the services, with the same cross-cutting
// behaviour everywhere: OpenTelemetry through the stats handler, authentication and the role
// policy, protovalidate on every request, health and reflection, logs of failed calls, and the
// one place where error kinds become gRPC status codes.
package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"buf.build/go/protovalidate"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/pkg/audit"
	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/telemetry"
)

// ServerConfig is what a service's gRPC server needs.
type ServerConfig struct {
	// Telemetry is the service's telemetry.
	Telemetry *telemetry.Telemetry
	// Authenticator checks the bearer credential of every non-public call.
	Authenticator auth.Authenticator
	// Policy says which roles may call which method.
	Policy auth.Policy
	// MaxRecvMsgSize is the largest request accepted, in bytes; 0 keeps gRPC's 4 MiB.
	MaxRecvMsgSize int
	// Audit, if set, records every call of a method the policy does not list as a read or as
	// self-recorded (see auth.Policy).
	Audit Auditor
	// KnownGood, if set, holds quick checks for the requests of a service's hot path, by message
	// name: see KnownGood.
	KnownGood KnownGood
	// StreamWorkers, if set, is how many goroutines are kept to run calls on; 0 starts a fresh
	// goroutine for every call. A fresh goroutine's stack grows (and is copied) as deep as a
	// call goes, on every call: on check-in's hot path, with 200 doors calling, that growth was
	// a tenth of the process's CPU. A call finding no idle worker still gets a goroutine of its
	// own, so set it to the calls expected in flight at once.
	StreamWorkers uint32
}

// Server is a gRPC server with health and reflection registered.
type Server struct {
	// GRPC is the server; register the service's implementations on it before serving.
	GRPC *grpc.Server
	// Health reports serving status; services flip it to NOT_SERVING while shutting down.
	Health *health.Server

	guard *guard
}

// LivenessService is the health service name a liveness probe asks for.
const LivenessService = "liveness"

// ErrNotReady refuses a call to a service that is still waiting for something it needs (another
// service's keys, say): the caller retries after the hint.
var ErrNotReady = errs.Reason{Code: "SERVICE_NOT_READY", Kind: errs.Unavailable,
	English: "the service is starting and not ready yet; try again shortly",
	Chinese: "服务正在启动，请稍后重试"}

// notReadyRetry is the retry hint of ErrNotReady.
const notReadyRetry = 2 * time.Second

// SetReady says whether the server takes calls. Not ready, its health check answers NOT_SERVING
// (so probes and load balancers send nothing) and every call but health and reflection is
// refused with ErrNotReady and a retry hint. A new server is ready.
func (s *Server) SetReady(ready bool) {
	s.guard.notReady.Store(!ready)
	st := healthpb.HealthCheckResponse_SERVING
	if !ready {
		st = healthpb.HealthCheckResponse_NOT_SERVING
	}
	s.Health.SetServingStatus("", st)
}

func (g *guard) ready(method string) error {
	if g.notReady.Load() && !openMethod(method) {
		e := ErrNotReady.New()
		e.RetryAfter = notReadyRetry
		return e
	}
	return nil
}

// NewServer returns a server with the interceptors every service shares.
func NewServer(cfg ServerConfig) (*Server, error) {
	if cfg.Telemetry == nil || cfg.Authenticator == nil {
		return nil, errors.New("rpc: telemetry and authenticator are required")
	}
	rules, err := protovalidate.New()
	if err != nil {
		return nil, fmt.Errorf("rpc: protovalidate: %w", err)
	}
	validator := protovalidate.Validator(rules)
	if len(cfg.KnownGood) > 0 {
		validator = knownGoodValidator{rules: rules, good: cfg.KnownGood}
	}
	g := &guard{auth: cfg.Authenticator, policy: cfg.Policy, log: cfg.Telemetry.Logger, validator: validator,
		deadlines: Deadlines{}.withDefaults(), audit: cfg.Audit}
	opts := []grpc.ServerOption{}
	if cfg.MaxRecvMsgSize > 0 {
		opts = append(opts, grpc.MaxRecvMsgSize(cfg.MaxRecvMsgSize))
	}
	if cfg.StreamWorkers > 0 {
		// Experimental in grpc-go (see its NumStreamWorkers); its only effect is where a call
		// runs, so losing it would cost speed, not behaviour.
		opts = append(opts, grpc.NumStreamWorkers(cfg.StreamWorkers))
	}
	srv := grpc.NewServer(append(opts,
		grpc.StatsHandler(otelgrpc.NewServerHandler(
			otelgrpc.WithTracerProvider(cfg.Telemetry.Tracer),
			otelgrpc.WithMeterProvider(cfg.Telemetry.Meter),
			otelgrpc.WithPropagators(cfg.Telemetry.Propagator),
		)),
		grpc.ChainUnaryInterceptor(g.unaryRecover, g.unaryErrors, g.unaryAudit, g.unaryDeadline, g.unaryAuth, g.unaryValidate),
		grpc.ChainStreamInterceptor(g.streamRecover, g.streamErrors, g.streamAudit, g.streamDeadline, g.streamAuth, g.streamValidate),
	)...)
	hs := health.NewServer()
	// "liveness" answers SERVING as long as the process answers at all, whatever SetReady
	// says: a liveness probe must not restart a part that only waits for a neighbour.
	hs.SetServingStatus(LivenessService, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	reflection.Register(srv)
	return &Server{GRPC: srv, Health: hs, guard: g}, nil
}

// The refusals of the guard every call passes.
var (
	ErrMissingCredential = errs.Reason{Code: "CREDENTIAL_MISSING", Kind: errs.Unauthenticated,
		English: `missing credential: send "authorization: Bearer <token>"`,
		Chinese: "请先登录"}
	ErrCredentialRefused = errs.Reason{Code: "CREDENTIAL_REFUSED", Kind: errs.Unauthenticated,
		English: "{why}",
		Chinese: "身份验证未通过：{whyChinese}"}
	ErrRoleNotAllowed = errs.Reason{Code: "ROLE_NOT_ALLOWED", Kind: errs.PermissionDenied,
		English: "role {role} may not call {method}",
		Chinese: "当前账号（{roleLabel}）无权进行此操作"}
)

// openMethods need no credential whatever the policy says: probes and tools must reach them.
func openMethod(method string) bool {
	return strings.HasPrefix(method, "/grpc.health.v1.Health/") ||
		strings.HasPrefix(method, "/grpc.reflection.")
}

type guard struct {
	notReady  atomic.Bool
	deadlines Deadlines
	auth      auth.Authenticator
	policy    auth.Policy
	log       *slog.Logger
	validator protovalidate.Validator
	audit     Auditor
}

// authorize authenticates the caller and checks the role policy for method.
func (g *guard) authorize(ctx context.Context, method string) (context.Context, error) {
	if openMethod(method) || g.policy.IsPublic(method) {
		return ctx, nil
	}
	cred := bearer(ctx)
	if cred == "" {
		return ctx, ErrMissingCredential.New()
	}
	p, err := g.auth.Authenticate(ctx, cred)
	if err != nil {
		switch errs.KindOf(err) {
		case errs.Internal, errs.Unavailable:
			return ctx, err // our failure, not the caller's credential
		case errs.Unauthenticated:
			return ctx, err
		default:
			return ctx, ErrCredentialRefused.Wrap(err, "why", errs.Message(err), "whyChinese", errs.Chinese(err))
		}
	}
	unit := p.UnitID
	if unit == "" && p.VenueID != "" {
		unit = "venue:" + p.VenueID
	}
	audit.SetActor(ctx, p.Subject, string(p.Role), p.CountyCode, unit)
	if !g.policy.Allows(method, p.Role) {
		return ctx, ErrRoleNotAllowed.New("role", p.Role, "roleLabel", p.Role.Label(), "method", method)
	}
	if p.MustChangePassword && !g.policy.AllowsBeforePasswordChange(method) {
		return ctx, auth.ErrPasswordMustChange.New()
	}
	return auth.WithPrincipal(ctx, p), nil
}

func bearer(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	for _, v := range md.Get("authorization") {
		if t, ok := strings.CutPrefix(v, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
		if t, ok := strings.CutPrefix(v, "bearer "); ok {
			return strings.TrimSpace(t)
		}
	}
	return ""
}

func (g *guard) unaryAuth(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	if err := g.ready(info.FullMethod); err != nil {
		return nil, err
	}
	ctx, err := g.authorize(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	return next(ctx, req)
}

func (g *guard) streamAuth(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	if err := g.ready(info.FullMethod); err != nil {
		return err
	}
	ctx, err := g.authorize(ss.Context(), info.FullMethod)
	if err != nil {
		return err
	}
	if _, signedIn := auth.FromContext(ctx); !signedIn {
		return next(srv, &contextStream{ServerStream: ss, ctx: ctx})
	}
	// A stream outlives the moment its credential was checked: a dashboard's watch runs for
	// hours. Checked again every streamRecheck, it ends with SESSION_ENDED once the session is
	// signed out, its password changed or the account disabled, instead of serving figures to a
	// screen nobody is signed in on. A token that merely expires does not cut a stream: a large
	// report file may take longer to download than the token has left (the gateway ends event
	// streams at their token's half-life itself, so the browser's reconnection renews it).
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(streamRecheck)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := g.auth.Authenticate(ctx, bearer(ctx)); errs.ReasonOf(err) == auth.ErrSessionEnded.Code {
					cancel(err)
					return
				}
			}
		}
	}()
	err = next(srv, &contextStream{ServerStream: ss, ctx: ctx})
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) && ss.Context().Err() == nil {
		return cause
	}
	return err
}

// streamRecheck is how often a stream's credential is checked again while it runs.
const streamRecheck = 5 * time.Second

// unaryValidate checks the request against its contract's rules before the handler sees it.
func (g *guard) unaryValidate(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	if err := validateRequest(g.validator, req); err != nil {
		return nil, err
	}
	return next(ctx, req)
}

// streamValidate checks every message a client streams in.
func (g *guard) streamValidate(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	return next(srv, &validatingStream{ServerStream: ss, validator: g.validator})
}

type validatingStream struct {
	grpc.ServerStream
	validator protovalidate.Validator
}

func (s *validatingStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return validateRequest(s.validator, m)
}

type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *contextStream) Context() context.Context { return s.ctx }

func (g *guard) unaryErrors(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	start := time.Now()
	resp, err := next(ctx, req)
	if err != nil {
		err = g.toStatus(ctx, info.FullMethod, err, time.Since(start))
	}
	return resp, err
}

func (g *guard) streamErrors(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	start := time.Now()
	err := next(srv, ss)
	if err != nil {
		err = g.toStatus(ss.Context(), info.FullMethod, err, time.Since(start))
	}
	return err
}

func (g *guard) unaryRecover(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			g.log.ErrorContext(ctx, "panic in rpc", "method", info.FullMethod, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = Status(fmt.Errorf("panic: %v", r)).Err()
		}
	}()
	return next(ctx, req)
}

func (g *guard) streamRecover(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			g.log.ErrorContext(ss.Context(), "panic in rpc", "method", info.FullMethod, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = Status(fmt.Errorf("panic: %v", r)).Err()
		}
	}()
	return next(srv, ss)
}

// toStatus maps an error to its gRPC status (Status) and logs the failure: internal errors with
// their cause at error level, overload and outages as warnings, the callers' mistakes as info.
func (g *guard) toStatus(ctx context.Context, method string, err error, took time.Duration) error {
	if _, ok := status.FromError(err); ok {
		return err
	}
	st := Status(err)
	level := slog.LevelInfo
	switch st.Code() {
	case codes.Internal:
		level = slog.LevelError
	case codes.Unavailable, codes.ResourceExhausted:
		level = slog.LevelWarn
	}
	g.log.Log(ctx, level, "rpc failed", "method", method, "code", st.Code().String(), "reason", errs.ReasonOf(err), "error", err.Error(), "took_ms", took.Milliseconds())
	return st.Err()
}
