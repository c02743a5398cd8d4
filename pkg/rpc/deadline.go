package rpc

import (
	"context"
	"strings"
	"time"

	"google.golang.org/grpc"
)

// Deadlines bound how long a server works on one call, whatever the caller allows: a hung
// database then answers DeadlineExceeded (with a retry hint) within the server's bound instead
// of holding every caller to its own, longer deadline. A caller's shorter deadline still wins.
type Deadlines struct {
	// Call bounds an ordinary call; 0 means DefaultCallDeadline.
	Call time.Duration
	// Bulk bounds imports, exports, rebuilds and file transfers (see MethodClass); 0 means
	// DefaultBulkDeadline.
	Bulk time.Duration
}

// The default bounds: a door's terminal waits 10 s, so an ordinary call gives up well before;
// a spreadsheet import, an export or a rebuild of the aggregates may take minutes.
const (
	DefaultCallDeadline = 5 * time.Second
	DefaultBulkDeadline = 5 * time.Minute
)

// Classes of method, by the bound that applies to them.
const (
	// ClassCall is an ordinary request and answer.
	ClassCall = "call"
	// ClassBulk moves or recomputes much: Import*, Export*, Rebuild*, the report files and the
	// safety plans. (A terminal's UploadCheckins is an ordinary call: its door needs an answer.)
	ClassBulk = "bulk"
	// ClassWatch is a server stream that lasts as long as a screen watches (Watch*): no bound.
	ClassWatch = "watch"
)

// MethodClass says which bound applies to a full method name ("/pkg.Service/Method"). The class
// follows from the name, so a new RPC gets the right bound without a table to keep.
func MethodClass(fullMethod string) string {
	name := fullMethod[strings.LastIndex(fullMethod, "/")+1:]
	if strings.HasPrefix(name, "Watch") {
		return ClassWatch
	}
	for _, p := range []string{"Import", "Export", "Rebuild", "UploadReportFile", "DownloadReportFile", "AttachSafetyPlan", "GetSafetyPlan"} {
		if strings.HasPrefix(name, p) {
			return ClassBulk
		}
	}
	return ClassCall
}

func (d Deadlines) withDefaults() Deadlines {
	if d.Call <= 0 {
		d.Call = DefaultCallDeadline
	}
	if d.Bulk <= 0 {
		d.Bulk = DefaultBulkDeadline
	}
	return d
}

// bound returns the bound of a method; 0 for none.
func (d Deadlines) bound(fullMethod string) time.Duration {
	if openMethod(fullMethod) {
		return 0 // health's Watch and reflection stream as long as their callers like
	}
	switch MethodClass(fullMethod) {
	case ClassBulk:
		return d.Bulk
	case ClassWatch:
		return 0
	}
	return d.Call
}

// SetDeadlines sets the server's bounds; call it before serving.
func (s *Server) SetDeadlines(d Deadlines) { s.guard.deadlines = d.withDefaults() }

// withDeadline bounds ctx by the method's deadline (the caller's, if sooner, stays).
func (g *guard) withDeadline(ctx context.Context, method string) (context.Context, context.CancelFunc) {
	if b := g.deadlines.bound(method); b > 0 {
		return context.WithTimeout(ctx, b)
	}
	return ctx, func() {}
}

func (g *guard) unaryDeadline(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	ctx, cancel := g.withDeadline(ctx, info.FullMethod)
	defer cancel()
	return next(ctx, req)
}

func (g *guard) streamDeadline(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	ctx, cancel := g.withDeadline(ss.Context(), info.FullMethod)
	defer cancel()
	return next(srv, &contextStream{ServerStream: ss, ctx: ctx})
}
