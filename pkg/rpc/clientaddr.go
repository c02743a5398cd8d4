package rpc

import (
	"context"
	"net"
	"net/netip"

	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

// ClientAddressKey is the gRPC metadata key by which the gateway passes the address of the
// person's device (taken from X-Forwarded-For only when the connection comes from a trusted
// proxy) to the services, which throttle and record by it. The gateway removes any value a
// client sends under this name; the services' gRPC ports are internal, so a direct caller that
// sets it only changes which per-address budget it spends.
const ClientAddressKey = "x-sciweek-client-address"

// ClientAddress returns the address of the device behind a call: the gateway's
// x-sciweek-client-address metadata, else the connection's peer address (a terminal or tool
// calling gRPC directly), else "unknown". The last value wins, so a value appended by the
// gateway beats one a client smuggled in before it.
func ClientAddress(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get(ClientAddressKey); len(v) > 0 {
		if a, err := netip.ParseAddr(v[len(v)-1]); err == nil {
			return a.Unmap().String()
		}
	}
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		host, _, err := net.SplitHostPort(p.Addr.String())
		if err != nil {
			host = p.Addr.String()
		}
		if a, err := netip.ParseAddr(host); err == nil {
			return a.Unmap().String()
		}
	}
	return "unknown"
}
