package adapters

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/domain"
)

// Tables lays the merged table out as the files people open: an XLSX workbook in the official
// table's layout, or CSV. It implements app.TableWriter.
type Tables struct{}

// Workbook writes the merged table as XLSX; see MergedWorkbook.
func (Tables) Workbook(title, line string, t domain.MergedTable, featured []byte) ([]byte, error) {
	return MergedWorkbook(title, line, t, featured)
}

// CSV writes the merged table as CSV; see MergedCSV.
func (Tables) CSV(t domain.MergedTable) ([]byte, error) { return MergedCSV(t) }

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

// MergedWorkbook writes the merged table in the layout of the official table, ready to print
// (sheet.Titled: the title, the unit and date line, the header repeated on every page of an A4
// landscape printout, fit to its width, panes frozen under the header): a row per county and the
// city's total, counted figures shaded blue, corrected ones orange with the counted figure and
// the reason in a comment; and the featured activities (附件2) as the second sheet. The totals
// are SUM formulas holding the total domain.Merge summed exactly, so a program that does not
// recalculate shows it and one that does finds the same.
func MergedWorkbook(title, line string, t domain.MergedTable, featured []byte) ([]byte, error) {
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
	first, err := w.Titled(name, title, line, headers(t, func(domain.Column) string { return "" }), 14)
	if err != nil {
		return nil, err
	}
	_ = w.SetColWidth(name, "B", "B", 16)
	for i, r := range t.Rows {
		row := i + first
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
	totalRow := len(t.Rows) + first
	cols, totals := make([]int, len(t.Total)), make([]any, len(t.Total))
	for j, total := range t.Total {
		cols[j], totals[j] = j+3, number(total)
	}
	if err := w.Total(name, totalRow, 2, "合计", cols, first, totalRow-1, totals); err != nil {
		return nil, err
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
	if n := number(v); n != nil {
		return w.SetCellValue(sheetName, cell, n)
	}
	return nil
}

// number is a figure as a number (int64 or float64), the text itself if it is none, nil if empty.
func number(v string) any {
	if v == "" {
		return nil
	}
	if !strings.Contains(v, ".") {
		var n int64
		if _, err := fmt.Sscan(v, &n); err == nil {
			return n
		}
	}
	var f float64
	if _, err := fmt.Sscan(v, &f); err == nil {
		return f
	}
	return v
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
