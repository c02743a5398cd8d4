package gateway

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// Hygiene is what the gateway checks of every request before any handler reads it.
type Hygiene struct {
	// TrustedProxies are the reverse proxies (addresses or CIDR prefixes) whose X-Forwarded-For,
	// X-Forwarded-Proto and X-Forwarded-Host are believed; from anyone else those headers are
	// ignored, so a client cannot choose the address it is throttled and recorded by.
	TrustedProxies []netip.Prefix
	// AllowedOrigins are origins other than the gateway's own (scheme://host[:port]) from which
	// a browser may send state-changing requests with the sign-in cookie, e.g. a separate
	// host name of the console.
	AllowedOrigins []string
	// MaxJSONBody bounds the body of a JSON API call or sign-in; 0 means DefaultMaxJSONBody.
	MaxJSONBody int64
	// MetricsToken, if set, serves Config.Metrics at /metrics to scrapers that present it as a
	// bearer token; without it the gateway serves no /metrics (the host serves them on an
	// internal address instead).
	MetricsToken string
}

// Body limits, applied before a handler reads the body or a service sees the caller.
const (
	// DefaultMaxJSONBody is the JSON API's limit: forms and filters are a few kilobytes.
	DefaultMaxJSONBody = 1 << 20
	// maxCheckinUpload bounds a door's batch of queued scans (a few hundred bytes each).
	maxCheckinUpload = 8 << 20
	// maxLoginBody bounds a sign-in's user name and password.
	maxLoginBody = 4 << 10
	// maxReportFile bounds a report's file as it streams to the reporting service: its largest
	// kind, a video (reporting's Limits.Video, 1 GiB), and the form around it.
	maxReportFile = 1<<30 + 1<<20
)

// The hygiene refusals.
var (
	ErrBodyTooLarge = errs.Reason{Code: "REQUEST_BODY_TOO_LARGE", Kind: errs.Invalid,
		English: "the request body is larger than the {limit} bytes this address takes",
		Chinese: "提交的内容过大（上限 {limitLabel}），未被处理"}
	ErrCrossSite = errs.Reason{Code: "REQUEST_CROSS_SITE", Kind: errs.PermissionDenied,
		English: "a state-changing request with the sign-in cookie must come from the console's own pages (Origin or Referer of this site)",
		Chinese: "请求不是来自本系统的页面，已拒绝；请在本系统页面中操作"}
	ErrMetricsCredential = errs.Reason{Code: "METRICS_CREDENTIAL_REQUIRED", Kind: errs.Unauthenticated,
		English: "/metrics needs the scrape credential as a bearer token",
		Chinese: "监控指标需要采集凭据"}
)

// bodyLimit is the limit of a request's body by its route, and whether the handler streams the
// body (then it is bounded as it is read, not held).
func (g *gateway) bodyLimit(r *http.Request) (limit int64, streamed bool) {
	p := r.URL.Path
	switch {
	case p == "/upload/report-file":
		return maxReportFile, true
	case strings.HasPrefix(p, "/upload/"):
		return maxUpload, true
	case p == "/auth/login" || p == "/auth/logout" || p == "/auth/password":
		return maxLoginBody, false
	case p == "/api/v1/checkins:upload":
		return maxCheckinUpload, false
	}
	if g.cfg.Hygiene.MaxJSONBody > 0 {
		return g.cfg.Hygiene.MaxJSONBody, false
	}
	return DefaultMaxJSONBody, false
}

// stateChanging says whether a method may change something (and so needs the origin check).
func stateChanging(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// hygiene runs before every handler: it drops metadata a client must not set, refuses bodies
// over their route's limit (by Content-Length at once, else as they are read) and refuses
// cross-site state-changing requests that carry the sign-in cookie.
func (g *gateway) hygiene(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k := range r.Header {
			if strings.HasPrefix(strings.ToLower(k), "grpc-metadata-x-sciweek") {
				r.Header.Del(k)
			}
		}
		if stateChanging(r.Method) && !g.sameSite(r) {
			writeError(w, ErrCrossSite.New())
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			limit, streamed := g.bodyLimit(r)
			if r.ContentLength > limit {
				tooLarge(w, limit)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if !streamed && r.ContentLength != 0 {
				// Read whole (at most the limit) before grpc-gateway decodes, so a body cut off
				// by the limit is a 413 and not a JSON syntax error.
				b, err := io.ReadAll(r.Body)
				if err != nil {
					var tooBig *http.MaxBytesError
					if errors.As(err, &tooBig) {
						tooLarge(w, limit)
						return
					}
					writeError(w, ErrUploadCutOff.New())
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(b))
				r.ContentLength = int64(len(b))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// tooLarge answers 413 with the body's limit, in the gateway's error shape.
func tooLarge(w http.ResponseWriter, limit int64) {
	w.Header().Set("Connection", "close") // the rest of the body is not read
	writeErrorStatus(w, ErrBodyTooLarge.New("limit", limit, "limitLabel", sizeLabel(limit)), http.StatusRequestEntityTooLarge)
}

// sizeLabel writes a byte count as people read it.
func sizeLabel(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return itoa(n>>30) + " GB"
	case n >= 1<<20:
		return itoa(n>>20) + " MB"
	case n >= 1<<10:
		return itoa(n>>10) + " KB"
	}
	return itoa(n) + " 字节"
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// sameSite says whether a state-changing request may go on. A request that names its origin
// must name this site (or an allowed one), whatever its credential: browsers name it on every
// cross-site POST, including the text/plain, form and multipart ones that need no CORS
// preflight. A request with the sign-in cookie and no Origin must have a Referer of this site.
// API clients with a bearer token and no cookie send neither and pass.
func (g *gateway) sameSite(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		return g.allowedOrigin(r, o)
	}
	if !hasCookieCredential(r) {
		return true
	}
	ref, err := url.Parse(r.Header.Get("Referer"))
	if err != nil || ref.Scheme == "" || ref.Host == "" {
		return false
	}
	return g.allowedOrigin(r, ref.Scheme+"://"+ref.Host)
}

// hasCookieCredential says whether the request would be authenticated by the sign-in cookie.
func hasCookieCredential(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return false
	}
	c, err := r.Cookie(CookieName)
	return err == nil && c.Value != ""
}

func (g *gateway) allowedOrigin(r *http.Request, origin string) bool {
	origin = strings.TrimSuffix(strings.ToLower(origin), "/")
	if origin == "null" {
		return false
	}
	if origin == strings.ToLower(g.scheme(r)+"://"+g.host(r)) {
		return true
	}
	for _, a := range g.cfg.Hygiene.AllowedOrigins {
		if origin == strings.TrimSuffix(strings.ToLower(a), "/") {
			return true
		}
	}
	return false
}

// fromTrustedProxy says whether the connection comes from a configured reverse proxy.
func (g *gateway) fromTrustedProxy(r *http.Request) bool {
	a, ok := remoteAddr(r)
	return ok && g.trusted(a)
}

func (g *gateway) trusted(a netip.Addr) bool {
	for _, p := range g.cfg.Hygiene.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func remoteAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap(), err == nil
}

// scheme is the scheme the browser used: https when the gateway serves TLS itself or a
// trusted proxy says so.
func (g *gateway) scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if g.fromTrustedProxy(r) && strings.EqualFold(firstValue(r.Header.Get("X-Forwarded-Proto")), "https") {
		return "https"
	}
	return "http"
}

// host is the host the browser asked for: a trusted proxy's X-Forwarded-Host, else Host.
func (g *gateway) host(r *http.Request) string {
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" && g.fromTrustedProxy(r) {
		return h
	}
	return r.Host
}

func firstValue(s string) string {
	v, _, _ := strings.Cut(s, ",")
	return strings.TrimSpace(v)
}

// secure says whether the sign-in cookie must be Secure: whenever the browser reached us over
// HTTPS, or the deployment says it always does.
func (g *gateway) secure(r *http.Request) bool {
	return g.cfg.SecureCookies || g.scheme(r) == "https"
}

// clientAddress is the address of the person's device: the connection's address, or, when that
// is a trusted proxy, the nearest address in X-Forwarded-For that is not one.
func (g *gateway) clientAddress(r *http.Request) string {
	a, ok := remoteAddr(r)
	if !ok {
		return ""
	}
	if !g.trusted(a) {
		return a.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a forged or garbled hop: trust nothing further left
		}
		a = h.Unmap()
		if !g.trusted(a) {
			return a.String()
		}
	}
	return a.String()
}

// metrics serves /metrics to a scraper presenting the scrape credential.
func (g *gateway) metrics(w http.ResponseWriter, r *http.Request) {
	got, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if subtle.ConstantTimeCompare([]byte(got), []byte(g.cfg.Hygiene.MetricsToken)) != 1 {
		writeError(w, ErrMetricsCredential.New())
		return
	}
	g.cfg.Metrics.ServeHTTP(w, r)
}

// clientMetadata is the client's address as outgoing gRPC metadata pairs.
func (g *gateway) clientMetadata(r *http.Request) []string {
	if a := g.clientAddress(r); a != "" {
		return []string{rpc.ClientAddressKey, a}
	}
	return nil
}
