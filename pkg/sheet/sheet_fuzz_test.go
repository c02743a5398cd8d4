package sheet_test

import (
	"testing"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/sheet"
)

// FuzzRead: whatever a county uploads as a spreadsheet, reading it never panics, and a refusal
// is one the person can act on (Invalid), never an internal error; what is read keeps its
// promises (at most MaxRows rows, a row number for each).
func FuzzRead(f *testing.F) {
	w, err := sheet.NewWorkbook("活动")
	if err != nil {
		f.Fatal(err)
	}
	w.Header("活动", 1, []string{"活动名称", "活动形式", "开始时间"}, 20)
	w.Row("活动", 2, "科普讲座", "科普讲座", "2024-05-26 09:00")
	xlsx, err := w.Bytes()
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []struct {
		name     string
		content  []byte
		encoding string
	}{
		{"plan.xlsx", xlsx, ""},
		{"plan.xlsx", xlsx[:len(xlsx)/2], ""},
		{"plan.csv", []byte("活动名称,活动形式\n科普讲座,科普讲座\n"), ""},
		{"plan.csv", []byte("\xef\xbb\xbf序号,活动名称\n1,\"讲座,一\"\n"), "utf-8"},
		{"plan.csv", []byte("\xbb\xee\xb6\xaf,\xd0\xce\xca\xbd\n"), "gbk"},
		{"plan.csv", []byte{}, ""},
		{"plan.xls", []byte("\xd0\xcf\x11\xe0"), ""},
	} {
		f.Add(seed.name, seed.content, seed.encoding)
	}
	f.Fuzz(func(t *testing.T, name string, content []byte, encoding string) {
		s, err := sheet.Read(name, content, encoding)
		if err != nil {
			if k := errs.KindOf(err); k != errs.Invalid {
				t.Fatalf("Read(%q) refused with %v (%v); a bad file is Invalid", name, k, err)
			}
			return
		}
		if len(s.Rows) > sheet.MaxRows || len(s.RowNumbers) != len(s.Rows) {
			t.Fatalf("%d rows, %d row numbers", len(s.Rows), len(s.RowNumbers))
		}
	})
}
