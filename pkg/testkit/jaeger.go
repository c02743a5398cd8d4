package testkit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// JaegerServer is a real Jaeger for a test: the v2 binary pinned in tools/jaeger/go.mod and run
// through `go tool` with tools/jaeger/config.yaml (OTLP in, memory storage), on free loopback
// ports. Services export to OTLP and the test reads traces back from Jaeger's query API, as an
// operator's browser would.
type JaegerServer struct {
	// OTLP is the OTLP/gRPC endpoint, as a URL (OTEL_EXPORTER_OTLP_ENDPOINT).
	OTLP string
	// UI is the base URL of the UI and its HTTP API.
	UI string
}

// tool builds the tool name pinned in tools/<name>/go.mod (go tool -n, outside the workspace),
// waiting at most timeout, and returns its binary and its folder.
func tool(t testing.TB, name string, timeout time.Duration) (bin, dir string) {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(root, "tools", name)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "-C", dir, "tool", "-n", name)
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("build %s (go tool, tools/%s/go.mod): %v", name, name, err)
	}
	return strings.TrimSpace(string(out)), dir
}

// Jaeger starts Jaeger for the test and stops it after.
func Jaeger(t testing.TB) *JaegerServer {
	t.Helper()
	bin, dir := tool(t, "jaeger", 10*time.Minute)
	otlp, otlpHTTP, ui, query, health := freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t)
	srv := exec.Command(bin, "--config", filepath.Join(dir, "config.yaml"))
	srv.Env = append(os.Environ(), "SCIWEEK_JAEGER_OTLP_GRPC="+otlp, "SCIWEEK_JAEGER_OTLP_HTTP="+otlpHTTP, "SCIWEEK_JAEGER_UI="+ui,
		"SCIWEEK_JAEGER_QUERY_GRPC="+query, "SCIWEEK_JAEGER_HEALTH="+health, "SCIWEEK_JAEGER_LOG_LEVEL=error")
	srv.Stdout, srv.Stderr = os.Stderr, os.Stderr
	if err := srv.Start(); err != nil {
		t.Fatalf("start Jaeger: %v", err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	j := &JaegerServer{OTLP: "http://" + otlp, UI: "http://" + ui}
	Eventually(t, 60*time.Second, func() error {
		resp, err := http.Get(j.UI + "/api/services")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("jaeger: %s", resp.Status)
		}
		return nil
	})
	return j
}

// JaegerSpan is a span as Jaeger's query API returns it, with its service's name.
type JaegerSpan struct {
	TraceID   string
	SpanID    string
	Service   string
	Operation string
	// References are the span's parent (CHILD_OF) and links (FOLLOWS_FROM), as trace/span ids.
	References []JaegerRef
}

// JaegerRef is a reference from one span to another.
type JaegerRef struct{ Type, TraceID, SpanID string }

// Traces asks Jaeger's HTTP API (/api/traces) for the recent traces of a service, optionally of
// one operation, and returns each trace's spans by trace id.
func (j *JaegerServer) Traces(t testing.TB, service, operation string) (map[string][]JaegerSpan, error) {
	t.Helper()
	q := url.Values{"service": {service}, "limit": {"100"}, "lookback": {"1h"}}
	if operation != "" {
		q.Set("operation", operation)
	}
	resp, err := http.Get(j.UI + "/api/traces?" + q.Encode())
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jaeger /api/traces: %s", resp.Status)
	}
	var body struct {
		Data []struct {
			TraceID string `json:"traceID"`
			Spans   []struct {
				TraceID       string `json:"traceID"`
				SpanID        string `json:"spanID"`
				OperationName string `json:"operationName"`
				ProcessID     string `json:"processID"`
				References    []struct {
					RefType string `json:"refType"`
					TraceID string `json:"traceID"`
					SpanID  string `json:"spanID"`
				} `json:"references"`
			} `json:"spans"`
			Processes map[string]struct {
				ServiceName string `json:"serviceName"`
			} `json:"processes"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("jaeger /api/traces: %w", err)
	}
	out := map[string][]JaegerSpan{}
	for _, tr := range body.Data {
		for _, s := range tr.Spans {
			js := JaegerSpan{TraceID: s.TraceID, SpanID: s.SpanID, Service: tr.Processes[s.ProcessID].ServiceName, Operation: s.OperationName}
			for _, r := range s.References {
				js.References = append(js.References, JaegerRef{Type: r.RefType, TraceID: r.TraceID, SpanID: r.SpanID})
			}
			out[tr.TraceID] = append(out[tr.TraceID], js)
		}
	}
	return out, nil
}
