package sheet

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Titled lays an exported table's top out as offices print them: the title merged across the
// table's width (row 1), a line for the unit and the date (row 2), the styled header (row 3),
// the panes frozen under the header, and the page set up to print: A4 landscape, fit to the
// page's width, rows 1 to 3 repeated at the top of every page. It returns the first data row.
func (w *Workbook) Titled(sheetName, title, line string, headers []string, width float64) (int, error) {
	cols := len(headers)
	titleStyle, err := w.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return 0, err
	}
	lineStyle, err := w.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}})
	if err != nil {
		return 0, err
	}
	_ = w.SetCellValue(sheetName, "A1", title)
	_ = w.MergeCell(sheetName, "A1", Cell(cols, 1))
	_ = w.SetCellStyle(sheetName, "A1", "A1", titleStyle)
	_ = w.SetRowHeight(sheetName, 1, 30)
	_ = w.SetCellValue(sheetName, "A2", line)
	_ = w.MergeCell(sheetName, "A2", Cell(cols, 2))
	_ = w.SetCellStyle(sheetName, "A2", "A2", lineStyle)
	w.Header(sheetName, 3, headers, width)
	if err := w.SetPanes(sheetName, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	a4, landscape, one, any := 9, "landscape", 1, 0
	if err := w.SetPageLayout(sheetName, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any}); err != nil {
		return 0, err
	}
	fit := true
	if err := w.SetSheetProps(sheetName, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return 0, err
	}
	if err := w.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$3", sheetName), Scope: sheetName}); err != nil {
		return 0, err
	}
	return 4, nil
}

// Total writes a totals row: label in column labelCol and, in each of cols, the formula that sums
// the column over rows from to to, with the value it comes to (computed by the caller from the
// stored figures) kept in the cell, so a program that does not recalculate shows it too, and one
// that does finds the same.
func (w *Workbook) Total(sheetName string, row, labelCol int, label string, cols []int, from, to int, values []any) error {
	_ = w.SetCellValue(sheetName, Cell(labelCol, row), label)
	for i, c := range cols {
		cell := Cell(c, row)
		if i < len(values) && values[i] != nil {
			if err := w.SetCellValue(sheetName, cell, values[i]); err != nil {
				return err
			}
		}
		formula := "0"
		if to >= from {
			formula = fmt.Sprintf("SUM(%s:%s)", Cell(c, from), Cell(c, to))
		}
		if err := w.SetCellFormula(sheetName, cell, formula); err != nil {
			return err
		}
	}
	return nil
}
