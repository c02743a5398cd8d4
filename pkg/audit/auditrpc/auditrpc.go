// Package auditrpc serves a service's audit trail over gRPC (sciweek.audit.v1.AuditService):
// pages of entries for the console and XLSX exports. Every service with a trail registers it on
// its own server and merges Policy into its own.
package auditrpc

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/audit"
	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	auditv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/audit/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/sheet"
)

// Policy lets the city admin and county admins read the trail; listing is a read, exporting is
// audited like every export.
func Policy() auth.Policy {
	admins := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin}
	return auth.Policy{
		Roles: map[string][]auth.Role{
			auditv1.AuditService_ListAuditEntries_FullMethodName:   admins,
			auditv1.AuditService_ExportAuditEntries_FullMethodName: admins,
		},
		Reads: []string{auditv1.AuditService_ListAuditEntries_FullMethodName},
	}
}

// maxExport bounds an export's rows.
const maxExport = 50000

// Server implements AuditService over one trail.
type Server struct {
	auditv1.UnimplementedAuditServiceServer
	store   *audit.Store
	service string
	loc     *time.Location
}

// New returns the port of the trail of service (its name, for file names); times in exports
// are written in loc.
func New(store *audit.Store, service string, loc *time.Location) *Server {
	if loc == nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	return &Server{store: store, service: service, loc: loc}
}

// ErrAuditOwnCountyOnly refuses a county admin who asks for another county's entries.
var ErrAuditOwnCountyOnly = errs.Reason{Code: "AUDIT_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
	English: "a county admin reads the audit entries of county {county} only",
	Chinese: "只能查看本县（市、区）的审计日志"}

// filter turns the request's filter into the store's, keeping a county admin to their county.
func filter(p auth.Principal, f *auditv1.AuditFilter) (audit.Filter, error) {
	out := audit.Filter{Actor: f.GetActor(), Method: f.GetMethod(), Outcome: f.GetOutcome(), County: f.GetCountyCode()}
	if f.GetFrom() != nil {
		out.From = f.GetFrom().AsTime()
	}
	if f.GetTo() != nil {
		out.To = f.GetTo().AsTime()
	}
	if !p.Is(auth.RoleCityAdmin) {
		if out.County != "" && out.County != p.CountyCode {
			return out, ErrAuditOwnCountyOnly.New("county", p.CountyCode)
		}
		out.County = p.CountyCode
		if out.County == "" {
			out.County = "-" // an admin without a county sees nothing rather than everything
		}
	}
	return out, nil
}

// callerFilter is the request's filter for the calling principal (filter).
func callerFilter(ctx context.Context, f *auditv1.AuditFilter) (audit.Filter, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return audit.Filter{}, err
	}
	return filter(p, f)
}

func entryToProto(e audit.Entry) *auditv1.AuditEntry {
	return &auditv1.AuditEntry{Seq: e.Seq, At: timestamppb.New(e.At), Actor: e.Actor, Role: e.Role, CountyCode: e.County, Unit: e.Unit,
		Client: e.Client, Method: e.Method, Targets: e.Targets, Outcome: e.Outcome, Reason: e.Reason, Hash: hex.EncodeToString(e.Hash)}
}

// ListAuditEntries returns a page of entries, newest first.
func (s *Server) ListAuditEntries(ctx context.Context, req *auditv1.ListAuditEntriesRequest) (*auditv1.ListAuditEntriesResponse, error) {
	f, err := callerFilter(ctx, req.GetFilter())
	if err != nil {
		return nil, err
	}
	f.Before, f.Limit = req.GetBefore(), int(req.GetPageSize())
	if f.Limit == 0 {
		f.Limit = 50
	}
	entries, err := s.store.List(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &auditv1.ListAuditEntriesResponse{Entries: make([]*auditv1.AuditEntry, len(entries))}
	for i, e := range entries {
		out.Entries[i] = entryToProto(e)
	}
	if len(entries) == f.Limit {
		out.NextBefore = entries[len(entries)-1].Seq
	}
	return out, nil
}

// ExportAuditEntries returns the matching entries as an XLSX file.
func (s *Server) ExportAuditEntries(ctx context.Context, req *auditv1.ExportAuditEntriesRequest) (*auditv1.ExportAuditEntriesResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	f, err := filter(p, req.GetFilter())
	if err != nil {
		return nil, err
	}
	f.Limit = maxExport
	entries, err := s.store.List(ctx, f)
	if err != nil {
		return nil, err
	}
	const name = "审计日志"
	wb, err := sheet.NewWorkbook(name)
	if err != nil {
		return nil, err
	}
	headers := []string{"序号", "时间", "操作人", "角色", "县（市、区）", "单位或终端", "来源地址", "操作", "对象", "结果", "原因代码", "链哈希"}
	row, err := wb.Titled(name, "审计日志（"+s.service+"）", "导出人："+p.Subject+"　导出时间："+time.Now().In(s.loc).Format("2006-01-02 15:04"), headers, 18)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		role := ""
		if e.Role != "" {
			role = auth.Role(e.Role).Label()
		}
		wb.Row(name, row, e.Seq, e.At.In(s.loc).Format("2006-01-02 15:04:05"), e.Actor, role, e.County, e.Unit, e.Client, e.Method, e.Targets,
			e.Outcome, e.Reason, hex.EncodeToString(e.Hash))
		row++
	}
	content, err := wb.Bytes()
	if err != nil {
		return nil, err
	}
	return &auditv1.ExportAuditEntriesResponse{Name: fmt.Sprintf("审计日志-%s-%s.xlsx", s.service, time.Now().In(s.loc).Format("20060102-1504")),
		ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Content: content}, nil
}
