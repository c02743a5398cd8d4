package registration_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/sheet/sheettest"
)

// officePlan is 小店区's plan as its office saved it: a sheet of notes first, then under a
// merged title and a 填报单位 line a two-row header (活动时间 over 开始 and 结束), the county
// merged down, a 序号 column, date cells, short names for kinds, forms and target groups
// (气象, 开放, 中小学生), a second session of one activity on its own row, and a 合计 and a 备注
// line below. start3 is the third row's start (file row 7).
func officePlan(start3 any) []sheettest.Office {
	at := func(day, hour int) time.Time { return time.Date(2024, 5, day, hour, 0, 0, 0, time.UTC) }
	return []sheettest.Office{
		{Sheet: "填报说明", Header: []string{"说明"}, Rows: [][]any{{"每个场次一行"}}},
		{
			Sheet: "活动安排", Title: "2024年小店区科技活动周活动安排表", Note: "填报单位：小店区科技局（盖章）    填报日期：2024年5月10日",
			Top:    []string{"序号", "县（市、区）", "活动名称", "主办单位", "单位类型", "活动形式", "面向对象", "活动地点", "活动时间", "", "名额", "需要报名"},
			Header: []string{"", "", "", "", "", "", "", "", "开始", "结束", "", ""},
			Rows: [][]any{
				{1, "小店区", "走进气象台", "小店区气象局", "气象", "开放", "中小学生", "太原市科技馆", at(26, 9), at(26, 11), 60, "是"},
				{2, nil, "科普讲座：AI与生活", "太原理工大学", "高校", "讲座", "青少年、公众", "太原市科技馆", "2024年5月27日 9:00", "2024年5月27日 11:00", "８０", "√"},
				{3, nil, "科普讲座：AI与生活", "太原理工大学", nil, nil, nil, nil, start3, "2024/5/28 11:00", "80", nil},
				{4, nil, "林草科普进社区", "小店区林业局", "林业", "展览", "社区居民", "太原市科技馆", at(29, 14), at(29, 16), nil, "否"},
			},
			Down:   [][3]int{{1, 0, 3}},
			Footer: []string{"合计：3 项活动 4 个场次", "备注：名额为每个场次的人数"},
		},
	}
}

func TestImportPlansAsOfficesMakeThem(t *testing.T) {
	t.Parallel()
	f := start(t)
	xlsx := sheettest.XLSX(t, officePlan("2024/5/28 9:00")...)
	files := map[string][]byte{
		"小店区活动安排.xlsx": xlsx,
		"小店区活动安排.xls":  sheettest.LibreOffice(t, xlsx, "xlsx", "xls"), // as Excel 97-2003 (WPS's default) saves it
	}
	for name, content := range files {
		t.Run(name, func(t *testing.T) {
			resp, err := f.importFile(name, content, true, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.GetErrors()) != 0 {
				t.Fatalf("problems: %v", resp.GetErrors())
			}
			slices.Sort(resp.UnitsCreated)
			if resp.GetSheet() != "活动安排" || resp.GetHeaderRow() != 4 || resp.GetRows() != 4 || resp.GetActivities() != 3 ||
				strings.Join(resp.GetUnitsCreated(), ",") != "太原理工大学,小店区林业局,小店区气象局" {
				t.Fatalf("read %q from row %d: %d rows, %d activities, units %v", resp.GetSheet(), resp.GetHeaderRow(), resp.GetRows(), resp.GetActivities(), resp.GetUnitsCreated())
			}
			if resp.GetColumns()["活动时间 开始"] != "starts_at" || resp.GetColumns()["活动时间 结束"] != "ends_at" {
				t.Fatalf("columns %v", resp.GetColumns())
			}
		})
	}

	// A bad row is named by its row number as the spreadsheet program shows it, its column by
	// the file's header, its problem in Chinese with the forms that are taken; nothing is written.
	bad := sheettest.XLSX(t, officePlan("5月28日上午9点")...)
	for _, dry := range []bool{true, false} {
		resp, err := f.importFile("小店区活动安排.xlsx", bad, dry, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.GetErrors()) != 1 {
			t.Fatalf("problems %v", resp.GetErrors())
		}
		e := resp.GetErrors()[0]
		if e.GetRow() != 7 || e.GetColumn() != "活动时间 开始" || e.GetReason() != "IMPORT_TIME_INVALID" || e.GetArgs()["value"] != "5月28日上午9点" ||
			!errs.IsChinese(e.GetLocalizedMessage()) || !strings.Contains(e.GetLocalizedMessage(), "2024年5月26日 9:00") || e.GetMessage() == "" {
			t.Fatalf("problem %v", e)
		}
		if len(resp.GetActivityIds()) != 0 || f.countActivities() != 0 {
			t.Fatalf("dry run %v: a file with a bad row wrote %d activities", dry, f.countActivities())
		}
	}

	// The good file goes in whole: three activities, one of them with two sessions, its units
	// registered with the kinds their short names stand for.
	resp, err := f.importFile("小店区活动安排.xlsx", xlsx, false, nil)
	if err != nil || len(resp.GetErrors()) != 0 || len(resp.GetActivityIds()) != 3 || f.countActivities() != 3 {
		t.Fatalf("import: %v %v", resp, err)
	}
	a, err := f.activities.GetActivity(context.Background(), &registrationv1.GetActivityRequest{ActivityId: resp.GetActivityIds()[1]}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	d := a.GetActivity().GetDetails()
	var sessions []string
	for _, s := range d.GetSessions() {
		sessions = append(sessions, fmt.Sprintf("%s/%d", s.GetStartsAt().AsTime().In(taiyuan).Format("01-02 15:04"), s.GetPlaces()))
	}
	if d.GetTitle() != "科普讲座：AI与生活" || strings.Join(sessions, ",") != "05-27 09:00/80,05-28 09:00/80" || !d.GetRequiresSignup() ||
		d.GetForm() != registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE || len(d.GetTargetGroups()) != 2 {
		t.Fatalf("the two-session activity: %v", d)
	}
	units, err := f.units.ListUnits(context.Background(), &registrationv1.ListUnitsRequest{CountyCode: "140105"}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]registrationv1.UnitKind{}
	for _, u := range units.GetUnits() {
		kinds[u.GetName()] = u.GetKind()
	}
	if kinds["小店区气象局"] != registrationv1.UnitKind_UNIT_KIND_METEOROLOGY || kinds["小店区林业局"] != registrationv1.UnitKind_UNIT_KIND_FORESTRY_GRASSLAND ||
		kinds["太原理工大学"] != registrationv1.UnitKind_UNIT_KIND_SCHOOL {
		t.Fatalf("units %v", kinds)
	}
}
