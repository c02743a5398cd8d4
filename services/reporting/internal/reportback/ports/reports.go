// Package ports exposes the report back over gRPC: ReportService.
package ports

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/app"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/domain"
)

// ReportPolicy lets city and county admins reach the report back; the use cases keep county
// admins to their county and the review to the city.
func ReportPolicy() auth.Policy {
	admins := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin}
	city := []auth.Role{auth.RoleCityAdmin}
	return auth.Policy{Roles: map[string][]auth.Role{
		reportingv1.ReportService_GetReport_FullMethodName:          admins,
		reportingv1.ReportService_SaveReport_FullMethodName:         admins,
		reportingv1.ReportService_SubmitReport_FullMethodName:       admins,
		reportingv1.ReportService_UploadReportFile_FullMethodName:   admins,
		reportingv1.ReportService_DownloadReportFile_FullMethodName: admins,
		reportingv1.ReportService_DeleteReportFile_FullMethodName:   admins,
		reportingv1.ReportService_ReturnReport_FullMethodName:       city,
		reportingv1.ReportService_AcceptReport_FullMethodName:       city,
		reportingv1.ReportService_ReopenReport_FullMethodName:       city,
		reportingv1.ReportService_ListReports_FullMethodName:        city,
		reportingv1.ReportService_ExportMergedTable_FullMethodName:  city,
		reportingv1.ReportService_SetReportColumns_FullMethodName:   city,
	}}
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
		ReturnedReason: r.ReturnedReason, MaxVideoSeconds: uint32(v.Edition.MaxVideo.Seconds())}
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
	v, err := s.app.Get(ctx, p, req.GetEditionId(), req.GetCountyCode())
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
	v, err := s.app.Save(ctx, p, req.GetEditionId(), req.GetCountyCode(), in)
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
	v, err := s.app.Submit(ctx, p, req.GetEditionId(), req.GetCountyCode())
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
	v, err := s.app.Return(ctx, p, req.GetEditionId(), req.GetCountyCode(), req.GetReason())
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
	v, err := s.app.Accept(ctx, p, req.GetEditionId(), req.GetCountyCode())
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
	v, err := s.app.Reopen(ctx, p, req.GetEditionId(), req.GetCountyCode())
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
	ed, lines, err := s.app.List(ctx, p, req.GetEditionId())
	if err != nil {
		return nil, err
	}
	out := &reportingv1.ListReportsResponse{Deadline: ed.Deadline.Day}
	for _, l := range lines {
		r := l.Report
		sum := &reportingv1.ReportSummary{CountyCode: l.CountyCode, CountyName: l.CountyName, Status: reportingv1.ReportStatus(r.Status), Late: r.Late,
			Overdue: l.Overdue, Reopened: r.Reopened, Files: uint32(len(r.Files))}
		if !r.SubmittedAt.IsZero() {
			sum.SubmittedAt = timestamppb.New(r.SubmittedAt)
		}
		out.Reports = append(out.Reports, sum)
	}
	return out, nil
}

// UploadReportFile stores a streamed file.
func (s *Reports) UploadReportFile(stream reportingv1.ReportService_UploadReportFileServer) error {
	p, err := rpc.Principal(stream.Context())
	if err != nil {
		return err
	}
	first, err := stream.Recv()
	if err != nil {
		return errs.E(errs.Invalid, "the upload sent nothing: %v", err)
	}
	h := first.GetHeader()
	if h == nil {
		return errs.E(errs.Invalid, "an upload starts with the file's header (edition, county, kind, name)")
	}
	f, err := s.app.Upload(stream.Context(), p, app.FileHeader{EditionID: h.GetEditionId(), CountyCode: h.GetCountyCode(), Kind: domain.FileKind(h.GetKind()), Name: h.GetName()},
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
			return 0, errs.E(errs.Invalid, "an upload has one header, first")
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
			return errs.E(errs.Unavailable, "the file store broke off: %v", err)
		}
	}
}

// DeleteReportFile removes a file.
func (s *Reports) DeleteReportFile(ctx context.Context, req *reportingv1.DeleteReportFileRequest) (*reportingv1.DeleteReportFileResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	id, err := rpc.ParseUUID(req.GetFileId(), "file_id")
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
	ed, t, err := s.app.Merged(ctx, p, req.GetEditionId())
	if err != nil {
		return nil, err
	}
	title := ed.Name + "开展情况统计表"
	if req.GetFormat() == reportingv1.TableFormat_TABLE_FORMAT_CSV {
		content, err := MergedCSV(t)
		if err != nil {
			return nil, err
		}
		return &reportingv1.ExportMergedTableResponse{Name: title + ".csv", ContentType: "text/csv; charset=utf-8", Content: content}, nil
	}
	featured, err := s.app.FeaturedList(ctx, req.GetEditionId())
	if err != nil {
		return nil, err
	}
	content, err := MergedWorkbook(title, t, featured)
	if err != nil {
		return nil, err
	}
	return &reportingv1.ExportMergedTableResponse{Name: title + ".xlsx", ContentType: sheet.XLSXContentType, Content: content}, nil
}

var statusNames = map[domain.ReportStatus]string{
	domain.ReportNotStarted: "未开始", domain.ReportDraft: "草稿", domain.ReportSubmitted: "已报送", domain.ReportReturned: "已退回", domain.ReportAccepted: "已接收",
}

func statusName(r domain.MergedRow) string {
	s := statusNames[r.Status]
	if r.Late {
		s += "（迟交）"
	}
	return s
}

// headers are the table's column headings, each marked counted or typed.
func headers(t domain.MergedTable, mark func(domain.Column) string) []string {
	h := []string{"序号", "县（市、区）"}
	for _, c := range t.Columns {
		h = append(h, c.Label+mark(c))
	}
	return append(h, "状态")
}

// MergedCSV writes the merged table as UTF-8 CSV with a byte-order mark (so Excel reads the
// Chinese), counted columns marked in their headings.
func MergedCSV(t domain.MergedTable) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	_ = w.Write(headers(t, func(c domain.Column) string {
		if c.Source == domain.SourceCounted {
			return "［系统统计］"
		}
		return "［填报］"
	}))
	for i, r := range t.Rows {
		line := []string{fmt.Sprint(i + 1), r.CountyName}
		for _, f := range r.Figures {
			line = append(line, f.Value)
		}
		_ = w.Write(append(line, statusName(r)))
	}
	_ = w.Write(append(append([]string{"", "合计"}, t.Total...), ""))
	w.Flush()
	return buf.Bytes(), w.Error()
}

// MergedWorkbook writes the merged table in the layout of the official table: a title, a row
// per county and the city's total, counted figures shaded blue, corrected ones orange with the counted figure and the
// reason in a comment; and the featured activities (附件2) as the second sheet. The total is
// written as the number it is (summed exactly in domain.Merge), not a formula, so every
// reader of the file sees it without recalculating.
func MergedWorkbook(title string, t domain.MergedTable, featured []byte) ([]byte, error) {
	const name = "附件1 统计表"
	w, err := sheet.NewWorkbook(name)
	if err != nil {
		return nil, err
	}
	counted, err := w.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Color: []string{"#DDEBF7"}, Pattern: 1}})
	if err != nil {
		return nil, err
	}
	corrected, err := w.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Color: []string{"#FCE4D6"}, Pattern: 1}})
	if err != nil {
		return nil, err
	}
	bold, err := w.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	width := len(t.Columns) + 3
	_ = w.SetCellValue(name, "A1", title)
	_ = w.MergeCell(name, "A1", sheet.Cell(width, 1))
	_ = w.SetCellStyle(name, "A1", "A1", bold)
	w.Header(name, 2, headers(t, func(domain.Column) string { return "" }), 14)
	_ = w.SetColWidth(name, "B", "B", 16)
	for i, r := range t.Rows {
		row := i + 3
		w.Row(name, row, i+1, r.CountyName)
		for j, f := range r.Figures {
			cell := sheet.Cell(j+3, row)
			if err := setNumber(w, name, cell, f.Value); err != nil {
				return nil, err
			}
			switch {
			case f.Source == domain.SourceCounted && f.Corrected != "":
				_ = w.SetCellStyle(name, cell, cell, corrected)
				_ = w.AddComment(name, excelize.Comment{Cell: cell, Author: "sciweek", Paragraph: []excelize.RichTextRun{
					{Text: fmt.Sprintf("系统统计：%s\n更正原因：%s", f.Counted, f.Reason)}}})
			case f.Source == domain.SourceCounted:
				_ = w.SetCellStyle(name, cell, cell, counted)
			}
		}
		_ = w.SetCellValue(name, sheet.Cell(width, row), statusName(r))
	}
	totalRow := len(t.Rows) + 3
	_ = w.SetCellValue(name, sheet.Cell(2, totalRow), "合计")
	for j, total := range t.Total {
		cell := sheet.Cell(j+3, totalRow)
		if err := setNumber(w, name, cell, total); err != nil {
			return nil, err
		}
	}
	_ = w.SetCellStyle(name, sheet.Cell(1, totalRow), sheet.Cell(width, totalRow), bold)
	legend := totalRow + 2
	_ = w.SetCellValue(name, sheet.Cell(1, legend), "说明：蓝色为系统统计数据（来自现场签到），橙色为县（市、区）更正的系统统计数据（批注中为系统统计值和更正原因），其余为填报数据。")
	_ = w.SetCellStyle(name, sheet.Cell(1, legend+1), sheet.Cell(1, legend+1), counted)
	if len(featured) > 0 {
		if err := copyFirstSheet(w.File, featured, "附件2 特色活动推荐清单"); err != nil {
			return nil, err
		}
	}
	return w.Bytes()
}

// setNumber writes a figure as a number, so the sheet can sum it; an empty figure stays empty.
func setNumber(w *sheet.Workbook, sheetName, cell, v string) error {
	if v == "" {
		return nil
	}
	if !strings.Contains(v, ".") {
		var n int64
		if _, err := fmt.Sscan(v, &n); err == nil {
			return w.SetCellValue(sheetName, cell, n)
		}
	}
	var f float64
	if _, err := fmt.Sscan(v, &f); err == nil {
		return w.SetCellValue(sheetName, cell, f)
	}
	return w.SetCellValue(sheetName, cell, v)
}

// copyFirstSheet copies the values of another workbook's first sheet into a new sheet.
func copyFirstSheet(into *excelize.File, from []byte, name string) error {
	src, err := excelize.OpenReader(bytes.NewReader(from))
	if err != nil {
		return fmt.Errorf("featured list: %w", err)
	}
	defer src.Close()
	rows, err := src.GetRows(src.GetSheetName(0))
	if err != nil {
		return err
	}
	if _, err := into.NewSheet(name); err != nil {
		return err
	}
	for i, row := range rows {
		for j, v := range row {
			if err := into.SetCellValue(name, sheet.Cell(j+1, i+1), v); err != nil {
				return err
			}
		}
	}
	return into.SetColWidth(name, "A", sheet.Column(max(1, len(rowsWidest(rows)))), 18)
}

func rowsWidest(rows [][]string) []string {
	var w []string
	for _, r := range rows {
		if len(r) > len(w) {
			w = r
		}
	}
	return w
}
