// Package ports exposes the report back over gRPC: ReportService.
package ports

import (
	"context"
	"errors"
	"io"
	"strings"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/app"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/domain"
)

// ReportPolicy lets city and county admins and organizers reach the report back; the use cases
// keep county admins to their county (its units' reports to read), organizers to their unit's
// own report, and the review to the city.
func ReportPolicy() auth.Policy {
	reporters := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin, auth.RoleOrganizer}
	admins := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin}
	city := []auth.Role{auth.RoleCityAdmin}
	return auth.Policy{Roles: map[string][]auth.Role{
		reportingv1.ReportService_GetReport_FullMethodName:          reporters,
		reportingv1.ReportService_SaveReport_FullMethodName:         reporters,
		reportingv1.ReportService_SubmitReport_FullMethodName:       reporters,
		reportingv1.ReportService_UploadReportFile_FullMethodName:   reporters,
		reportingv1.ReportService_DownloadReportFile_FullMethodName: reporters,
		reportingv1.ReportService_DeleteReportFile_FullMethodName:   reporters,
		reportingv1.ReportService_ReturnReport_FullMethodName:       city,
		reportingv1.ReportService_AcceptReport_FullMethodName:       city,
		reportingv1.ReportService_ReopenReport_FullMethodName:       city,
		reportingv1.ReportService_ListReports_FullMethodName:        admins,
		reportingv1.ReportService_ExportMergedTable_FullMethodName:  city,
		reportingv1.ReportService_SetReportColumns_FullMethodName:   city,
	},
		// Reads change nothing and hand out no file: the audit trail leaves them out (downloads
		// of report files and the merged table stay audited).
		Reads: []string{reportingv1.ReportService_GetReport_FullMethodName, reportingv1.ReportService_ListReports_FullMethodName},
	}
}

// Reports implements ReportService.
type Reports struct {
	reportingv1.UnimplementedReportServiceServer
	app *app.Reports
}

// NewReports returns the port.
func NewReports(a *app.Reports) *Reports { return &Reports{app: a} }

func columnToProto(c domain.Column) *reportingv1.ReportColumn {
	return &reportingv1.ReportColumn{Key: c.Key, Label: c.Label, Source: reportingv1.ColumnSource(c.Source), Metric: c.Metric, Decimals: uint32(c.Decimals)}
}

func fileToProto(f domain.ReportFile) *reportingv1.ReportFile {
	return &reportingv1.ReportFile{Id: f.ID.String(), Kind: reportingv1.FileKind(f.Kind), Name: f.Name, ContentType: f.ContentType, Size: f.Size,
		DurationSeconds: f.Duration.Seconds(), Sha256: f.SHA256, UploadedAt: timestamppb.New(f.UploadedAt)}
}

func figuresToProto(figures []domain.Figure) []*reportingv1.ReportValue {
	out := make([]*reportingv1.ReportValue, len(figures))
	for i, f := range figures {
		out[i] = &reportingv1.ReportValue{ColumnKey: f.Key, Counted: f.Counted, Typed: f.Typed, Corrected: f.Corrected, CorrectionReason: f.Reason, Value: f.Value}
	}
	return out
}

func viewToProto(v app.ReportView) *reportingv1.Report {
	r := v.Report
	out := &reportingv1.Report{EditionId: r.EditionID, CountyCode: r.CountyCode, CountyName: v.CountyName, Status: reportingv1.ReportStatus(r.Status),
		Late: r.Late, Overdue: v.Overdue, Deadline: v.Edition.Deadline.Day, Reopened: r.Reopened, Values: figuresToProto(v.Figures),
		ReturnedReason: r.ReturnedReason, MaxVideoSeconds: uint32(v.Edition.MaxVideo.Seconds()), UnitId: r.UnitID, UnitName: v.UnitName}
	for _, val := range out.Values {
		if t, ok := v.UnitTotals[val.ColumnKey]; ok {
			val.Units = t
		}
	}
	for _, l := range v.Units {
		out.Units = append(out.Units, lineToProto(l))
	}
	if !r.SubmittedAt.IsZero() {
		out.SubmittedAt = timestamppb.New(r.SubmittedAt)
	}
	if !r.UpdatedAt.IsZero() {
		out.UpdatedAt = timestamppb.New(r.UpdatedAt)
	}
	for _, c := range v.Columns {
		out.Columns = append(out.Columns, columnToProto(c))
	}
	for _, f := range r.Files {
		out.Files = append(out.Files, fileToProto(f))
	}
	for _, ver := range v.Versions {
		pv := &reportingv1.ReportVersion{Version: uint32(ver.Version), AcceptedAt: timestamppb.New(ver.AcceptedAt), AcceptedBy: ver.AcceptedBy,
			Values: figuresToProto(ver.Figures)}
		for _, f := range ver.Files {
			pv.Files = append(pv.Files, fileToProto(f))
		}
		out.Versions = append(out.Versions, pv)
	}
	return out
}

// GetReport returns a county's report.
func (s *Reports) GetReport(ctx context.Context, req *reportingv1.GetReportRequest) (*reportingv1.GetReportResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.app.Get(ctx, p, req.GetEditionId(), reporter(req))
	if err != nil {
		return nil, err
	}
	return &reportingv1.GetReportResponse{Report: viewToProto(v)}, nil
}

// SaveReport stores figures as a draft.
func (s *Reports) SaveReport(ctx context.Context, req *reportingv1.SaveReportRequest) (*reportingv1.SaveReportResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	in := make([]domain.ValueInput, len(req.GetValues()))
	for i, v := range req.GetValues() {
		in[i] = domain.ValueInput{ColumnKey: v.GetColumnKey(), Typed: v.GetTyped(), Corrected: v.GetCorrected(), Reason: v.GetCorrectionReason()}
	}
	v, err := s.app.Save(ctx, p, req.GetEditionId(), reporter(req), in)
	if err != nil {
		return nil, err
	}
	return &reportingv1.SaveReportResponse{Report: viewToProto(v)}, nil
}

// SubmitReport submits a report.
func (s *Reports) SubmitReport(ctx context.Context, req *reportingv1.SubmitReportRequest) (*reportingv1.SubmitReportResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.app.Submit(ctx, p, req.GetEditionId(), reporter(req))
	if err != nil {
		return nil, err
	}
	return &reportingv1.SubmitReportResponse{Report: viewToProto(v)}, nil
}

// ReturnReport sends a report back.
func (s *Reports) ReturnReport(ctx context.Context, req *reportingv1.ReturnReportRequest) (*reportingv1.ReturnReportResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.app.Return(ctx, p, req.GetEditionId(), reporter(req), req.GetReason())
	if err != nil {
		return nil, err
	}
	return &reportingv1.ReturnReportResponse{Report: viewToProto(v)}, nil
}

// AcceptReport accepts a report.
func (s *Reports) AcceptReport(ctx context.Context, req *reportingv1.AcceptReportRequest) (*reportingv1.AcceptReportResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.app.Accept(ctx, p, req.GetEditionId(), reporter(req))
	if err != nil {
		return nil, err
	}
	return &reportingv1.AcceptReportResponse{Report: viewToProto(v)}, nil
}

// ReopenReport reopens a county after the deadline.
func (s *Reports) ReopenReport(ctx context.Context, req *reportingv1.ReopenReportRequest) (*reportingv1.ReopenReportResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.app.Reopen(ctx, p, req.GetEditionId(), reporter(req))
	if err != nil {
		return nil, err
	}
	return &reportingv1.ReopenReportResponse{Report: viewToProto(v)}, nil
}

// ListReports lists the counties' reports.
func (s *Reports) ListReports(ctx context.Context, req *reportingv1.ListReportsRequest) (*reportingv1.ListReportsResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	ed, lines, err := s.app.List(ctx, p, req.GetEditionId(), req.GetCountyCode())
	if err != nil {
		return nil, err
	}
	out := &reportingv1.ListReportsResponse{Deadline: ed.Deadline.Day}
	for _, l := range lines {
		out.Reports = append(out.Reports, lineToProto(l))
	}
	return out, nil
}

func lineToProto(l app.ReportLine) *reportingv1.ReportSummary {
	r := l.Report
	sum := &reportingv1.ReportSummary{CountyCode: l.CountyCode, CountyName: l.CountyName, UnitId: l.UnitID, UnitName: l.UnitName,
		Status: reportingv1.ReportStatus(r.Status), Late: r.Late, Overdue: l.Overdue, Reopened: r.Reopened, Files: uint32(len(r.Files))}
	if !r.SubmittedAt.IsZero() {
		sum.SubmittedAt = timestamppb.New(r.SubmittedAt)
	}
	return sum
}

// reporter reads whose report a request names: a county's, or one of its units'.
func reporter(req interface {
	GetCountyCode() string
	GetUnitId() string
}) domain.Reporter {
	return domain.Reporter{CountyCode: req.GetCountyCode(), UnitID: strings.ToLower(req.GetUnitId())}
}

// UploadReportFile stores a streamed file.
func (s *Reports) UploadReportFile(stream reportingv1.ReportService_UploadReportFileServer) error {
	p, err := rpc.Principal(stream.Context())
	if err != nil {
		return err
	}
	first, err := stream.Recv()
	if err != nil {
		if _, ok := errors.AsType[*errs.Error](err); ok {
			return err // the header broke its contract's rules
		}
		return ErrUploadEmpty.Wrap(err)
	}
	h := first.GetHeader()
	if h == nil {
		return ErrUploadHeaderFirst.New()
	}
	f, err := s.app.Upload(stream.Context(), p, app.FileHeader{EditionID: h.GetEditionId(), CountyCode: h.GetCountyCode(), UnitID: strings.ToLower(h.GetUnitId()), Kind: domain.FileKind(h.GetKind()), Name: h.GetName()},
		&chunkReader{stream: stream})
	if err != nil {
		return err
	}
	return stream.SendAndClose(&reportingv1.UploadReportFileResponse{File: fileToProto(f)})
}

// chunkReader reads an upload's chunks as one stream of bytes.
type chunkReader struct {
	stream reportingv1.ReportService_UploadReportFileServer
	buf    []byte
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		msg, err := c.stream.Recv()
		if err != nil {
			return 0, err // io.EOF at the end of the upload
		}
		if msg.GetHeader() != nil {
			return 0, ErrUploadHeaderFirst.New()
		}
		c.buf = msg.GetChunk()
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

// DownloadReportFile streams a file back in chunks of 256 KiB.
func (s *Reports) DownloadReportFile(req *reportingv1.DownloadReportFileRequest, stream reportingv1.ReportService_DownloadReportFileServer) error {
	p, err := rpc.Principal(stream.Context())
	if err != nil {
		return err
	}
	id, err := rpc.ParseUUID(req.GetFileId(), "file_id")
	if err != nil {
		return err
	}
	f, r, _, err := s.app.Open(stream.Context(), p, id)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := stream.Send(&reportingv1.DownloadReportFileResponse{File: fileToProto(f.ReportFile)}); err != nil {
		return err
	}
	buf := make([]byte, 256<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if err := stream.Send(&reportingv1.DownloadReportFileResponse{Chunk: buf[:n]}); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return ErrFileStoreBrokeOff.Wrap(err)
		}
	}
}

// DeleteReportFile removes a file.
func (s *Reports) DeleteReportFile(ctx context.Context, req *reportingv1.DeleteReportFileRequest) (*reportingv1.DeleteReportFileResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetFileId(), "file_id")
	if err != nil {
		return nil, err
	}
	return &reportingv1.DeleteReportFileResponse{}, s.app.Delete(ctx, p, id)
}

// SetReportColumns sets an edition's columns.
func (s *Reports) SetReportColumns(ctx context.Context, req *reportingv1.SetReportColumnsRequest) (*reportingv1.SetReportColumnsResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	cols := make([]domain.Column, len(req.GetColumns()))
	for i, c := range req.GetColumns() {
		cols[i] = domain.Column{Key: c.GetKey(), Label: c.GetLabel(), Source: domain.ColumnSource(c.GetSource()), Metric: c.GetMetric(), Decimals: int(c.GetDecimals())}
	}
	saved, err := s.app.SetColumns(ctx, p, req.GetEditionId(), cols)
	if err != nil {
		return nil, err
	}
	out := &reportingv1.SetReportColumnsResponse{}
	for _, c := range saved {
		out.Columns = append(out.Columns, columnToProto(c))
	}
	return out, nil
}

// ExportMergedTable writes the city's merged table.
func (s *Reports) ExportMergedTable(ctx context.Context, req *reportingv1.ExportMergedTableRequest) (*reportingv1.ExportMergedTableResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	format := app.TableXLSX
	if req.GetFormat() == reportingv1.TableFormat_TABLE_FORMAT_CSV {
		format = app.TableCSV
	}
	f, err := s.app.ExportMerged(ctx, p, req.GetEditionId(), format)
	if err != nil {
		return nil, err
	}
	return &reportingv1.ExportMergedTableResponse{Name: f.Name, ContentType: f.ContentType, Content: f.Content}, nil
}

// The refusals of an upload's or a download's stream.
var (
	ErrUploadEmpty = errs.Reason{Code: "REPORT_UPLOAD_EMPTY", Kind: errs.Invalid,
		English: "the upload sent nothing",
		Chinese: "没有收到文件，请重新上传"}
	ErrUploadHeaderFirst = errs.Reason{Code: "REPORT_UPLOAD_HEADER_FIRST", Kind: errs.Invalid,
		English: "an upload starts with the file's header (edition, county, kind, name), once",
		Chinese: "上传的内容不完整，请重新上传"}
	ErrFileStoreBrokeOff = errs.Reason{Code: "REPORT_FILE_STORE_BROKE_OFF", Kind: errs.Unavailable,
		English: "the file store broke off",
		Chinese: "文件存储中断，请稍后重新下载"}
)
