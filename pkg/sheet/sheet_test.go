package sheet_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/pkg/sheet/sheettest"
)

// fields are a plan's columns as a reader knows them.
var fields = []sheet.Field{
	{Key: "county", Header: "县（市、区）", Required: true, Synonyms: []string{"县区"}},
	{Key: "title", Header: "活动名称", Required: true, Synonyms: []string{"活动主题"}},
	{Key: "unit", Header: "主办单位", Required: true, Synonyms: []string{"组织单位"}},
	{Key: "starts_at", Header: "开始时间", Synonyms: []string{"活动时间开始"}},
	{Key: "ends_at", Header: "结束时间", Synonyms: []string{"活动时间结束"}},
	{Key: "places", Header: "名额"},
}

var day = time.Date(2024, 5, 26, 9, 0, 0, 0, time.UTC)

// plan is a county's plan as its office lays it out: a notes sheet first, then the table under
// a merged title and a 填报单位 line, with a two-row header (活动时间 over 开始 and 结束), the
// county merged down over its rows, a 序号 column, date cells, and a 合计 and a 备注 line below.
func plan() []sheettest.Office {
	return []sheettest.Office{
		{Sheet: "说明", Header: []string{"填报说明"}, Rows: [][]any{{"请于5月20日前报送"}}},
		{
			Sheet: "活动安排", Title: "2024年小店区科技活动周活动安排表", Note: "填报单位：小店区科技局    填报日期：2024年5月10日",
			Top:    []string{"序号", "县区", "活动名称", "主办单位", "活动时间", "", "名额（人）"},
			Header: []string{"", "", "", "", "开始", "结束", ""},
			Rows: [][]any{
				{1, "小店区", "走进气象台", "小店区气象局", day, day.Add(2 * time.Hour), 60},
				{2, nil, "科普讲座：AI与生活", "太原理工大学", day.Add(24 * time.Hour), day.Add(26 * time.Hour), 120.5},
				{3, nil, "夜观星空", "太原市天文学会", "2024年5月27日 19:30", "2024年5月27日 21:00", "８０"},
			},
			Down:   [][3]int{{1, 0, 2}},
			Footer: []string{"合计：3 项活动", "备注：名额为每场人数"},
		},
	}
}

// want is what reading plan finds: the rows under the header, with their row numbers as the
// spreadsheet program shows them (rows 1 and 2 are the title and the 填报单位 line, 3 and 4 the
// header).
var want = [][]string{
	{"1", "小店区", "走进气象台", "小店区气象局", "2024-05-26 09:00", "2024-05-26 11:00", "60"},
	{"2", "小店区", "科普讲座：AI与生活", "太原理工大学", "2024-05-27 09:00", "2024-05-27 11:00", "120.5"},
	{"3", "小店区", "夜观星空", "太原市天文学会", "2024年5月27日 19:30", "2024年5月27日 21:00", "８０"},
}

func TestFindsTheTableAsOfficesLayItOut(t *testing.T) {
	t.Parallel()
	xlsx := sheettest.XLSX(t, plan()...)
	files := []struct {
		name    string
		content []byte
	}{
		{"plan.xlsx", xlsx},
		{"plan.xls", sheettest.XLS(t, 200, plan()...)},
		{"plan-by-libreoffice.xls", sheettest.LibreOffice(t, xlsx, "xlsx", "xls")},
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			book, err := sheet.Read(f.name, f.content, "")
			if err != nil {
				t.Fatal(err)
			}
			tbl, problems := sheet.Find(book, fields, nil)
			if len(problems) > 0 {
				t.Fatalf("problems: %+v", problems)
			}
			if tbl.Sheet != "活动安排" || tbl.HeaderRow != 4 || tbl.HeaderRows != 2 {
				t.Fatalf("table in %q, header row %d of %d rows", tbl.Sheet, tbl.HeaderRow, tbl.HeaderRows)
			}
			wantCols := map[string]int{"county": 1, "title": 2, "unit": 3, "starts_at": 4, "ends_at": 5, "places": 6}
			if !reflect.DeepEqual(tbl.Columns, wantCols) {
				t.Fatalf("columns %v", tbl.Columns)
			}
			if tbl.Header("starts_at") != "活动时间 开始" || tbl.Header("places") != "名额（人）" {
				t.Fatalf("headers %q %q", tbl.Header("starts_at"), tbl.Header("places"))
			}
			if !reflect.DeepEqual(tbl.RowNumbers, []int{5, 6, 7}) {
				t.Fatalf("row numbers %v (the 合计 and 备注 lines must be left out)", tbl.RowNumbers)
			}
			for i, r := range tbl.Rows {
				got := make([]string, 7)
				copy(got, r)
				if !reflect.DeepEqual(got, want[i]) {
					t.Errorf("row %d:\n got %q\nwant %q", tbl.RowNumbers[i], got, want[i])
				}
			}
		})
	}
}

func TestCSVInGBKAndUTF8(t *testing.T) {
	t.Parallel()
	o := sheettest.Office{Sheet: "x", Title: "2024年小店区科技活动周活动安排表",
		Header: []string{"县（市、区）", "活动名称", "主办单位", "开始时间", "结束时间"},
		Rows:   [][]any{{"小店区", "讲座，一场", "小店区科协", day, day.Add(time.Hour)}}}
	for _, tc := range []struct {
		name     string
		gbk      bool
		encoding string
	}{{"GBK detected", true, ""}, {"GBK chosen", true, "gbk"}, {"UTF-8 with a byte-order mark", false, ""}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			book, err := sheet.Read("plan.csv", sheettest.CSV(t, o, tc.gbk), tc.encoding)
			if err != nil {
				t.Fatal(err)
			}
			tbl, problems := sheet.Find(book, fields, nil)
			if len(problems) > 0 || tbl.HeaderRow != 2 || len(tbl.Rows) != 1 || tbl.Rows[0][1] != "讲座，一场" || tbl.Rows[0][3] != "2024/5/26 09:00" {
				t.Fatalf("%+v %+v", tbl, problems)
			}
		})
	}
	if _, err := sheet.Read("plan.csv", sheettest.CSV(t, o, true), "utf-8"); !errs.Is(err, sheet.ErrNotUTF8) {
		t.Fatalf("GBK read as UTF-8: %v", err)
	}
}

func TestHeaderProblems(t *testing.T) {
	t.Parallel()
	read := func(o sheettest.Office) sheet.Book {
		b, err := sheet.Read("plan.xlsx", sheettest.XLSX(t, o), "")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	rows := [][]any{{"小店区", "讲座", "科协", "x", "y"}}
	tests := []struct {
		name    string
		o       sheettest.Office
		mapping map[string]string
		reasons []string
		header  int
	}{
		{"a column missing", sheettest.Office{Sheet: "s", Header: []string{"县（市、区）", "活动名称", "开始时间", "结束时间"}, Rows: rows},
			nil, []string{"IMPORT_COLUMN_MISSING"}, 1},
		{"a column twice", sheettest.Office{Sheet: "s", Header: []string{"县（市、区）", "活动名称", "主办单位", "组织单位"}, Rows: rows},
			nil, []string{"IMPORT_COLUMN_TWICE"}, 1},
		{"headers of its own, mapped", sheettest.Office{Sheet: "s", Title: "标题", Header: []string{"所在县", "项目", "牵头单位"}, Rows: rows},
			map[string]string{"所在县": "county", "项目": "title", "牵头单位": "unit"}, nil, 2},
		{"a mapping to no field", sheettest.Office{Sheet: "s", Header: []string{"县（市、区）", "活动名称", "主办单位", "备注"}, Rows: rows},
			map[string]string{"备注": "remarks"}, []string{"IMPORT_MAPPING_UNKNOWN_FIELD"}, 1},
		{"no header anywhere", sheettest.Office{Sheet: "s", Header: []string{"甲", "乙", "丙"}, Rows: rows},
			nil, []string{"IMPORT_HEADER_NOT_FOUND", "IMPORT_COLUMN_MISSING", "IMPORT_COLUMN_MISSING", "IMPORT_COLUMN_MISSING"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tbl, problems := sheet.Find(read(tt.o), fields, tt.mapping)
			var got []string
			for _, p := range problems {
				got = append(got, p.Reason)
				if !errs.IsChinese(p.Chinese) {
					t.Errorf("problem %+v has no Chinese words", p)
				}
			}
			if !reflect.DeepEqual(got, tt.reasons) || tbl.HeaderRow != tt.header {
				t.Fatalf("problems %v at header row %d, want %v at %d", got, tbl.HeaderRow, tt.reasons, tt.header)
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		content    []byte
		reason     errs.Reason
	}{
		{"not a workbook", "plan.xlsx", []byte("hello"), sheet.ErrXLSXUnreadable},
		{"not an xls", "plan.xls", []byte("hello"), sheet.ErrXLSUnreadable},
		{"an xlsx named .xls", "plan.xls", sheettest.XLSX(t, plan()...), sheet.ErrXLSUnreadable},
		{"a Word file", "plan.docx", []byte("PK"), sheet.ErrFormatUnknown},
		{"an empty CSV", "plan.csv", []byte("\r\n,,\r\n"), sheet.ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := sheet.Read(tc.file, tc.content, "")
			if !errs.Is(err, tc.reason) || !errs.IsChinese(errs.Chinese(err)) {
				t.Fatalf("Read = %v (%s), want %s", err, errs.ReasonOf(err), tc.reason.Code)
			}
		})
	}
}

func TestForgivingValues(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"是": true, "√": true, "Ｙ": true, "y": true, "有": true, "否": false, "×": false, "N": false, "": false, " 无 ": false} {
		if got, ok := sheet.YesNo(in); !ok || got != want {
			t.Errorf("YesNo(%q) = %v, %v", in, got, ok)
		}
	}
	if _, ok := sheet.YesNo("也许"); ok {
		t.Error("也许 is neither yes nor no")
	}
	for in, want := range map[string]int{"６０": 60, "60人": 60, "1,200": 1200, "120.0": 120, " ８ ": 8} {
		if got, ok := sheet.Int(in); !ok || got != want {
			t.Errorf("Int(%q) = %d, %v", in, got, ok)
		}
	}
	if _, ok := sheet.Int("六十"); ok {
		t.Error("六十 is no number here")
	}
	if got := sheet.SplitList("青少年、社区，学校/企业 公众"); strings.Join(got, "|") != "青少年|社区|学校|企业|公众" {
		t.Errorf("SplitList = %q", got)
	}
}
