package gateway

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/errs"
	auditv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/audit/v1"
)

// The refusals of the audit trail's routes.
var (
	ErrAuditServiceUnknown = errs.Reason{Code: "AUDIT_SERVICE_UNKNOWN", Kind: errs.Invalid,
		English: "service {value} keeps no audit trail here: registration, venue or reporting",
		Chinese: "审计日志的来源“{value}”无法识别，请重新选择"}
	ErrAuditTimeInvalid = errs.Reason{Code: "AUDIT_TIME_INVALID", Kind: errs.Invalid,
		English: "{field} {value} is not a time (RFC 3339, e.g. 2024-05-20T08:00:00+08:00)",
		Chinese: "筛选条件中的时间“{value}”无法识别，请重新选择"}
	ErrAuditNumberInvalid = errs.Reason{Code: "AUDIT_NUMBER_INVALID", Kind: errs.Invalid,
		English: "{field} {value} is not a whole number",
		Chinese: "翻页参数“{value}”无效，请刷新后重试"}
)

// auditClient returns the AuditService of the named service.
func (g *gateway) auditClient(name string) (auditv1.AuditServiceClient, error) {
	conns := map[string]auditv1.AuditServiceClient{
		"registration": auditv1.NewAuditServiceClient(g.cfg.Registration),
		"venue":        auditv1.NewAuditServiceClient(g.cfg.Venue),
		"reporting":    auditv1.NewAuditServiceClient(g.cfg.Reporting),
	}
	c, ok := conns[name]
	if !ok {
		return nil, ErrAuditServiceUnknown.New("value", name)
	}
	return c, nil
}

// auditFilter reads a filter from a query: from and to (RFC 3339), actor, method, outcome and
// county_code.
func auditFilter(q url.Values) (*auditv1.AuditFilter, error) {
	f := &auditv1.AuditFilter{Actor: q.Get("actor"), Method: q.Get("method"), Outcome: q.Get("outcome"), CountyCode: q.Get("county_code")}
	for _, field := range []string{"from", "to"} {
		v := q.Get(field)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return nil, ErrAuditTimeInvalid.New("field", field, "value", v)
		}
		if field == "from" {
			f.From = timestamppb.New(t)
		} else {
			f.To = timestamppb.New(t)
		}
	}
	return f, nil
}

// auditEntries answers GET /api/v1/audit/{service}/entries with a page of the service's trail.
func (g *gateway) auditEntries(w http.ResponseWriter, r *http.Request) {
	c, err := g.auditClient(r.PathValue("service"))
	if err != nil {
		writeError(w, err)
		return
	}
	q := r.URL.Query()
	f, err := auditFilter(q)
	if err != nil {
		writeError(w, err)
		return
	}
	req := &auditv1.ListAuditEntriesRequest{Filter: f}
	for field, dst := range map[string]*int64{"before": &req.Before} {
		if v := q.Get(field); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				writeError(w, ErrAuditNumberInvalid.New("field", field, "value", v))
				return
			}
			*dst = n
		}
	}
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			writeError(w, ErrAuditNumberInvalid.New("field", "page_size", "value", v))
			return
		}
		req.PageSize = int32(n)
	}
	resp, err := c.ListAuditEntries(g.outgoing(r), req)
	g.writeJSON(w, resp, err)
}

// auditExport serves GET /download/audit.xlsx?service=…: the filtered trail as a spreadsheet.
func (g *gateway) auditExport(ctx context.Context, q url.Values) (file, error) {
	c, err := g.auditClient(q.Get("service"))
	if err != nil {
		return nil, err
	}
	f, err := auditFilter(q)
	if err != nil {
		return nil, err
	}
	return c.ExportAuditEntries(ctx, &auditv1.ExportAuditEntriesRequest{Filter: f})
}
