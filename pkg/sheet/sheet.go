// Package sheet reads the spreadsheets counties exchange today: XLSX workbooks and CSV files,
// the latter in UTF-8 or in GBK as Excel saves them on Chinese Windows. Registration imports
// activity plans with it and the venue service imports venues.
package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"strings"
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

// Sheet is a file's first sheet as text: the header row and the data rows, each with its row
// number in the file.
type Sheet struct {
	Header     []string
	HeaderRow  int
	Rows       [][]string
	RowNumbers []int
}

// Read returns the first sheet of an XLSX or CSV file, chosen by the name's extension. XLSX
// cells are read raw, so a date cell arrives as its serial number whatever its display format.
// encoding applies to CSV: "utf-8", "gbk", or "" to detect it.
func Read(fileName string, content []byte, encoding string) (Sheet, error) {
	var rows [][]string
	var numbers []int
	switch strings.ToLower(filepath.Ext(fileName)) {
	case ".xlsx", ".xlsm":
		f, err := excelize.OpenReader(bytes.NewReader(content), excelize.Options{RawCellValue: true})
		if err != nil {
			return Sheet{}, ErrXLSXUnreadable.New("file", fileName)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return Sheet{}, ErrNoSheets.New("file", fileName)
		}
		all, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
		if err != nil {
			return Sheet{}, ErrSheetUnreadable.New("file", fileName)
		}
		for i, r := range all {
			rows, numbers = append(rows, r), append(numbers, i+1)
		}
	case ".csv":
		text, err := decodeCSV(content, encoding)
		if err != nil {
			return Sheet{}, err
		}
		r := csv.NewReader(strings.NewReader(text))
		r.FieldsPerRecord, r.LazyQuotes = -1, true
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
				return Sheet{}, ErrCSVInvalid.New("file", fileName, "problem", err, "line", line)
			}
			line, _ := r.FieldPos(0)
			rows, numbers = append(rows, rec), append(numbers, line)
		}
	default:
		return Sheet{}, ErrFormatUnknown.New("file", fileName)
	}
	// The header is the first row with anything in it.
	for i, r := range rows {
		if strings.TrimSpace(strings.Join(r, "")) == "" {
			continue
		}
		data, nums := rows[i+1:], numbers[i+1:]
		if len(data) > MaxRows {
			return Sheet{}, ErrTooManyRows.New("file", fileName, "rows", len(data), "max", MaxRows)
		}
		return Sheet{Header: r, HeaderRow: numbers[i], Rows: data, RowNumbers: nums}, nil
	}
	return Sheet{}, ErrEmpty.New("file", fileName)
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
		English: "{file}: upload an .xlsx workbook or a .csv file",
		Chinese: "不能读取“{file}”这种文件：请上传 Excel 工作簿（.xlsx）或 CSV 文件"}
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
