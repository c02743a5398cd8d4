package rpc

import (
	"context"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/telemetry"
)

// Dial returns a client connection to target (host:port) that carries the caller's trace. The
// connection is plaintext: services talk over a private network or loopback, and TLS is the
// job of the mesh or load balancer in front of them. A nil tel gives an untraced connection,
// for tools.
func Dial(target string, tel *telemetry.Telemetry, opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	base := []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		// Exports (spreadsheets) can outgrow gRPC's default 4 MiB receive limit.
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(32 << 20)),
		// A service that was down is tried again within seconds of coming back, not after
		// gRPC's default backoff of up to two minutes.
		grpc.WithConnectParams(grpc.ConnectParams{MinConnectTimeout: 5 * time.Second,
			Backoff: backoff.Config{BaseDelay: 200 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 3 * time.Second}}),
	}
	if tel != nil {
		base = append(base, grpc.WithStatsHandler(otelgrpc.NewClientHandler(
			otelgrpc.WithTracerProvider(tel.Tracer),
			otelgrpc.WithMeterProvider(tel.Meter),
			otelgrpc.WithPropagators(tel.Propagator),
		)))
	}
	return grpc.NewClient(target, append(base, opts...)...)
}

// BearerCredential sends a fixed credential with every call: terminals and tools use it.
type BearerCredential string

// GetRequestMetadata returns the authorization header.
func (b BearerCredential) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}

// RequireTransportSecurity is false: see Dial.
func (b BearerCredential) RequireTransportSecurity() bool { return false }

// ForwardCredential makes a call to another service on behalf of the person whose call this
// is: their credential goes along, so the other service applies its own rules to them.
func ForwardCredential(ctx context.Context) context.Context {
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get("authorization"); len(v) > 0 {
			return metadata.AppendToOutgoingContext(ctx, "authorization", v[0])
		}
	}
	return ctx
}

// ErrUpstreamUnavailable is a call to another service that got no answer.
var ErrUpstreamUnavailable = errs.Reason{Code: "UPSTREAM_UNAVAILABLE", Kind: errs.Unavailable,
	English: "{call}: another service did not answer; try again shortly",
	Chinese: "系统内部的服务暂时没有响应，请稍后重试"}

// FromStatus turns another service's error answer into an error of the same kind, reason,
// arguments and messages, so this service's port maps it to the same code and details (Status)
// instead of reporting every refusal downstream as an internal error. call says which call
// failed, for the log.
func FromStatus(err error, call string) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return ErrUpstreamUnavailable.Wrap(err, "call", call)
	}
	d := DetailsOf(st)
	return &errs.Error{Kind: KindOfCode(st.Code()), Msg: st.Message(), Reason: d.Reason, Args: d.Args, Chinese: d.Chinese,
		Fields: d.Fields, RetryAfter: d.RetryAfter, Err: err}
}
