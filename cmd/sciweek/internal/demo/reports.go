package demo

import (
	"context"
	"fmt"

	"google.golang.org/grpc"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// reportPlan is what each county of the demo did with its 2024 report: the bureau's board
// shows every state.
var reportPlan = []struct {
	county string
	state  reportingv1.ReportStatus
}{
	{"140105", reportingv1.ReportStatus_REPORT_STATUS_ACCEPTED},
	{"140106", reportingv1.ReportStatus_REPORT_STATUS_SUBMITTED},
	{"140109", reportingv1.ReportStatus_REPORT_STATUS_SUBMITTED},
	{"140107", reportingv1.ReportStatus_REPORT_STATUS_RETURNED},
	{"140108", reportingv1.ReportStatus_REPORT_STATUS_DRAFT},
}

// ReturnedReason is the reason the demo's returned report was sent back with.
const ReturnedReason = "总结报告缺少活动照片，请补充后重新报送。"

// summaryPDF is a minimal PDF: the report back reads a summary's kind from its bytes.
var summaryPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// reports hands in a few counties' 2024 reports as their county admins would, and reviews
// them as the bureau: the 2024 deadline (10 June 2024) is long past, so the bureau first
// reopens each county (the board then shows them late, which they are when made today).
func (c clients) reports(ctx context.Context, conns Conns, info Info) error {
	reports := reportingv1.NewReportServiceClient(conns.Reporting)
	for _, p := range reportPlan {
		if _, err := reports.ReopenReport(ctx, &reportingv1.ReopenReportRequest{EditionId: HistoryEdition, CountyCode: p.county}, c.as); err != nil {
			return fmt.Errorf("reopen %s: %w", p.county, err)
		}
		login, err := c.accounts.Login(ctx, &registrationv1.LoginRequest{Username: "county-" + p.county, Password: info.StaffPassword})
		if err != nil {
			return fmt.Errorf("log in as county-%s: %w", p.county, err)
		}
		county := grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
		r, err := reports.GetReport(ctx, &reportingv1.GetReportRequest{EditionId: HistoryEdition, CountyCode: p.county}, county)
		if err != nil {
			return err
		}
		var values []*reportingv1.ValueInput
		for i, col := range r.GetReport().GetColumns() {
			if col.GetSource() == reportingv1.ColumnSource_COLUMN_SOURCE_TYPED {
				values = append(values, &reportingv1.ValueInput{ColumnKey: col.GetKey(), Typed: fmt.Sprint(3 + 7*i + len(p.county))})
			}
		}
		if _, err := reports.SaveReport(ctx, &reportingv1.SaveReportRequest{EditionId: HistoryEdition, CountyCode: p.county, Values: values}, county); err != nil {
			return fmt.Errorf("save %s: %w", p.county, err)
		}
		if p.state == reportingv1.ReportStatus_REPORT_STATUS_DRAFT {
			continue
		}
		up, err := reports.UploadReportFile(ctx, county)
		if err != nil {
			return err
		}
		if err := up.Send(&reportingv1.UploadReportFileRequest{Part: &reportingv1.UploadReportFileRequest_Header{Header: &reportingv1.UploadReportFileRequest_FileHeader{
			EditionId: HistoryEdition, CountyCode: p.county, Kind: reportingv1.FileKind_FILE_KIND_SUMMARY, Name: "2024年科技活动周工作总结.pdf"}}}); err != nil {
			return err
		}
		if err := up.Send(&reportingv1.UploadReportFileRequest{Part: &reportingv1.UploadReportFileRequest_Chunk{Chunk: summaryPDF}}); err != nil {
			return err
		}
		if _, err := up.CloseAndRecv(); err != nil {
			return fmt.Errorf("summary of %s: %w", p.county, err)
		}
		if _, err := reports.SubmitReport(ctx, &reportingv1.SubmitReportRequest{EditionId: HistoryEdition, CountyCode: p.county}, county); err != nil {
			return fmt.Errorf("submit %s: %w", p.county, err)
		}
		switch p.state {
		case reportingv1.ReportStatus_REPORT_STATUS_ACCEPTED:
			_, err = reports.AcceptReport(ctx, &reportingv1.AcceptReportRequest{EditionId: HistoryEdition, CountyCode: p.county}, c.as)
		case reportingv1.ReportStatus_REPORT_STATUS_RETURNED:
			_, err = reports.ReturnReport(ctx, &reportingv1.ReturnReportRequest{EditionId: HistoryEdition, CountyCode: p.county, Reason: ReturnedReason}, c.as)
		}
		if err != nil {
			return fmt.Errorf("review %s: %w", p.county, err)
		}
	}
	return nil
}
