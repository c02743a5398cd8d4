package sheet_test

import (
	"testing"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/pkg/sheet/sheettest"
)

// FuzzRead: whatever a county uploads as a spreadsheet — XLSX, .xls, CSV, or bytes that only
// claim to be one — reading it and finding a table in it never panics, and a refusal is one the
// person can act on (Invalid, with Chinese words), never an internal error; what is read keeps
// its promises (a row number for each row, at most MaxRows rows under the header).
func FuzzRead(f *testing.F) {
	simple := sheettest.Office{Sheet: "活动", Header: []string{"活动名称", "活动形式", "开始时间"}, Rows: [][]any{{"科普讲座", "科普讲座", "2024-05-26 09:00"}}}
	xlsx := sheettest.XLSX(f, plan()...)
	xls := sheettest.XLS(f, 120, plan()...)
	for _, seed := range []struct {
		name     string
		content  []byte
		encoding string
	}{
		{"plan.xlsx", sheettest.XLSX(f, simple), ""},
		{"plan.xlsx", xlsx, ""},
		{"plan.xlsx", xlsx[:len(xlsx)/2], ""},
		{"plan.xls", xls, ""},
		{"plan.xls", xls[:len(xls)-700], ""},
		{"plan.et", xls, ""},
		{"plan.csv", []byte("活动名称,活动形式\n科普讲座,科普讲座\n"), ""},
		{"plan.csv", []byte("\xef\xbb\xbf序号,活动名称\n1,\"讲座,一\"\n"), "utf-8"},
		{"plan.csv", sheettest.CSV(f, plan()[1], true), "gbk"},
		{"plan.csv", []byte{}, ""},
		{"plan.xls", []byte("\xd0\xcf\x11\xe0"), ""},
	} {
		f.Add(seed.name, seed.content, seed.encoding)
	}
	f.Fuzz(func(t *testing.T, name string, content []byte, encoding string) {
		book, err := sheet.Read(name, content, encoding)
		if err != nil {
			if k := errs.KindOf(err); k != errs.Invalid || !errs.IsChinese(errs.Chinese(err)) {
				t.Fatalf("Read(%q) refused with %v (%v); a bad file is Invalid, in Chinese", name, k, err)
			}
			return
		}
		tbl, _ := sheet.Find(book, fields, nil)
		if len(tbl.Rows) > sheet.MaxRows+20 || len(tbl.RowNumbers) != len(tbl.Rows) {
			t.Fatalf("%d rows, %d row numbers", len(tbl.Rows), len(tbl.RowNumbers))
		}
		for _, g := range book {
			if len(g.Rows) != len(g.RowNumbers) {
				t.Fatalf("sheet %q: %d rows, %d row numbers", g.Name, len(g.Rows), len(g.RowNumbers))
			}
		}
	})
}
