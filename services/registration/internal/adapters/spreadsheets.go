package adapters

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/app"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// MaxImportRows bounds a spreadsheet: a county's plan has hundreds of rows, not millions.
const MaxImportRows = 5000

// Spreadsheets reads XLSX and CSV files and writes XLSX ones.
type Spreadsheets struct{}

// Read returns the first sheet of an XLSX or CSV file as text. XLSX cells are read raw, so a
// date cell arrives as its serial number whatever its display format.
func (Spreadsheets) Read(fileName string, content []byte, encoding string) (domain.Sheet, error) {
	var rows [][]string
	var numbers []int
	switch strings.ToLower(filepath.Ext(fileName)) {
	case ".xlsx", ".xlsm":
		f, err := excelize.OpenReader(bytes.NewReader(content), excelize.Options{RawCellValue: true})
		if err != nil {
			return domain.Sheet{}, errs.E(errs.Invalid, "%s is not a readable XLSX workbook", fileName)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return domain.Sheet{}, errs.E(errs.Invalid, "%s has no sheets", fileName)
		}
		all, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
		if err != nil {
			return domain.Sheet{}, errs.E(errs.Invalid, "%s: the first sheet cannot be read", fileName)
		}
		for i, r := range all {
			rows, numbers = append(rows, r), append(numbers, i+1)
		}
	case ".csv":
		text, err := decodeCSV(content, encoding)
		if err != nil {
			return domain.Sheet{}, err
		}
		r := csv.NewReader(strings.NewReader(text))
		r.FieldsPerRecord, r.LazyQuotes = -1, true
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return domain.Sheet{}, errs.E(errs.Invalid, "%s is not valid CSV: %v", fileName, err)
			}
			line, _ := r.FieldPos(0)
			rows, numbers = append(rows, rec), append(numbers, line)
		}
	default:
		return domain.Sheet{}, errs.E(errs.Invalid, "%s: upload an .xlsx workbook or a .csv file", fileName)
	}
	// The header is the first row with anything in it.
	for i, r := range rows {
		if strings.TrimSpace(strings.Join(r, "")) == "" {
			continue
		}
		data, nums := rows[i+1:], numbers[i+1:]
		if len(data) > MaxImportRows {
			return domain.Sheet{}, errs.E(errs.Invalid, "%s has %d rows; import at most %d at a time", fileName, len(data), MaxImportRows)
		}
		return domain.Sheet{Header: r, HeaderRow: numbers[i], Rows: data, RowNumbers: nums}, nil
	}
	return domain.Sheet{}, errs.E(errs.Invalid, "%s is empty", fileName)
}

// decodeCSV returns a CSV file's text: UTF-8 (with or without a byte-order mark) or GBK, as
// Excel saves it on Chinese Windows. An empty encoding takes UTF-8 when the bytes are valid
// UTF-8 and GBK otherwise.
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
			return "", errs.E(errs.Invalid, "the file is not UTF-8; choose GBK or let the system detect it")
		}
		return string(content), nil
	case "gbk":
		b, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), content)
		if err != nil {
			return "", errs.E(errs.Invalid, "the file is not GBK text")
		}
		return string(b), nil
	}
	return "", errs.E(errs.Invalid, "encoding %q: use utf-8 or gbk", encoding)
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func write(f *excelize.File) ([]byte, error) {
	defer f.Close()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func headerStyle(f *excelize.File) int {
	id, _ := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"#DCE6F1"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "#999999", Style: 1}},
	})
	return id
}

// Template returns the import template: the headers, an example row, drop-downs for the columns
// with fixed values, and a sheet that explains every column.
func (Spreadsheets) Template(ed domain.Edition) ([]byte, error) {
	f := excelize.NewFile()
	const sheet = "活动计划"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	style := headerStyle(f)
	for i, c := range domain.ImportColumns {
		_ = f.SetCellValue(sheet, cell(i+1, 1), c.Header)
		_ = f.SetColWidth(sheet, colName(i+1), colName(i+1), 16)
	}
	_ = f.SetCellStyle(sheet, "A1", cell(len(domain.ImportColumns), 1), style)
	_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	day := ed.StartsOn.AddDate(0, 0, 1)
	example := map[string]string{
		domain.FieldCounty: firstCounty(ed), domain.FieldTitle: "走进重点实验室开放日", domain.FieldUnit: "某某大学",
		domain.FieldUnitKind: "重点实验室", domain.FieldForm: "开放日", domain.FieldTargetGroups: "青少年、社会公众",
		domain.FieldVenue: "（场馆登记中的名称）", domain.FieldStartsAt: day.Add(9 * time.Hour).Format("2006-01-02 15:04"),
		domain.FieldEndsAt: day.Add(11*time.Hour + 30*time.Minute).Format("2006-01-02 15:04"), domain.FieldPlaces: "60",
		domain.FieldRequiresSignup: "是", domain.FieldMajorDemonstration: "否", domain.FieldWorkersDayJoint: "否",
		domain.FieldDescription: "参观实验室，与科研人员面对面交流。",
	}
	lists := map[string][]string{domain.FieldRequiresSignup: {"是", "否"}, domain.FieldMajorDemonstration: {"是", "否"}, domain.FieldWorkersDayJoint: {"是", "否"}}
	for _, c := range ed.Counties {
		lists[domain.FieldCounty] = append(lists[domain.FieldCounty], c.Name)
	}
	for _, x := range domain.Forms {
		if ed.AcceptsForm(x.Form) {
			lists[domain.FieldForm] = append(lists[domain.FieldForm], x.Label)
		}
	}
	for _, u := range domain.UnitKinds {
		lists[domain.FieldUnitKind] = append(lists[domain.FieldUnitKind], u.Label)
	}
	for i, c := range domain.ImportColumns {
		_ = f.SetCellValue(sheet, cell(i+1, 2), example[c.Key])
		if values, ok := lists[c.Key]; ok {
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(fmt.Sprintf("%s2:%s%d", colName(i+1), colName(i+1), MaxImportRows+1))
			if err := dv.SetDropList(values); err == nil {
				_ = f.AddDataValidation(sheet, dv)
			}
		}
	}
	const help = "填写说明"
	if _, err := f.NewSheet(help); err != nil {
		return nil, err
	}
	_ = f.SetCellValue(help, "A1", "列")
	_ = f.SetCellValue(help, "B1", "必填")
	_ = f.SetCellValue(help, "C1", "说明")
	_ = f.SetCellStyle(help, "A1", "C1", style)
	_ = f.SetColWidth(help, "A", "A", 18)
	_ = f.SetColWidth(help, "C", "C", 80)
	for i, c := range domain.ImportColumns {
		req := ""
		if c.Required {
			req = "是"
		}
		_ = f.SetCellValue(help, cell(1, i+2), c.Header)
		_ = f.SetCellValue(help, cell(2, i+2), req)
		_ = f.SetCellValue(help, cell(3, i+2), c.Help)
	}
	n := len(domain.ImportColumns) + 3
	_ = f.SetCellValue(help, cell(1, n), fmt.Sprintf("%s：%s 至 %s；每行一场活动（一个场次）。第 2 行为示例，导入前请删除或改写。",
		ed.Name, ed.StartsOn.Format("2006-01-02"), ed.EndsOn.Format("2006-01-02")))
	return write(f)
}

func firstCounty(ed domain.Edition) string {
	if len(ed.Counties) == 0 {
		return ""
	}
	return ed.Counties[0].Name
}

func colName(i int) string {
	name, _ := excelize.ColumnNumberToName(i)
	return name
}

// sessionsText writes an activity's sessions as people read them: 5月26日 09:00-11:00.
func sessionsText(a domain.Activity, loc *time.Location) string {
	parts := make([]string, 0, len(a.Details.Sessions))
	for _, s := range a.Details.Sessions {
		start, end := s.StartsAt.In(loc), s.EndsAt.In(loc)
		parts = append(parts, fmt.Sprintf("%d月%d日 %s-%s", start.Month(), start.Day(), start.Format("15:04"), end.Format("15:04")))
	}
	return strings.Join(parts, "；")
}

func place(a domain.Activity) string {
	if a.Details.Online() {
		return "线上：" + a.Details.OnlineURL
	}
	return a.Details.VenueName
}

func yes(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// Featured returns the accepted featured list in the layout of 附件2.
func (Spreadsheets) Featured(ed domain.Edition, rows []app.FeaturedRow) ([]byte, error) {
	f := excelize.NewFile()
	const sheet = "特色科技活动推荐清单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	headers := []string{"序号", "县（市、区）", "活动名称", "主办单位", "活动时间", "活动地点", "活动形式", "重大示范活动", "推荐理由"}
	widths := []float64{6, 12, 32, 24, 28, 28, 14, 12, 48}
	_ = f.MergeCell(sheet, "A1", cell(len(headers), 1))
	_ = f.SetCellValue(sheet, "A1", ed.Name+"特色科技活动推荐清单")
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	_ = f.SetCellStyle(sheet, "A1", "A1", title)
	for i, h := range headers {
		_ = f.SetCellValue(sheet, cell(i+1, 2), h)
		_ = f.SetColWidth(sheet, colName(i+1), colName(i+1), widths[i])
	}
	_ = f.SetCellStyle(sheet, "A2", cell(len(headers), 2), headerStyle(f))
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	for i, r := range rows {
		a := r.Activity
		values := []any{i + 1, ed.CountyName(a.CountyCode), a.Details.Title, a.Organizer, sessionsText(a, ed.Location), place(a),
			a.Details.Form.Label(), yes(a.Details.MajorDemonstration), r.Nomination.Recommendation}
		for j, v := range values {
			_ = f.SetCellValue(sheet, cell(j+1, i+3), v)
		}
	}
	if len(rows) > 0 {
		_ = f.SetCellStyle(sheet, "A3", cell(len(headers), len(rows)+2), wrap)
	}
	return write(f)
}

// SignupList returns an activity's sign-ups with their phones masked.
func (Spreadsheets) SignupList(a domain.Activity, loc *time.Location, signups []domain.Signup) ([]byte, error) {
	f := excelize.NewFile()
	const sheet = "报名名单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	headers := []string{"序号", "场次", "姓名", "手机号", "年龄段", "状态", "候补序号", "报名时间"}
	for i, h := range headers {
		_ = f.SetCellValue(sheet, cell(i+1, 1), h)
		_ = f.SetColWidth(sheet, colName(i+1), colName(i+1), 18)
	}
	_ = f.SetCellStyle(sheet, "A1", cell(len(headers), 1), headerStyle(f))
	sessions := map[string]string{}
	for _, s := range a.Details.Sessions {
		sessions[s.ID.String()] = s.StartsAt.In(loc).Format("01-02 15:04") + "-" + s.EndsAt.In(loc).Format("15:04")
	}
	ages := map[domain.AgeGroup]string{domain.AgeMinor: "未成年", domain.AgeAdult: "成年"}
	states := map[domain.SignupStatus]string{domain.SignupConfirmed: "已确认", domain.SignupWaiting: "候补", domain.SignupCancelled: "已取消"}
	for i, s := range signups {
		waiting := ""
		if s.WaitingPosition > 0 {
			waiting = fmt.Sprint(s.WaitingPosition)
		}
		values := []any{i + 1, sessions[s.SessionID.String()], s.Name, s.PhoneMasked, ages[s.AgeGroup], states[s.Status], waiting,
			s.CreatedAt.In(loc).Format("2006-01-02 15:04")}
		for j, v := range values {
			_ = f.SetCellValue(sheet, cell(j+1, i+2), v)
		}
	}
	return write(f)
}
