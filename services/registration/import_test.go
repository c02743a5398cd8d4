package registration_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
	"google.golang.org/grpc/codes"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/sheet/sheettest"
	"github.com/sciweek/sciweek/pkg/testkit"
)

var templateHeaders = []string{"县（市、区）", "活动名称", "主办单位", "单位类型", "活动形式", "面向对象", "活动地点", "开始时间", "结束时间", "名额", "需要报名", "线上链接", "重大示范活动", "科技工作者日联动", "活动简介", "主题科技周"}

// planRows returns n rows of a county's plan; rows are numbered as in the file (header = 1).
func planRows(n int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		day := 25 + i%7
		rows[i] = []string{"小店区", fmt.Sprintf("青少年科学实验营 第%d期", i+1), "山西省科技馆", "科普场馆", "科学实验", "青少年、学校", "太原市科技馆",
			fmt.Sprintf("2024-05-%02d 09:00", day), fmt.Sprintf("2024-05-%02d 11:30", day), "40", "是", "", "否", map[bool]string{true: "是", false: "否"}[day == 30], "动手做实验"}
	}
	return rows
}

func (f *fixture) importFile(name string, content []byte, dryRun bool, mapping map[string]string) (*registrationv1.ImportActivitiesResponse, error) {
	return f.activities.ImportActivities(context.Background(), &registrationv1.ImportActivitiesRequest{
		EditionId: "2024", FileName: name, Content: content, DryRun: dryRun, HeaderMapping: mapping, Target: registrationv1.ImportTarget_IMPORT_TARGET_APPROVED,
	}, f.city)
}

func (f *fixture) countActivities() int {
	f.t.Helper()
	resp, err := f.activities.ListActivities(context.Background(), &registrationv1.ListActivitiesRequest{EditionId: "2024", PageSize: 1000}, f.city)
	if err != nil {
		f.t.Fatal(err)
	}
	return len(resp.GetActivities())
}

func TestImportNamesEveryBadRowAndWritesNothing(t *testing.T) {
	t.Parallel()
	f := start(t)
	rows := planRows(12)
	rows[5][7] = "2024-05-32 09:00" // file row 7: a date that does not exist
	rows[10][0] = "北京市东城区"          // file row 12: not a county of the edition
	file := sheettest.Plain(t, templateHeaders, rows...)
	for _, dry := range []bool{true, false} {
		t.Run(fmt.Sprintf("dry run %v", dry), func(t *testing.T) {
			resp, err := f.importFile("小店区活动计划.xlsx", file, dry, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range resp.GetErrors() {
				got = append(got, fmt.Sprintf("%d|%s", e.GetRow(), e.GetColumn()))
			}
			want := []string{"7|开始时间", "12|县（市、区）"}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("errors %v (%v), want %v", got, resp.GetErrors(), want)
			}
			if !strings.Contains(resp.GetErrors()[0].GetMessage(), "2024-05-32 09:00") || !strings.Contains(resp.GetErrors()[1].GetMessage(), "北京市东城区") {
				t.Fatalf("messages do not name the bad values: %v", resp.GetErrors())
			}
			if resp.GetRows() != 12 || len(resp.GetActivityIds()) != 0 || f.countActivities() != 0 {
				t.Fatalf("rows %d, ids %d, stored %d: a failed import must write nothing", resp.GetRows(), len(resp.GetActivityIds()), f.countActivities())
			}
		})
	}
	units, _ := f.units.ListUnits(context.Background(), &registrationv1.ListUnitsRequest{}, f.city)
	if len(units.GetUnits()) != 0 {
		t.Fatalf("a failed import registered units: %v", units.GetUnits())
	}

	// The corrected file goes in whole, in one transaction, approved.
	good := sheettest.Plain(t, templateHeaders, planRows(12)...)
	dry, err := f.importFile("小店区活动计划.xlsx", good, true, nil)
	if err != nil || len(dry.GetErrors()) != 0 || len(dry.GetUnitsCreated()) != 1 || f.countActivities() != 0 {
		t.Fatalf("dry run of a good file: %v %v", dry, err)
	}
	resp, err := f.importFile("小店区活动计划.xlsx", good, false, nil)
	if err != nil || len(resp.GetErrors()) != 0 || len(resp.GetActivityIds()) != 12 || f.countActivities() != 12 {
		t.Fatalf("import: %v (%v); %d stored", resp, err, f.countActivities())
	}
	a, err := f.activities.GetActivity(context.Background(), &registrationv1.GetActivityRequest{ActivityId: resp.GetActivityIds()[5]}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	d := a.GetActivity().GetDetails()
	if a.GetActivity().GetStatus() != registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED || a.GetActivity().GetOrganizer() != "山西省科技馆" ||
		d.GetVenueId() != f.xiaodianV || !d.GetRequiresSignup() || !d.GetWorkersDayJoint() || d.GetSessions()[0].GetPlaces() != 40 ||
		len(d.GetTargetGroups()) != 2 || d.GetSessions()[0].GetStartsAt().AsTime().In(taiyuan).Format("2006-01-02 15:04") != "2024-05-30 09:00" {
		t.Fatalf("imported row 7 = %v", a.GetActivity())
	}
}

func TestImportCSVInGBKWithAHeaderMapping(t *testing.T) {
	t.Parallel()
	f := start(t)
	// A county's own sheet: other headers, GBK as Excel saves CSV on Chinese Windows, and the
	// dates as people type them.
	header := []string{"区县", "名称", "牵头单位", "形式", "对象", "地点", "开始", "结束", "可报人数"}
	mapping := map[string]string{"牵头单位": "unit", "可报人数": "places"} // the rest are headers the import knows
	var buf bytes.Buffer
	w := csv.NewWriter(transform.NewWriter(&buf, simplifiedchinese.GBK.NewEncoder()))
	_ = w.Write(header)
	_ = w.Write([]string{"140106", "煤炭清洁利用科普讲座", "中国煤炭博物馆", "讲座", "社会公众", "中国煤炭博物馆", "2024/5/27 14:30", "2024/5/27 16:00", ""})
	_ = w.Write([]string{"迎泽区", "气象防灾减灾科普展", "迎泽区气象局", "科技展览", "社区、社会公众", "中国煤炭博物馆", "2024-05-28 09:00", "2024-05-28 17:00", "0"})
	w.Flush()
	if bytes.Contains(buf.Bytes(), []byte("煤炭")) {
		t.Fatal("the test file is not GBK")
	}
	resp, err := f.importFile("yingze.csv", buf.Bytes(), false, mapping)
	if err != nil || len(resp.GetErrors()) != 0 || len(resp.GetActivityIds()) != 2 {
		t.Fatalf("GBK import: %v %v", resp, err)
	}
	if resp.GetColumns()["名称"] != "title" || resp.GetColumns()["牵头单位"] != "unit" || len(resp.GetUnitsCreated()) != 2 {
		t.Fatalf("columns %v, units created %v", resp.GetColumns(), resp.GetUnitsCreated())
	}
	// Without the mapping the file is refused with the missing columns named.
	resp, err = f.importFile("yingze.csv", buf.Bytes(), true, nil)
	if err != nil || len(resp.GetErrors()) != 1 || resp.GetErrors()[0].GetRow() != 1 || resp.GetErrors()[0].GetReason() != "IMPORT_COLUMN_MISSING" ||
		resp.GetErrors()[0].GetLocalizedMessage() != "缺少“主办单位”列：请按模板填写表头，或在“表头对应”中指明文件里哪一列是“主办单位”" {
		t.Fatalf("unmapped headers: %v %v", resp, err)
	}
}

func TestImportTemplateAndRefusals(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	tmpl, err := f.activities.GetImportTemplate(ctx, &registrationv1.GetImportTemplateRequest{EditionId: "2024"}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(tmpl.GetFile().GetContent()))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("活动计划")
	if strings.Join(rows[0], ",") != strings.Join(templateHeaders, ",") {
		t.Fatalf("template headers %v", rows[0])
	}
	// The template's own example row (with its placeholder venue) is reported, not imported.
	resp, err := f.importFile("template.xlsx", tmpl.GetFile().GetContent(), true, nil)
	if err != nil || len(resp.GetErrors()) != 1 || resp.GetErrors()[0].GetColumn() != "活动地点" {
		t.Fatalf("the untouched template: %v %v", resp, err)
	}
	xiaodian := f.as(testkit.CountyAdmin("140105"))
	tests := []struct {
		name    string
		file    string
		content []byte
		as      func() (*registrationv1.ImportActivitiesResponse, error)
		code    string
	}{
		{"not a spreadsheet", "plan.pdf", []byte("%PDF-1.4"), nil, "InvalidArgument"},
		{"a broken workbook", "plan.xlsx", []byte("PK\x03\x04 nonsense"), nil, "InvalidArgument"},
		{"an empty CSV", "plan.csv", []byte("\n\n"), nil, "InvalidArgument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.importFile(tt.file, tt.content, true, nil)
			if err == nil || !strings.Contains(err.Error(), tt.code) {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
		})
	}
	// A county admin's file may hold only their county's rows.
	rows2 := planRows(2)
	rows2[1][0], rows2[1][6] = "迎泽区", "中国煤炭博物馆"
	resp, err = f.activities.ImportActivities(ctx, &registrationv1.ImportActivitiesRequest{EditionId: "2024", FileName: "x.xlsx",
		Content: sheettest.Plain(t, templateHeaders, rows2...)}, xiaodian)
	if err != nil || len(resp.GetErrors()) != 1 || resp.GetErrors()[0].GetRow() != 3 || resp.GetErrors()[0].GetReason() != "IMPORT_OWN_COUNTY_ONLY" ||
		resp.GetErrors()[0].GetLocalizedMessage() != "只能导入本县（市、区）的活动" {
		t.Fatalf("county admin importing another county's row: %v %v", resp, err)
	}
	// Organizers may not import approved activities.
	organizer := f.organizer(f.unit("140105", "山西省科技馆"))
	_, err = f.activities.ImportActivities(ctx, &registrationv1.ImportActivitiesRequest{EditionId: "2024", FileName: "x.xlsx",
		Content: sheettest.Plain(t, templateHeaders, planRows(1)...), Target: registrationv1.ImportTarget_IMPORT_TARGET_APPROVED}, organizer)
	wantCode(t, err, codes.PermissionDenied, "only admins")
}
