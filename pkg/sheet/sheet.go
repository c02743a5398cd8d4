// Package sheet reads the spreadsheets counties exchange — XLSX workbooks, Excel 97–2003 (.xls)
// workbooks, and CSV files in UTF-8 or in GBK as Excel saves them on Chinese Windows — laid out
// the way offices lay them out: a merged title row, a "填报单位…" line, a two-row header, merged
// cells, a 合计 row at the end, several sheets. Registration imports activity plans with it and
// the venue service imports venues; both also write their exports with it.
package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/sciweek/sciweek/pkg/errs"
)

// XLSXContentType is the media type of an .xlsx workbook, for the files the services hand out.
const XLSXContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// MaxRows bounds a sheet: a county's plan has hundreds of rows, not millions.
const MaxRows = 5000

// Grid is one sheet as the file holds it: each row's cells as text, with the row's number as
// the spreadsheet program shows it (a CSV file's line). Merged cells are read as their top-left
// value in every cell they cover. A date or time cell is written 2006-01-02 15:04 (2006-01-02
// for a date alone, 15:04 for a time alone), whatever its display format.
type Grid struct {
	// Name is the sheet's name; empty for a CSV file.
	Name       string
	Rows       [][]string
	RowNumbers []int
}

// Book is every visible sheet of a file, in the workbook's order.
type Book []Grid

// errTooBig is a workbook with more cells than any plan has.
var errTooBig = errors.New("too many cells")

// Read reads every visible sheet of an XLSX or .xls workbook (.et, WPS's own format, is read as
// .xls, which WPS writes it as), or the one table of a CSV file, chosen by the name's extension.
// encoding applies to CSV: "utf-8", "gbk", or "" to detect it.
func Read(fileName string, content []byte, encoding string) (Book, error) {
	var book Book
	switch strings.ToLower(filepath.Ext(fileName)) {
	case ".xlsx", ".xlsm":
		b, err := readXLSX(content)
		if err != nil {
			return nil, ErrXLSXUnreadable.New("file", fileName)
		}
		book = b
	case ".xls", ".et":
		grids, err := readXLS(content)
		switch {
		case errors.Is(err, errXLSOld):
			return nil, ErrXLSOld.New("file", fileName)
		case errors.Is(err, errXLSEncrypted):
			return nil, ErrEncrypted.New("file", fileName)
		case errors.Is(err, errTooBig):
			return nil, ErrTooManyRows.New("file", fileName, "rows", "上万", "max", MaxRows)
		case err != nil:
			return nil, ErrXLSUnreadable.New("file", fileName)
		}
		book = grids
	case ".csv":
		text, err := decodeCSV(content, encoding)
		if err != nil {
			return nil, err
		}
		r := csv.NewReader(strings.NewReader(text))
		r.FieldsPerRecord, r.LazyQuotes = -1, true
		var g Grid
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				line := 0
				if pe, ok := errors.AsType[*csv.ParseError](err); ok {
					line = pe.Line
				}
				return nil, ErrCSVInvalid.New("file", fileName, "problem", err, "line", line)
			}
			line, _ := r.FieldPos(0)
			g.Rows, g.RowNumbers = append(g.Rows, rec), append(g.RowNumbers, line)
			if len(g.Rows) > MaxRows+maxAbove {
				return nil, ErrTooManyRows.New("file", fileName, "rows", fmt.Sprintf("%d 以上", len(g.Rows)), "max", MaxRows)
			}
		}
		book = Book{g}
	default:
		return nil, ErrFormatUnknown.New("file", fileName)
	}
	for _, g := range book {
		if n := filledRows(g); n > MaxRows+maxAbove {
			return nil, ErrTooManyRows.New("file", fileName, "rows", n, "max", MaxRows)
		}
	}
	if book.empty() {
		return nil, ErrEmpty.New("file", fileName)
	}
	return book, nil
}

// empty reports whether no sheet has anything in it.
func (b Book) empty() bool {
	for _, g := range b {
		if filledRows(g) > 0 {
			return false
		}
	}
	return true
}

// filledRows counts the rows with anything in them.
func filledRows(g Grid) int {
	n := 0
	for _, r := range g.Rows {
		if !blank(r) {
			n++
		}
	}
	return n
}

// blank reports whether a row has nothing but spaces.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// readXLSX reads every visible worksheet of an XLSX workbook: raw cell values (so a number
// stays as typed), date and time cells as text by their number format, merged ranges filled.
func readXLSX(content []byte) (Book, error) {
	f, err := excelize.OpenReader(bytes.NewReader(content), excelize.Options{RawCellValue: true, UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	dates := map[int]bool{} // by style id: whether its number format shows a date or time
	isDate := func(sheet, axis string) bool {
		id, err := f.GetCellStyle(sheet, axis)
		if err != nil || id == 0 {
			return false
		}
		d, ok := dates[id]
		if !ok {
			if st, err := f.GetStyle(id); err == nil {
				code := ""
				if st.CustomNumFmt != nil {
					code = *st.CustomNumFmt
				}
				d = dateFormat(uint16(st.NumFmt), code)
			}
			dates[id] = d
		}
		return d
	}
	var book Book
	cells := 0
	for _, name := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(name); err != nil || !visible {
			continue
		}
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		grid := map[[2]int]string{}
		for i, r := range rows {
			for j, v := range r {
				if strings.TrimSpace(v) == "" {
					continue
				}
				if cells++; cells > maxCells {
					return nil, errTooBig
				}
				if n, err := strconv.ParseFloat(v, 64); err == nil && isDate(name, Cell(j+1, i+1)) {
					if s, ok := serialText(n, date1904); ok {
						v = s
					}
				}
				grid[[2]int{i, j}] = v
			}
		}
		var merges []span
		if mc, err := f.GetMergeCells(name); err == nil {
			for _, m := range mc {
				c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
				c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
				if err1 == nil && err2 == nil {
					merges = append(merges, span{top: r1 - 1, bottom: r2 - 1, left: c1 - 1, right: c2 - 1})
				}
			}
		}
		book = append(book, gridOf(name, grid, merges))
	}
	if len(book) == 0 {
		return nil, errors.New("no visible sheet")
	}
	return book, nil
}

// span is a merged range, rows and columns from 0, both ends included.
type span struct{ top, bottom, left, right int }

// gridOf lays out a sheet's cells (row, column from 0) with its merged ranges filled by their
// top-left value, within the rows and columns that hold anything.
func gridOf(name string, cells map[[2]int]string, merges []span) Grid {
	maxRow, maxCol := -1, -1
	for k := range cells {
		maxRow, maxCol = max(maxRow, k[0]), max(maxCol, k[1])
	}
	for _, m := range merges {
		v, ok := cells[[2]int{m.top, m.left}]
		if !ok || m.top < 0 || m.left < 0 || m.top > m.bottom || m.left > m.right {
			continue
		}
		for r := m.top; r <= min(m.bottom, maxRow); r++ {
			for c := m.left; c <= min(m.right, maxCol); c++ {
				cells[[2]int{r, c}] = v
			}
		}
	}
	rows := make([][]string, maxRow+1)
	for k, v := range cells {
		r := rows[k[0]]
		if len(r) <= k[1] {
			r = append(r, make([]string, k[1]+1-len(r))...)
		}
		r[k[1]] = v
		rows[k[0]] = r
	}
	g := Grid{Name: name}
	for i, r := range rows {
		g.Rows, g.RowNumbers = append(g.Rows, r), append(g.RowNumbers, i+1)
	}
	return g
}

// serialText writes a spreadsheet's date serial number (days since 30 December 1899, or since 1
// January 1904) as 2006-01-02 15:04, 2006-01-02 for a whole day, or 15:04 below one day.
func serialText(f float64, date1904 bool) (string, bool) {
	if math.IsNaN(f) || f < 0 || f >= 2958466 {
		return "", false
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	days, frac := math.Modf(f)
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(math.Round(frac*86400)) * time.Second)
	switch {
	case f < 1 && !date1904:
		return t.Format("15:04"), true
	case frac == 0:
		return t.Format(time.DateOnly), true
	}
	return t.Format("2006-01-02 15:04"), true
}

// decodeCSV returns a CSV file's text: UTF-8 (with or without a byte-order mark) or GBK. An
// empty encoding takes UTF-8 when the bytes are valid UTF-8 and GBK otherwise.
func decodeCSV(content []byte, encoding string) (string, error) {
	content = bytes.TrimPrefix(content, []byte("\xef\xbb\xbf"))
	if encoding == "" {
		encoding = "gbk"
		if utf8.Valid(content) {
			encoding = "utf-8"
		}
	}
	switch encoding {
	case "utf-8":
		if !utf8.Valid(content) {
			return "", ErrNotUTF8.New()
		}
		return string(content), nil
	case "gbk":
		b, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), content)
		if err != nil {
			return "", ErrNotGBK.New()
		}
		return string(b), nil
	}
	return "", ErrEncodingUnknown.New("value", encoding)
}

// Workbook writes XLSX files with the project's header style.
type Workbook struct {
	*excelize.File
	header int
}

// NewWorkbook starts a workbook whose first sheet is named sheet.
func NewWorkbook(sheet string) (*Workbook, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	style, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"#DCE6F1"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "#999999", Style: 1}},
	})
	if err != nil {
		return nil, err
	}
	return &Workbook{File: f, header: style}, nil
}

// Cell names the cell at column col and row row, both from 1.
func Cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// Column names column i, from 1.
func Column(i int) string {
	name, _ := excelize.ColumnNumberToName(i)
	return name
}

// Header writes headers in row, styled, with the given column width.
func (w *Workbook) Header(sheet string, row int, headers []string, width float64) {
	for i, h := range headers {
		_ = w.SetCellValue(sheet, Cell(i+1, row), h)
		_ = w.SetColWidth(sheet, Column(i+1), Column(i+1), width)
	}
	_ = w.SetCellStyle(sheet, Cell(1, row), Cell(len(headers), row), w.header)
}

// Row writes values from column 1 of row.
func (w *Workbook) Row(sheet string, row int, values ...any) {
	for i, v := range values {
		_ = w.SetCellValue(sheet, Cell(i+1, row), v)
	}
}

// Bytes closes the workbook and returns it as an XLSX file.
func (w *Workbook) Bytes() ([]byte, error) {
	defer w.Close()
	var buf bytes.Buffer
	if err := w.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// The refusals of a file as a whole; file is the uploaded file's name.
var (
	ErrXLSXUnreadable = errs.Reason{Code: "SHEET_XLSX_UNREADABLE", Kind: errs.Invalid,
		English: "{file} is not a readable XLSX workbook",
		Chinese: "“{file}”不是可以读取的 Excel 工作簿：请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"}
	ErrNoSheets = errs.Reason{Code: "SHEET_NONE", Kind: errs.Invalid,
		English: "{file} has no sheets",
		Chinese: "“{file}”里没有工作表"}
	ErrSheetUnreadable = errs.Reason{Code: "SHEET_UNREADABLE", Kind: errs.Invalid,
		English: "{file}: the first sheet cannot be read",
		Chinese: "“{file}”的工作表无法读取：请用 Excel 或 WPS 打开后另存再上传"}
	ErrCSVInvalid = errs.Reason{Code: "SHEET_CSV_INVALID", Kind: errs.Invalid,
		English: "{file} is not valid CSV: {problem}",
		Chinese: "“{file}”第 {line} 行无法按 CSV 读取（多半是引号不成对）：请用 Excel 打开后另存为 .xlsx 再上传"}
	ErrFormatUnknown = errs.Reason{Code: "SHEET_FORMAT_UNKNOWN", Kind: errs.Invalid,
		English: "{file}: upload an Excel workbook (.xlsx or .xls) or a .csv file",
		Chinese: "不能读取“{file}”这种文件：请上传 Excel 工作簿（.xlsx 或 .xls）或 CSV 文件"}
	ErrXLSUnreadable = errs.Reason{Code: "SHEET_XLS_UNREADABLE", Kind: errs.Invalid,
		English: "{file} is not a readable Excel 97-2003 workbook",
		Chinese: "“{file}”不是可以读取的 Excel 97-2003 工作簿：请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"}
	ErrXLSOld = errs.Reason{Code: "SHEET_XLS_TOO_OLD", Kind: errs.Invalid,
		English: "{file} is an Excel 5.0/95 workbook or older; save it as .xlsx or Excel 97-2003",
		Chinese: "“{file}”是 Excel 95 或更早的格式：请用 Excel 或 WPS 另存为 .xlsx（或 Excel 97-2003 工作簿）再上传"}
	ErrEncrypted = errs.Reason{Code: "SHEET_ENCRYPTED", Kind: errs.Invalid,
		English: "{file} is protected by a password; save a copy without one",
		Chinese: "“{file}”设置了打开密码：请另存一份不加密的文件再上传"}
	ErrTooManyRows = errs.Reason{Code: "SHEET_TOO_MANY_ROWS", Kind: errs.Invalid,
		English: "{file} has {rows} rows; import at most {max} at a time",
		Chinese: "“{file}”有 {rows} 行，一次最多导入 {max} 行：请拆分后分批导入"}
	ErrEmpty = errs.Reason{Code: "SHEET_EMPTY", Kind: errs.Invalid,
		English: "{file} is empty",
		Chinese: "“{file}”是空的"}
	ErrNotUTF8 = errs.Reason{Code: "CSV_NOT_UTF8", Kind: errs.Invalid,
		English: "the file is not UTF-8; choose GBK or let the system detect it",
		Chinese: "文件不是 UTF-8 编码：请选择 GBK 或“自动识别”"}
	ErrNotGBK = errs.Reason{Code: "CSV_NOT_GBK", Kind: errs.Invalid,
		English: "the file is not GBK text",
		Chinese: "文件不是 GBK 编码：请选择 UTF-8 或“自动识别”"}
	ErrEncodingUnknown = errs.Reason{Code: "CSV_ENCODING_UNKNOWN", Kind: errs.Invalid,
		English: "encoding {value}: use utf-8 or gbk",
		Chinese: "无法识别编码“{value}”：请选择 UTF-8 或 GBK"}
)
