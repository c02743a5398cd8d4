package adapters

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/registration/internal/app"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// Spreadsheets reads XLSX, .xls and CSV files (pkg/sheet) and writes XLSX ones.
type Spreadsheets struct{}

// Read returns every sheet of an XLSX, .xls or CSV file as text.
func (Spreadsheets) Read(fileName string, content []byte, encoding string) (sheet.Book, error) {
	return sheet.Read(fileName, content, encoding)
}

var cell, colName = sheet.Cell, sheet.Column

// Template returns the import template: the headers, an example row, drop-downs for the columns
// with fixed values, and a sheet that explains every column.
func (Spreadsheets) Template(ed domain.Edition) ([]byte, error) {
	const name = "活动计划"
	f, err := sheet.NewWorkbook(name)
	if err != nil {
		return nil, err
	}
	columns := domain.TemplateColumns()
	headers := make([]string, len(columns))
	for i, c := range columns {
		headers[i] = c.Header
	}
	f.Header(name, 1, headers, 16)
	_ = f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	day := ed.StartsOn.AddDate(0, 0, 1)
	example := map[string]string{
		domain.FieldCounty: firstCounty(ed), domain.FieldTitle: "走进重点实验室开放日", domain.FieldUnit: "某某大学",
		domain.FieldUnitKind: "重点实验室", domain.FieldForm: "开放日", domain.FieldTargetGroups: "青少年、社会公众",
		domain.FieldVenue: "（场馆登记中的名称）", domain.FieldStartsAt: day.Add(9 * time.Hour).Format("2006-01-02 15:04"),
		domain.FieldEndsAt: day.Add(11*time.Hour + 30*time.Minute).Format("2006-01-02 15:04"), domain.FieldPlaces: "60",
		domain.FieldRequiresSignup: "是", domain.FieldMajorDemonstration: "否", domain.FieldWorkersDayJoint: "否",
		domain.FieldDescription: "参观实验室，与科研人员面对面交流。", domain.FieldTheme: "无",
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
	for _, x := range domain.Themes {
		lists[domain.FieldTheme] = append(lists[domain.FieldTheme], x.Label)
	}
	for _, u := range domain.UnitKinds {
		lists[domain.FieldUnitKind] = append(lists[domain.FieldUnitKind], u.Label)
	}
	for i, c := range columns {
		_ = f.SetCellValue(name, cell(i+1, 2), example[c.Key])
		if values, ok := lists[c.Key]; ok {
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(fmt.Sprintf("%s2:%s%d", colName(i+1), colName(i+1), sheet.MaxRows+1))
			if err := dv.SetDropList(values); err == nil {
				_ = f.AddDataValidation(name, dv)
			}
		}
	}
	const help = "填写说明"
	if _, err := f.NewSheet(help); err != nil {
		return nil, err
	}
	f.Header(help, 1, []string{"列", "必填", "说明", "也可以写作（表头）"}, 18)
	_ = f.SetColWidth(help, "C", "C", 70)
	_ = f.SetColWidth(help, "D", "D", 60)
	n := 2
	for _, c := range domain.ImportColumns {
		req := ""
		if c.Required || c.Key == domain.FieldStartsAt || c.Key == domain.FieldEndsAt {
			req = "是"
		}
		f.Row(help, n, c.Header, req, c.Help, strings.Join(c.Synonyms, "、"))
		n++
	}
	n++
	for _, line := range []string{
		fmt.Sprintf("%s：%s 至 %s。第 2 行为示例，导入前请删除或改写。", ed.Name, ed.StartsOn.Format("2006-01-02"), ed.EndsOn.Format("2006-01-02")),
		"一行一个场次。同一活动有多个场次时，每个场次占一行：县（市、区）、主办单位、活动名称相同的行是同一活动的场次，" +
			"各行的时间和名额可以不同，其余各列照抄、留空或合并单元格。",
		"表格上方可以有标题行和“填报单位、填报日期”行；表头可以是两行（如“活动时间”下分“开始”“结束”）；表格下方的合计、备注行不会读入。",
		"可以上传 .xlsx、.xls（Excel 97-2003、WPS）或 CSV（UTF-8 或 GBK）文件；有多个工作表时，读取有表头的那一张。",
		"时间可写作 " + domain.WhenForms + "，或用日期单元格；“上午9点”这类写法无法识别。是/否 可写作 " + sheet.YesNoForms + "。",
	} {
		_ = f.SetCellValue(help, cell(1, n), line)
		n++
	}
	n++
	f.Header(help, n, []string{"列", "填写的值", "也可以写作"}, 18)
	for _, s := range domain.SynonymTable() {
		n++
		f.Row(help, n, s[0], s[1], s[2])
	}
	return f.Bytes()
}

func firstCounty(ed domain.Edition) string {
	if len(ed.Counties) == 0 {
		return ""
	}
	return ed.Counties[0].Name
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
	const name = "特色科技活动推荐清单"
	f, err := sheet.NewWorkbook(name)
	if err != nil {
		return nil, err
	}
	headers := []string{"序号", "县（市、区）", "活动名称", "主办单位", "活动时间", "活动地点", "活动形式", "重大示范活动", "推荐理由"}
	// Ready to print as offices print it: title, the line the recommending unit fills in, the
	// header repeated on every A4 landscape page.
	first, err := f.Titled(name, ed.Name+"特色科技活动推荐清单", "推荐单位（盖章）：                    联系人：                联系电话：", headers, 14)
	if err != nil {
		return nil, err
	}
	for i, w := range []float64{6, 12, 32, 24, 28, 28, 14, 12, 48} {
		_ = f.SetColWidth(name, colName(i+1), colName(i+1), w)
	}
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	for i, r := range rows {
		a := r.Activity
		f.Row(name, i+first, i+1, ed.CountyName(a.CountyCode), a.Details.Title, a.Organizer, sessionsText(a, ed.Location), place(a),
			a.Details.Form.Label(), yes(a.Details.MajorDemonstration), r.Nomination.Recommendation)
	}
	if len(rows) > 0 {
		_ = f.SetCellStyle(name, cell(1, first), cell(len(headers), len(rows)+first-1), wrap)
	}
	return f.Bytes()
}

// SignupList returns an activity's sign-ups with their phones masked.
func (Spreadsheets) SignupList(a domain.Activity, loc *time.Location, signups []domain.Signup) ([]byte, error) {
	const name = "报名名单"
	f, err := sheet.NewWorkbook(name)
	if err != nil {
		return nil, err
	}
	f.Header(name, 1, []string{"序号", "场次", "姓名", "手机号", "年龄段", "状态", "候补序号", "报名时间"}, 18)
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
		f.Row(name, i+2, i+1, sessions[s.SessionID.String()], s.Name, s.PhoneMasked, ages[s.AgeGroup], states[s.Status], waiting,
			s.CreatedAt.In(loc).Format("2006-01-02 15:04"))
	}
	return f.Bytes()
}
