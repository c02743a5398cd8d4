package adapters

import (
	"strconv"

	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/convert"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/labels"
)

// Workbooks writes dashboards as the workbooks people download. It implements
// app.DashboardWriter.
type Workbooks struct{}

// Dashboard writes a dashboard as XLSX; see DashboardWorkbook.
func (Workbooks) Dashboard(d domain.Dashboard) ([]byte, error) {
	return DashboardWorkbook(convert.DashboardToProto(d))
}

// DashboardWorkbook lays a dashboard out as sheets: the figures and the filter that made them,
// then one sheet per panel, numbers as numbers so they can be summed.
func DashboardWorkbook(d *reportingv1.Dashboard) ([]byte, error) {
	w, err := sheet.NewWorkbook("概览")
	if err != nil {
		return nil, err
	}
	f, t := d.GetFilter(), d.GetTotals()
	row := 1
	put := func(label string, v any) {
		w.Row("概览", row, label, v)
		row++
	}
	w.Header("概览", row, []string{"项目", "数值"}, 24)
	row++
	county := f.GetCountyCode()
	if county == "" {
		county = "全市"
	}
	days := "全部"
	if f.GetFromDay() != "" || f.GetToDay() != "" {
		days = f.GetFromDay() + " 至 " + f.GetToDay()
	}
	form, group, theme, workersDay := "全部", "全部", "全部", "全部"
	if f.GetWorkersDay() {
		workersDay = "仅联合活动"
	}
	if f.GetTheme() != 0 {
		theme = labels.Theme(f.GetTheme())
	}
	if f.GetForm() != 0 {
		form = labels.Form(f.GetForm())
	}
	if f.GetTargetGroup() != 0 {
		group = labels.TargetGroup(f.GetTargetGroup())
	}
	for _, kv := range []struct {
		k string
		v any
	}{
		{"活动周", d.GetEditionId()}, {"县（市、区）", county}, {"日期", days}, {"活动形式", form}, {"服务对象", group}, {"主题科技周", theme}, {"科技工作者日", workersDay},
		{"数据日期", d.GetToday()},
		{"参与人次", t.GetParticipations()}, {"其中：持票入场", t.GetTicketed()}, {"其中：现场登记", t.GetWalkIns()},
		{"青少年", t.GetYoungPeople()}, {"其他公众", t.GetAdults()}, {"科技工作者", t.GetScienceWorkers()}, {"科普志愿者", t.GetVolunteers()},
		{"持票独立人数", t.GetDistinctPeople()}, {"今日参与人次", t.GetToday()}, {"昨日参与人次", t.GetYesterday()}, {"拒绝扫码", t.GetRefusedScans()},
		{"现场活动（计划）", t.GetActivitiesPlanned()}, {"现场活动（已举办）", t.GetActivitiesHeld()}, {"网络活动", t.GetOnlineActivities()},
		{"科技工作者日联合活动（计划）", t.GetWorkersDayActivities()}, {"科技工作者日联合活动（已举办）", t.GetWorkersDayHeld()},
		{"科技工作者日联合活动参与人次", t.GetWorkersDayParticipations()},
		{"开放场馆", t.GetVenuesOpened()}, {"当前在馆人数", d.GetOccupancy().GetInside()}, {"数据序号", strconv.FormatUint(d.GetStreamPosition(), 10)},
	} {
		put(kv.k, kv.v)
	}

	// Each panel is a table ready to print (sheet.Titled): its title, the edition, scope and
	// data date on the line under it, and, for the panels whose rows add up, a 合计 row of SUM
	// formulas holding the sums of the figures written above them.
	line := "活动周：" + d.GetEditionId() + "    范围：" + county + "，" + days + "    数据日期：" + d.GetToday()
	var tableErr error
	table := func(name string, headers []string, rows [][]any, sum ...int) {
		_, _ = w.NewSheet(name)
		first, err := w.Titled(name, name, line, headers, 18)
		if err != nil {
			tableErr = err
			return
		}
		for i, r := range rows {
			w.Row(name, first+i, r...)
		}
		if len(sum) == 0 {
			return
		}
		totals := make([]any, len(sum))
		for j, c := range sum {
			var n int64
			for _, r := range rows {
				if v, ok := r[c-1].(int64); ok {
					n += v
				}
			}
			totals[j] = n
		}
		if err := w.Total(name, first+len(rows), 1, "合计", sum, first, first+len(rows)-1, totals); err != nil {
			tableErr = err
		}
	}
	var rows [][]any
	for _, c := range d.GetCounties() {
		rows = append(rows, []any{c.GetCountyCode(), c.GetCountyName(), c.GetParticipations(), c.GetToday(), c.GetYoungPeople(),
			c.GetActivitiesPlanned(), c.GetActivitiesHeld(), c.GetVenuesOpened()})
	}
	table("各县（市、区）", []string{"代码", "县（市、区）", "参与人次", "今日", "青少年", "活动（计划）", "活动（已举办）", "开放场馆"}, rows, 3, 4, 5, 6, 7, 8)
	// The level under the counties (city → county → unit → activity): every activity counts
	// under its organizer unit (those without one on a line of their own), so the rows add up
	// to the totals.
	countyNames := map[string]string{}
	for _, c := range d.GetCounties() {
		countyNames[c.GetCountyCode()] = c.GetCountyName()
	}
	rows = nil
	for _, u := range d.GetUnits() {
		name := u.GetUnitName()
		if name == "" {
			name = "（未注明组织单位）"
		}
		county := countyNames[u.GetCountyCode()]
		if county == "" {
			county = u.GetCountyCode()
		}
		rows = append(rows, []any{county, name, u.GetParticipations(), u.GetToday(), u.GetActivitiesPlanned(), u.GetActivitiesHeld()})
	}
	table("各组织单位", []string{"县（市、区）", "组织单位", "参与人次", "今日", "活动（计划）", "活动（已举办）"}, rows, 3, 4, 5, 6)
	rows = nil
	for _, c := range d.GetByDay() {
		rows = append(rows, []any{c.GetDay(), c.GetParticipations(), c.GetYoungPeople()})
	}
	table("每日", []string{"日期", "参与人次", "青少年"}, rows, 2, 3)
	rows = nil
	for _, h := range d.GetByHour() {
		rows = append(rows, []any{h.GetHour(), h.GetParticipations()})
	}
	table("每小时", []string{"时段", "参与人次"}, rows)
	rows = nil
	for _, x := range d.GetForms() {
		rows = append(rows, []any{labels.Form(x.GetForm()), x.GetActivitiesPlanned(), x.GetActivitiesHeld(), x.GetParticipations()})
	}
	table("活动形式", []string{"活动形式", "活动（计划）", "活动（已举办）", "参与人次"}, rows)
	rows = nil
	for _, x := range d.GetTargetGroups() {
		rows = append(rows, []any{labels.TargetGroup(x.GetTargetGroup()), x.GetActivitiesPlanned(), x.GetParticipations()})
	}
	table("服务对象", []string{"服务对象", "活动（计划）", "参与人次"}, rows)
	// Every activity has one theme, so this table's rows add up to the totals.
	rows = nil
	for _, x := range d.GetThemes() {
		rows = append(rows, []any{labels.Theme(x.GetTheme()), x.GetActivitiesPlanned(), x.GetActivitiesHeld(), x.GetParticipations()})
	}
	table("主题科技周", []string{"主题科技周", "现场活动（计划）", "现场活动（已举办）", "参与人次"}, rows, 2, 3, 4)
	rows = nil
	for _, a := range d.GetTopActivities() {
		rows = append(rows, []any{a.GetTitle(), a.GetCountyCode(), a.GetVenueName(), labels.Form(a.GetForm()), a.GetParticipations()})
	}
	table("热门活动", []string{"活动", "县（市、区）", "场馆", "活动形式", "参与人次"}, rows)
	rows = nil
	for _, a := range d.GetOnlineActivities() {
		rows = append(rows, []any{a.GetTitle(), a.GetCountyCode(), labels.Form(a.GetForm())})
	}
	table("网络活动", []string{"活动", "县（市、区）", "活动形式"}, rows)
	rows = nil
	for _, v := range d.GetOccupancy().GetFullest() {
		rows = append(rows, []any{v.GetVenueName(), v.GetCountyCode(), v.GetInside(), v.GetSafeCapacity(), labels.Level(v.GetLevel())})
	}
	table("场馆在馆人数", []string{"场馆", "县（市、区）", "在馆人数", "安全容量", "状态"}, rows)
	rows = nil
	for _, r := range d.GetRefusals() {
		rows = append(rows, []any{labels.Refusal(r.GetReason()), r.GetRefused()})
	}
	table("拒绝原因", []string{"原因", "次数"}, rows, 2)
	if tableErr != nil {
		return nil, tableErr
	}
	return w.Bytes()
}
