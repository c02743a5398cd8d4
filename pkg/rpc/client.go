package rpc

import (
	"context"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

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
