package reporting_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/pkg/auth"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/labels"
)

// noticeContact is the contact the 2024 notice prints, which every fixture edition carries.
var noticeContact = &registrationv1.EditionContact{Office: "市科技局国际合作办公室", Person: "王宏颖", Phone: "4222068", Email: "w251342595@163.com"}

// edition announces an edition's report settings as registration does, with the notice's
// contact.
func (f *fixture) edition(id, deadline string, counties ...string) {
	f.t.Helper()
	names := map[string]string{"140105": "小店区", "140106": "迎泽区", "140107": "杏花岭区"}
	ed := &registrationv1.Edition{Id: id, Name: id + "年太原市科技活动周", ReportDeadline: deadline, MaxVideoSeconds: 180, TimeZone: "Asia/Shanghai",
		Contact: noticeContact}
	for _, c := range counties {
		ed.Counties = append(ed.Counties, &registrationv1.County{Code: c, Name: names[c]})
	}
	f.publish("sciweek.registration.edition.changed", &registrationv1.EditionChanged{EventId: uuid.NewString(), Edition: ed})
}

// reports is a ReportService client calling as someone.
func (f *fixture) reports(as auth.Principal) (reportingv1.ReportServiceClient, context.Context) {
	f.t.Helper()
	tok, _, err := f.tokens.Issuer.Issue(as)
	if err != nil {
		f.t.Fatal(err)
	}
	return reportingv1.NewReportServiceClient(f.conn), metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+tok)
}

// upload streams a file to a county's report in chunks of 3,000 bytes.
func (f *fixture) upload(as auth.Principal, edition, county string, kind reportingv1.FileKind, name string, content []byte) (*reportingv1.ReportFile, error) {
	return f.uploadTo(as, edition, county, "", kind, name, content)
}

// uploadTo streams a file to a county's or (unit set) a unit's report.
func (f *fixture) uploadTo(as auth.Principal, edition, county, unit string, kind reportingv1.FileKind, name string, content []byte) (*reportingv1.ReportFile, error) {
	client, ctx := f.reports(as)
	stream, err := client.UploadReportFile(ctx)
	if err != nil {
		return nil, err
	}
	if err := stream.Send(&reportingv1.UploadReportFileRequest{Part: &reportingv1.UploadReportFileRequest_Header{Header: &reportingv1.UploadReportFileRequest_FileHeader{
		EditionId: edition, CountyCode: county, UnitId: unit, Kind: kind, Name: name}}}); err != nil {
		return nil, err
	}
	for len(content) > 0 {
		n := min(3000, len(content))
		if err := stream.Send(&reportingv1.UploadReportFileRequest{Part: &reportingv1.UploadReportFileRequest_Chunk{Chunk: content[:n]}}); err != nil {
			break // refused: the reason comes with the close
		}
		content = content[n:]
	}
	resp, err := stream.CloseAndRecv()
	return resp.GetFile(), err
}

// fill types every typed figure of a county's report.
func (f *fixture) fill(as auth.Principal, edition, county string, extra ...*reportingv1.ValueInput) (*reportingv1.Report, error) {
	return f.fillIn(as, edition, county, "", extra...)
}

// fillIn types every typed figure of a county's or (unit set) a unit's report.
func (f *fixture) fillIn(as auth.Principal, edition, county, unit string, extra ...*reportingv1.ValueInput) (*reportingv1.Report, error) {
	client, ctx := f.reports(as)
	got, err := client.GetReport(ctx, &reportingv1.GetReportRequest{EditionId: edition, CountyCode: county, UnitId: unit})
	if err != nil {
		return nil, err
	}
	var in []*reportingv1.ValueInput
	for i, c := range got.GetReport().GetColumns() {
		if c.GetSource() == reportingv1.ColumnSource_COLUMN_SOURCE_TYPED {
			v := strconv.Itoa(10 + i)
			if c.GetDecimals() > 0 {
				v += ".25"
			}
			in = append(in, &reportingv1.ValueInput{ColumnKey: c.GetKey(), Typed: v})
		}
	}
	saved, err := client.SaveReport(ctx, &reportingv1.SaveReportRequest{EditionId: edition, CountyCode: county, UnitId: unit, Values: append(in, extra...)})
	return saved.GetReport(), err
}

func value(r *reportingv1.Report, key string) *reportingv1.ReportValue {
	for _, v := range r.GetValues() {
		if v.GetColumnKey() == key {
			return v
		}
	}
	return nil
}

func TestReportBack(t *testing.T) {
	t.Parallel()
	f := start(t)
	f.week(t) // 2024: 48 participations in 140105, 11 in 140106
	future := time.Now().AddDate(0, 0, 5).Format(time.DateOnly)
	f.edition("2024", future, "140105", "140106", "140107")
	xiaodian, yingze := testkit.CountyAdmin("140105"), testkit.CountyAdmin("140106")
	f.settled(t, 59)
	testkit.Eventually(t, 10*time.Second, func() error {
		client, ctx := f.reports(xiaodian)
		r, err := client.GetReport(ctx, &reportingv1.GetReportRequest{EditionId: "2024", CountyCode: "140105"})
		if err != nil {
			return err
		}
		if r.GetReport().GetDeadline() != future {
			return fmt.Errorf("deadline %q", r.GetReport().GetDeadline())
		}
		return nil
	})

	// The county's table: counted figures from the live statistics, typed ones, a correction.
	r, err := f.fill(xiaodian, "2024", "140105", &reportingv1.ValueInput{ColumnKey: "venues_opened", Corrected: "3", CorrectionReason: "一处流动科普站未设终端，按现场登记计入"})
	if err != nil {
		t.Fatal(err)
	}
	if p := value(r, "participations"); p.GetCounted() != "48" || p.GetValue() != "48" {
		t.Fatalf("participations = %v, want 48 counted", p)
	}
	if v := value(r, "venues_opened"); v.GetCounted() != "1" || v.GetValue() != "3" || v.GetCorrectionReason() == "" {
		t.Fatalf("a correction keeps the counted figure beside it: %v", v)
	}
	if v := value(r, "held_lecture"); v.GetCounted() != "1" {
		t.Fatalf("lectures held = %v", v)
	}
	if v, h := value(r, "workers_day_participations"), value(r, "workers_day_held"); v.GetCounted() != "48" || h.GetCounted() != "1" {
		t.Fatalf("Workers' Day joint activities: %v held, %v participations", h, v)
	}
	// The themed weeks: the lecture is 气象科技周, the county's only activity.
	if v, h := value(r, "theme_participations_meteorology"), value(r, "theme_held_meteorology"); v.GetCounted() != "48" || h.GetCounted() != "1" {
		t.Fatalf("气象科技周: %v held, %v participations", h, v)
	}
	if v := value(r, "theme_participations_agriculture"); v.GetCounted() != "0" {
		t.Fatalf("农业科技周 in a county without any: %v", v)
	}
	if r.GetStatus() != reportingv1.ReportStatus_REPORT_STATUS_DRAFT {
		t.Fatalf("status %v", r.GetStatus())
	}

	// Files: the length of a video is read from its container.
	pdf := []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
	uploads := []struct {
		name    string
		kind    reportingv1.FileKind
		content []byte
		code    codes.Code
		says    string
	}{
		{"总结报告.pdf", reportingv1.FileKind_FILE_KIND_SUMMARY, pdf, codes.OK, ""},
		{"开幕式.mp4", reportingv1.FileKind_FILE_KIND_VIDEO, testkit.Video(t, 179, testkit.VideoFragmented), codes.OK, ""},
		{"全程回放.mp4", reportingv1.FileKind_FILE_KIND_VIDEO, testkit.Video(t, 240, testkit.VideoFragmented), codes.InvalidArgument, "4:00"},
		{"假视频.mp4", reportingv1.FileKind_FILE_KIND_VIDEO, []byte(strings.Repeat("not a video ", 500)), codes.InvalidArgument, "MP4"},
		{"总结.txt", reportingv1.FileKind_FILE_KIND_SUMMARY, []byte("a summary in plain text"), codes.InvalidArgument, "PDF"},
	}
	for _, u := range uploads {
		file, err := f.upload(xiaodian, "2024", "140105", u.kind, u.name, u.content)
		if status.Code(err) != u.code || !strings.Contains(status.Convert(err).Message(), u.says) {
			t.Fatalf("%s: %v, want %v saying %q", u.name, err, u.code, u.says)
		}
		if u.code == codes.OK && (file.GetSize() != int64(len(u.content)) || file.GetName() != u.name) {
			t.Fatalf("%s stored as %v", u.name, file)
		}
		if u.kind == reportingv1.FileKind_FILE_KIND_VIDEO && u.code == codes.OK && math.Round(file.GetDurationSeconds()) != 179 {
			t.Fatalf("video length %v", file.GetDurationSeconds())
		}
	}
	client, ctx := f.reports(xiaodian)
	got, err := client.GetReport(ctx, &reportingv1.GetReportRequest{EditionId: "2024", CountyCode: "140105"})
	if err != nil || len(got.GetReport().GetFiles()) != 2 {
		t.Fatalf("files after refusals: %v %v (refused uploads must leave nothing)", got.GetReport().GetFiles(), err)
	}
	// The file comes back whole.
	down, err := client.DownloadReportFile(ctx, &reportingv1.DownloadReportFileRequest{FileId: got.GetReport().GetFiles()[0].GetId()})
	if err != nil {
		t.Fatal(err)
	}
	var back []byte
	for {
		msg, err := down.Recv()
		if err != nil {
			break
		}
		back = append(back, msg.GetChunk()...)
	}
	if !bytes.Equal(back, pdf) {
		t.Fatalf("downloaded %d bytes, uploaded %d", len(back), len(pdf))
	}

	// Another county can neither read nor write it.
	other, octx := f.reports(yingze)
	if _, err := other.GetReport(octx, &reportingv1.GetReportRequest{EditionId: "2024", CountyCode: "140105"}); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("another county reading: %v", err)
	}
	if _, err := f.upload(yingze, "2024", "140105", reportingv1.FileKind_FILE_KIND_SUMMARY, "x.pdf", pdf); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("another county uploading: %v", err)
	}
	if _, err := other.DownloadReportFile(octx, &reportingv1.DownloadReportFileRequest{FileId: got.GetReport().GetFiles()[0].GetId()}); err == nil {
		if _, err := mustRecv(other, octx, got.GetReport().GetFiles()[0].GetId()); status.Code(err) != codes.PermissionDenied {
			t.Fatalf("another county downloading: %v", err)
		}
	}

	// Submitted, accepted, locked.
	if _, err := client.SubmitReport(ctx, &reportingv1.SubmitReportRequest{EditionId: "2024", CountyCode: "140105"}); err != nil {
		t.Fatal(err)
	}
	city, cctx := f.reports(testkit.CityAdmin())
	if _, err := client.AcceptReport(ctx, &reportingv1.AcceptReportRequest{EditionId: "2024", CountyCode: "140105"}); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("a county accepting its own report: %v", err)
	}
	accepted, err := city.AcceptReport(cctx, &reportingv1.AcceptReportRequest{EditionId: "2024", CountyCode: "140105"})
	if err != nil || accepted.GetReport().GetStatus() != reportingv1.ReportStatus_REPORT_STATUS_ACCEPTED || len(accepted.GetReport().GetVersions()) != 1 {
		t.Fatalf("accept: %v %v", accepted, err)
	}
	if _, err := f.fill(xiaodian, "2024", "140105"); status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("changing an accepted report: %v", err)
	}
	// 140106 saves a draft; 140107 does nothing.
	if _, err := f.fill(yingze, "2024", "140106"); err != nil {
		t.Fatal(err)
	}

	// The merged table: a row per county, the total their sum, counted figures the live ones.
	live, liveThemes, liveWorkersDay := map[string]int64{}, map[string]map[string]int64{}, map[string]int64{}
	for _, county := range []string{"140105", "140106", "140107"} {
		d, err := f.dashboard(testkit.CityAdmin(), &reportingv1.DashboardFilter{CountyCode: county})
		if err != nil {
			t.Fatal(err)
		}
		live[county] = d.GetTotals().GetParticipations()
		liveWorkersDay[county] = d.GetTotals().GetWorkersDayParticipations()
		liveThemes[county] = map[string]int64{}
		for _, k := range d.GetThemes() {
			liveThemes[county][labels.Theme(k.GetTheme())] = k.GetParticipations()
		}
	}
	merged, err := city.ExportMergedTable(cctx, &reportingv1.ExportMergedTableRequest{EditionId: "2024"})
	if err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(bytes.NewReader(merged.GetContent()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows(book.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	// Title, the unit and date line, headings, three counties, the total.
	if len(rows) < 7 || rows[6][1] != "合计" || !strings.Contains(rows[1][0], "制表日期") {
		t.Fatalf("merged table rows: %v", rows)
	}
	rows = rows[1:] // as before the line: headings at 1, counties from 2, the total at 5
	col := map[string]int{}
	for i, h := range rows[1] {
		col[h] = i
	}
	for i, county := range []string{"小店区", "迎泽区", "杏花岭区"} {
		if rows[2+i][1] != county {
			t.Fatalf("row %d is %q, want %s", i, rows[2+i][1], county)
		}
	}
	// Printed as offices print it, the totals formulas that come to the stored totals.
	sheetName := book.GetSheetName(0)
	layout, err := book.GetPageLayout(sheetName)
	if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.Size == nil || *layout.Size != 9 ||
		layout.FitToWidth == nil || *layout.FitToWidth != 1 {
		t.Fatalf("page layout %+v %v", layout, err)
	}
	if panes, err := book.GetPanes(sheetName); err != nil || !panes.Freeze || panes.YSplit != 3 {
		t.Fatalf("panes %+v %v", panes, err)
	}
	titles := false
	for _, n := range book.GetDefinedName() {
		titles = titles || n.Name == "_xlnm.Print_Titles" && strings.HasSuffix(n.RefersTo, "!$1:$3")
	}
	if !titles {
		t.Fatalf("no print titles in %v", book.GetDefinedName())
	}
	for c := 2; c < len(rows[5])-1; c++ {
		cell, _ := excelize.CoordinatesToCellName(c+1, 7)
		formula, _ := book.GetCellFormula(sheetName, cell)
		calc, err := book.CalcCellValue(sheetName, cell)
		if err != nil || !strings.HasPrefix(formula, "SUM(") {
			t.Fatalf("total %s: formula %q, %v", cell, formula, err)
		}
		stored, _ := strconv.ParseFloat(rows[5][c], 64)
		got, _ := strconv.ParseFloat(calc, 64)
		if fmt.Sprintf("%.2f", got) != fmt.Sprintf("%.2f", stored) {
			t.Fatalf("total %s: the formula comes to %s, the stored total is %s", cell, calc, rows[5][c])
		}
	}
	for h, c := range col {
		if c < 2 || h == "状态" {
			continue
		}
		var sum float64
		for i := 2; i < 5; i++ {
			if c < len(rows[i]) && rows[i][c] != "" {
				v, err := strconv.ParseFloat(rows[i][c], 64)
				if err != nil {
					t.Fatalf("%s of row %d: %q", h, i, rows[i][c])
				}
				sum += v
			}
		}
		total, _ := strconv.ParseFloat(rows[5][c], 64)
		if fmt.Sprintf("%.2f", total) != fmt.Sprintf("%.2f", sum) {
			t.Fatalf("%s: total %v, counties add up to %v", h, total, sum)
		}
	}
	p := col["参与人次"]
	for i, code := range []string{"140105", "140106", "140107"} {
		if rows[2+i][p] != strconv.FormatInt(live[code], 10) {
			t.Fatalf("%s participations %q, the live statistics say %d", code, rows[2+i][p], live[code])
		}
	}
	// The themed weeks' columns: each county's participations of the four themes and of none
	// (the dashboard's) add up to its participations, and each is the dashboard's figure.
	themed := []string{"农业科技周", "气象科技周", "林草科技周", "交通运输科技周"}
	for i, code := range []string{"140105", "140106", "140107"} {
		sum := liveThemes[code]["无"]
		for _, theme := range themed {
			c, ok := col["其中："+theme+"（人次）"]
			if !ok {
				t.Fatalf("no column of %s in %v", theme, rows[1])
			}
			n, _ := strconv.ParseInt(rows[2+i][c], 10, 64)
			if n != liveThemes[code][theme] {
				t.Errorf("%s %s: %d in the table, %d on the dashboard", code, theme, n, liveThemes[code][theme])
			}
			sum += n
		}
		if sum != live[code] {
			t.Errorf("%s: the themes and none come to %d, the county's participations are %d", code, sum, live[code])
		}
	}
	// Workers' Day's column: each county's the dashboard's, the city's 48 (the lecture).
	wd := col["其中：科技工作者日联合活动（人次）"]
	for i, code := range []string{"140105", "140106", "140107"} {
		if rows[2+i][wd] != strconv.FormatInt(liveWorkersDay[code], 10) {
			t.Errorf("%s Workers' Day participations %q, the dashboard says %d", code, rows[2+i][wd], liveWorkersDay[code])
		}
	}
	if rows[5][wd] != "48" {
		t.Errorf("the city's Workers' Day participations %q, want 48", rows[5][wd])
	}
	if c := col["其中：农业科技周活动（项）"]; rows[3][c] != "1" || rows[5][c] != "1" {
		t.Errorf("农业科技周 activities held: 迎泽区 %q, total %q, want 1 and 1", rows[3][c], rows[5][c])
	}
	comment, err := book.GetComments(book.GetSheetName(0))
	if err != nil || len(comment) != 1 || !strings.Contains(comment[0].Paragraph[0].Text, "系统统计：1") {
		t.Fatalf("the corrected figure's comment: %v %v", comment, err)
	}
	csv, err := city.ExportMergedTable(cctx, &reportingv1.ExportMergedTableRequest{EditionId: "2024", Format: reportingv1.TableFormat_TABLE_FORMAT_CSV})
	if err != nil || !bytes.HasPrefix(csv.GetContent(), []byte("\ufeff序号,县（市、区）,")) || !strings.Contains(string(csv.GetContent()), "合计") {
		t.Fatalf("CSV: %q %v", csv.GetContent(), err)
	}
	if _, err := client.ExportMergedTable(ctx, &reportingv1.ExportMergedTableRequest{EditionId: "2024"}); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("a county exporting the city's table: %v", err)
	}
	list, err := city.ListReports(cctx, &reportingv1.ListReportsRequest{EditionId: "2024"})
	var counties []*reportingv1.ReportSummary
	for _, l := range list.GetReports() {
		if l.GetUnitId() == "" { // the units' lines follow their counties' (TestUnitsReportToo)
			counties = append(counties, l)
		}
	}
	if err != nil || len(counties) != 3 || counties[0].GetStatus() != reportingv1.ReportStatus_REPORT_STATUS_ACCEPTED ||
		counties[1].GetStatus() != reportingv1.ReportStatus_REPORT_STATUS_DRAFT || counties[2].GetStatus() != reportingv1.ReportStatus_REPORT_STATUS_NOT_STARTED {
		t.Fatalf("list: %v %v", list, err)
	}
	if _, err := city.SetReportColumns(cctx, &reportingv1.SetReportColumnsRequest{EditionId: "2024", Columns: []*reportingv1.ReportColumn{
		{Key: "media_reports", Label: "媒体报道（篇）", Source: reportingv1.ColumnSource_COLUMN_SOURCE_TYPED}}}); status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("changing the columns after a county submitted: %v", err)
	}
}

func mustRecv(c reportingv1.ReportServiceClient, ctx context.Context, id string) (*reportingv1.DownloadReportFileResponse, error) {
	s, err := c.DownloadReportFile(ctx, &reportingv1.DownloadReportFileRequest{FileId: id})
	if err != nil {
		return nil, err
	}
	return s.Recv()
}

func TestReportDeadline(t *testing.T) {
	t.Parallel()
	f := start(t)
	yesterday := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	f.edition("2023", yesterday, "140106")
	yingze := testkit.CountyAdmin("140106")
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	testkit.Eventually(t, 10*time.Second, func() error {
		_, err := f.upload(yingze, "2023", "140106", reportingv1.FileKind_FILE_KIND_SUMMARY, "总结.pdf", pdf)
		return err
	})
	if _, err := f.fill(yingze, "2023", "140106"); err != nil {
		t.Fatal(err)
	}
	client, ctx := f.reports(yingze)
	_, err := client.SubmitReport(ctx, &reportingv1.SubmitReportRequest{EditionId: "2023", CountyCode: "140106"})
	if status.Code(err) != codes.FailedPrecondition || !strings.Contains(status.Convert(err).Message(), yesterday) {
		t.Fatalf("submitting after the deadline: %v, want FailedPrecondition naming %s", err, yesterday)
	}
	got, err := client.GetReport(ctx, &reportingv1.GetReportRequest{EditionId: "2023", CountyCode: "140106"})
	if err != nil || !got.GetReport().GetOverdue() {
		t.Fatalf("overdue: %v %v", got, err)
	}
	if _, err := client.ReopenReport(ctx, &reportingv1.ReopenReportRequest{EditionId: "2023", CountyCode: "140106"}); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("a county reopening itself: %v", err)
	}
	city, cctx := f.reports(testkit.CityAdmin())
	if _, err := city.ReopenReport(cctx, &reportingv1.ReopenReportRequest{EditionId: "2023", CountyCode: "140106"}); err != nil {
		t.Fatal(err)
	}
	submitted, err := client.SubmitReport(ctx, &reportingv1.SubmitReportRequest{EditionId: "2023", CountyCode: "140106"})
	if err != nil || !submitted.GetReport().GetLate() || submitted.GetReport().GetStatus() != reportingv1.ReportStatus_REPORT_STATUS_SUBMITTED {
		t.Fatalf("a late submission after reopening: %v %v", submitted, err)
	}
	returned, err := city.ReturnReport(cctx, &reportingv1.ReturnReportRequest{EditionId: "2023", CountyCode: "140106", Reason: "请补充活动照片"})
	if err != nil || returned.GetReport().GetReturnedReason() != "请补充活动照片" {
		t.Fatalf("return: %v %v", returned, err)
	}
}

// TestUnitsReportToo: an organizer unit (各有关单位) fills, uploads and submits its own report
// with the figures of its own activities; its county sees it (and may add its typed figures to
// its own) but may not change it; other units and counties are refused; the bureau's list
// shows units beside counties; an organizer's dashboard shows its own activities only.
func TestUnitsReportToo(t *testing.T) {
	t.Parallel()
	f := start(t)
	w := f.week(t) // the museum's lecture: 48 participations in 140105; the school's exhibition: 11 in 140106
	future := time.Now().AddDate(0, 0, 5).Format(time.DateOnly)
	f.edition("2024", future, "140105", "140106", "140107")
	f.settled(t, 59)
	museum := auth.Principal{Subject: "museum-staff", Role: auth.RoleOrganizer, CountyCode: "140105", UnitID: w.museum.String()}
	school := auth.Principal{Subject: "school-staff", Role: auth.RoleOrganizer, CountyCode: "140106", UnitID: w.school.String()}
	xiaodian, yingze := testkit.CountyAdmin("140105"), testkit.CountyAdmin("140106")
	own := &reportingv1.GetReportRequest{EditionId: "2024", CountyCode: "140105", UnitId: w.museum.String()}
	var r *reportingv1.Report
	testkit.Eventually(t, 10*time.Second, func() error {
		client, ctx := f.reports(museum)
		got, err := client.GetReport(ctx, own)
		r = got.GetReport()
		if err == nil && r.GetDeadline() != future {
			return fmt.Errorf("deadline %q", r.GetDeadline())
		}
		return err
	})
	if r.GetUnitName() != "山西省科学技术馆" || value(r, "participations").GetCounted() != "48" || value(r, "held_lecture").GetCounted() != "1" {
		t.Fatalf("the museum's own report: %s, participations %v", r.GetUnitName(), value(r, "participations"))
	}
	refusals := []struct {
		name string
		as   auth.Principal
		call func(reportingv1.ReportServiceClient, context.Context) error
		code codes.Code
	}{
		{"another unit reads it", school, func(c reportingv1.ReportServiceClient, ctx context.Context) error {
			_, err := c.GetReport(ctx, own)
			return err
		}, codes.PermissionDenied},
		{"another county reads it", yingze, func(c reportingv1.ReportServiceClient, ctx context.Context) error {
			_, err := c.GetReport(ctx, own)
			return err
		}, codes.PermissionDenied},
		{"its county changes it", xiaodian, func(c reportingv1.ReportServiceClient, ctx context.Context) error {
			_, err := c.SaveReport(ctx, &reportingv1.SaveReportRequest{EditionId: "2024", CountyCode: "140105", UnitId: w.museum.String(),
				Values: []*reportingv1.ValueInput{{ColumnKey: "materials", Typed: "1"}}})
			return err
		}, codes.PermissionDenied},
		{"a unit reads its county's report", museum, func(c reportingv1.ReportServiceClient, ctx context.Context) error {
			_, err := c.GetReport(ctx, &reportingv1.GetReportRequest{EditionId: "2024", CountyCode: "140105"})
			return err
		}, codes.PermissionDenied},
		{"a unit lists its county's reports", museum, func(c reportingv1.ReportServiceClient, ctx context.Context) error {
			_, err := c.ListReports(ctx, &reportingv1.ListReportsRequest{EditionId: "2024", CountyCode: "140105"})
			return err
		}, codes.PermissionDenied},
		{"a county lists every county", xiaodian, func(c reportingv1.ReportServiceClient, ctx context.Context) error {
			_, err := c.ListReports(ctx, &reportingv1.ListReportsRequest{EditionId: "2024"})
			return err
		}, codes.PermissionDenied},
		{"a unit with no activity in the county", school, func(c reportingv1.ReportServiceClient, ctx context.Context) error {
			_, err := c.GetReport(ctx, &reportingv1.GetReportRequest{EditionId: "2024", CountyCode: "140105", UnitId: w.school.String()})
			return err
		}, codes.NotFound},
		{"a unit accepts its own", museum, func(c reportingv1.ReportServiceClient, ctx context.Context) error {
			_, err := c.AcceptReport(ctx, &reportingv1.AcceptReportRequest{EditionId: "2024", CountyCode: "140105", UnitId: w.museum.String()})
			return err
		}, codes.PermissionDenied},
	}
	for _, tt := range refusals {
		client, ctx := f.reports(tt.as)
		if err := tt.call(client, ctx); status.Code(err) != tt.code {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.code)
		}
	}
	if _, err := f.uploadTo(school, "2024", "140105", w.museum.String(), reportingv1.FileKind_FILE_KIND_SUMMARY, "总结.pdf", []byte("%PDF-1.7\n")); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("another unit uploads to it: %v", err)
	}

	// The unit's own table, summary and video, under the same checks as a county's.
	if _, err := f.fillIn(museum, "2024", "140105", w.museum.String()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.uploadTo(museum, "2024", "140105", w.museum.String(), reportingv1.FileKind_FILE_KIND_VIDEO, "回放.mp4",
		testkit.Video(t, 240, testkit.VideoFragmented)); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("a four-minute fragmented video: %v", err)
	}
	if _, err := f.uploadTo(museum, "2024", "140105", w.museum.String(), reportingv1.FileKind_FILE_KIND_SUMMARY, "科技馆总结.pdf", []byte("%PDF-1.7\n%…")); err != nil {
		t.Fatal(err)
	}
	client, ctx := f.reports(museum)
	sub, err := client.SubmitReport(ctx, &reportingv1.SubmitReportRequest{EditionId: "2024", CountyCode: "140105", UnitId: w.museum.String()})
	if err != nil || sub.GetReport().GetStatus() != reportingv1.ReportStatus_REPORT_STATUS_SUBMITTED {
		t.Fatalf("submit: %v %v", sub.GetReport().GetStatus(), err)
	}

	// Its county sees it submitted, reads it and its file, and sees what it may add to its own.
	client, ctx = f.reports(xiaodian)
	county, err := client.GetReport(ctx, &reportingv1.GetReportRequest{EditionId: "2024", CountyCode: "140105"})
	if err != nil {
		t.Fatal(err)
	}
	units := county.GetReport().GetUnits()
	if len(units) != 1 || units[0].GetUnitId() != w.museum.String() || units[0].GetStatus() != reportingv1.ReportStatus_REPORT_STATUS_SUBMITTED {
		t.Fatalf("the county's units: %v", units)
	}
	typedMaterials := value(sub.GetReport(), "materials").GetTyped()
	if got := value(county.GetReport(), "materials").GetUnits(); got == "" || got != typedMaterials {
		t.Fatalf("the units' materials on the county's report = %q, want the museum's %q", got, typedMaterials)
	}
	if got := value(county.GetReport(), "funds").GetUnits(); got != value(sub.GetReport(), "funds").GetTyped() {
		t.Fatalf("the units' funds = %q", got)
	}
	seen, err := client.GetReport(ctx, own)
	if err != nil || len(seen.GetReport().GetFiles()) != 1 {
		t.Fatalf("the county reads the unit's report: %v, %v", seen.GetReport().GetFiles(), err)
	}
	dl, err := client.DownloadReportFile(ctx, &reportingv1.DownloadReportFileRequest{FileId: seen.GetReport().GetFiles()[0].GetId()})
	if err == nil {
		_, err = dl.Recv()
	}
	if err != nil {
		t.Fatalf("the county downloads the unit's summary: %v", err)
	}
	list, err := client.ListReports(ctx, &reportingv1.ListReportsRequest{EditionId: "2024", CountyCode: "140105"})
	if err != nil || len(list.GetReports()) != 2 || list.GetReports()[1].GetUnitName() != "山西省科学技术馆" {
		t.Fatalf("the county's list: %v %v", list.GetReports(), err)
	}

	// The bureau's board: every county, each followed by its units.
	client, ctx = f.reports(testkit.CityAdmin())
	list, err = client.ListReports(ctx, &reportingv1.ListReportsRequest{EditionId: "2024"})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range list.GetReports() {
		lines = append(lines, l.GetCountyCode()+"/"+l.GetUnitName()+"/"+strings.TrimPrefix(l.GetStatus().String(), "REPORT_STATUS_"))
	}
	want := "140105//NOT_STARTED 140105/山西省科学技术馆/SUBMITTED 140106//NOT_STARTED 140106/煤转化国家重点实验室/NOT_STARTED 140106/迎泽区实验小学/NOT_STARTED 140107//NOT_STARTED"
	if strings.Join(lines, " ") != want {
		t.Fatalf("the board:\n%s\nwant\n%s", strings.Join(lines, " "), want)
	}
	if _, err := client.ReturnReport(ctx, &reportingv1.ReturnReportRequest{EditionId: "2024", CountyCode: "140105", UnitId: w.museum.String(), Reason: "请补充活动照片"}); err != nil {
		t.Fatal(err)
	}
	back, _ := f.reports(xiaodian)
	county, err = back.GetReport(context.Background(), &reportingv1.GetReportRequest{EditionId: "2024", CountyCode: "140105"}, f.tokens.As(t, xiaodian))
	if err != nil || value(county.GetReport(), "materials").GetUnits() != "0" {
		t.Fatalf("a returned unit's figures leave the county's sum: %v %v", value(county.GetReport(), "materials"), err)
	}

	// An organizer's dashboard: its own activities only, and no asking for another unit's.
	d, err := f.dashboard(museum, nil)
	if err != nil || d.GetTotals().GetParticipations() != 48 || len(d.GetTopActivities()) != 1 || d.GetTopActivities()[0].GetActivityId() != w.lecture.String() {
		t.Fatalf("the museum's dashboard: %v %v", d.GetTotals(), err)
	}
	d, err = f.dashboard(school, nil)
	if err != nil || d.GetTotals().GetParticipations() != 11 || d.GetTotals().GetOnlineActivities() != 1 {
		t.Fatalf("the school's dashboard: %v %v", d.GetTotals(), err)
	}
	if _, err := f.dashboard(museum, &reportingv1.DashboardFilter{UnitId: w.school.String()}); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("a unit asks for another's figures: %v", err)
	}
}
