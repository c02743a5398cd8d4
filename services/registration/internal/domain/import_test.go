package domain_test

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// book is one sheet: a header and rows, numbered from 1.
func book(header []string, rows ...[]string) sheet.Book {
	g := sheet.Grid{Name: "活动", Rows: append([][]string{header}, rows...)}
	for i := range g.Rows {
		g.RowNumbers = append(g.RowNumbers, i+1)
	}
	return sheet.Book{g}
}

var venueID = uuid.New()

var look = domain.ImportLookups{Venue: func(county, name string) (uuid.UUID, bool) { return venueID, county == "140105" && name == "科技馆" }}

var header = []string{"县（市、区）", "活动名称", "主办单位", "单位类型", "活动形式", "面向对象", "活动地点", "开始时间", "结束时间", "名额", "需要报名"}

func row(start, end, form, groups, signup string) []string {
	return []string{"小店区", "实验营", "科技馆", "", form, groups, "科技馆", start, end, "", signup}
}

func TestImportReadsWhatPeopleType(t *testing.T) {
	t.Parallel()
	ed := edition(t)
	tests := []struct {
		name      string
		cells     []string
		wantStart string
		wantEnd   string
		wantErr   string
	}{
		{"dashes", row("2024-05-26 09:00", "2024-05-26 11:00", "科学实验", "青少年", "是"), "2024-05-26 09:00", "2024-05-26 11:00", ""},
		{"slashes without zeros", row("2024/5/26 9:00", "2024/5/26 11:00", "实验", "学生、公众", "否"), "2024-05-26 09:00", "2024-05-26 11:00", ""},
		{"Chinese date", row("2024年5月26日 9:00", "2024年5月26日11:30", "科学实验", "青少年", ""), "2024-05-26 09:00", "2024-05-26 11:30", ""},
		{"时 and 分", row("5月26日 9时30分", "5月26日 11时", "讲座", "青少年", "√"), "2024-05-26 09:30", "2024-05-26 11:00", ""},
		{"full-width digits", row("２０２４年５月２６日 ９：００", "２０２４年５月２６日 １１：００", "科学实验", "青少年", "Ｙ"), "2024-05-26 09:00", "2024-05-26 11:00", ""},
		{"a date cell", row("2024-05-26 09:00", "2024-05-26 11:00", "展览", "市民", "×"), "2024-05-26 09:00", "2024-05-26 11:00", ""},
		{"Excel serial from a CSV", row("45438.375", "45438.4583333333", "科学实验", "青少年", "1"), "2024-05-26 09:00", "2024-05-26 11:00", ""},
		{"a date without a time", row("2024-05-26", "2024-05-26 11:00", "科学实验", "青少年", "是"), "", "", "IMPORT_TIME_OF_DAY_MISSING"},
		{"上午9点", row("5月26日上午9点", "5月26日上午11点", "科学实验", "青少年", "是"), "", "", "IMPORT_TIME_INVALID"},
		{"a time without a date", row("9:00", "11:00", "科学实验", "青少年", "是"), "", "", "IMPORT_TIME_DATE_MISSING"},
		{"30 February", row("2024-02-30 09:00", "2024-02-30 11:00", "科学实验", "青少年", "是"), "", "", "IMPORT_TIME_INVALID"},
		{"outside the week", row("2024-07-01 09:00", "2024-07-01 11:00", "科学实验", "青少年", "是"), "", "", "SESSION_OUTSIDE_EDITION"},
		{"unknown form", row("2024-05-26 09:00", "2024-05-26 11:00", "联欢会", "青少年", "是"), "", "", "ACTIVITY_FORM_UNKNOWN"},
		{"unknown group", row("2024-05-26 09:00", "2024-05-26 11:00", "科学实验", "外星人", "是"), "", "", "ACTIVITY_TARGET_GROUP_UNKNOWN"},
		{"neither yes nor no", row("2024-05-26 09:00", "2024-05-26 11:00", "科学实验", "青少年", "也许"), "", "", "IMPORT_YES_NO_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, rows, problems := domain.ParseImport(ed, book(header, tt.cells), nil, look)
			if tt.wantErr != "" {
				if len(problems) == 0 || problems[0].Row != 2 || problems[0].Reason != tt.wantErr || !errs.IsChinese(problems[0].Chinese) {
					t.Fatalf("problems = %+v, want one on row 2 of %s, in Chinese", problems, tt.wantErr)
				}
				return
			}
			if len(problems) != 0 || len(rows) != 1 {
				t.Fatalf("problems = %+v", problems)
			}
			s := rows[0].Details.Sessions[0]
			if ed.Local(s.StartsAt) != tt.wantStart || ed.Local(s.EndsAt) != tt.wantEnd {
				t.Fatalf("session %s to %s, want %s to %s", ed.Local(s.StartsAt), ed.Local(s.EndsAt), tt.wantStart, tt.wantEnd)
			}
			if rows[0].Details.VenueID != venueID || rows[0].County.Code != "140105" {
				t.Fatalf("row = %+v", rows[0])
			}
		})
	}
}

func TestTheTimesMayComeAsADateColumnOrARange(t *testing.T) {
	t.Parallel()
	ed := edition(t)
	for _, tc := range []struct {
		name   string
		header []string
		cells  []string
		want   string
		reason string
	}{
		{"a date column and times", []string{"县区", "活动名称", "主办单位", "活动形式", "面向对象", "地点", "活动日期", "开始时间", "结束时间"},
			[]string{"小店区", "观星", "天文学会", "讲座", "公众", "科技馆", "2024/5/27", "19:30", "21:00"}, "2024-05-27 19:30 2024-05-27 21:00", ""},
		{"one column with a range", []string{"县区", "活动名称", "主办单位", "活动形式", "面向对象", "地点", "活动时间"},
			[]string{"小店区", "观星", "天文学会", "讲座", "公众", "科技馆", "5月27日 19:30-21:00"}, "2024-05-27 19:30 2024-05-27 21:00", ""},
		{"a range with 至", []string{"县区", "活动名称", "主办单位", "活动形式", "面向对象", "地点", "活动时间"},
			[]string{"小店区", "观星", "天文学会", "讲座", "公众", "科技馆", "2024-05-27 19:30 至 21:00"}, "2024-05-27 19:30 2024-05-27 21:00", ""},
		{"a range across days", []string{"县区", "活动名称", "主办单位", "活动形式", "面向对象", "地点", "活动时间"},
			[]string{"小店区", "展览", "科协", "展览", "公众", "科技馆", "2024年5月26日 9:00—2024年5月28日 17:00"}, "2024-05-26 09:00 2024-05-28 17:00", ""},
		{"a range it cannot read", []string{"县区", "活动名称", "主办单位", "活动形式", "面向对象", "地点", "活动时间"},
			[]string{"小店区", "观星", "天文学会", "讲座", "公众", "科技馆", "5月27日晚上"}, "", "IMPORT_TIME_SPAN_INVALID"},
		{"a date column it cannot read", []string{"县区", "活动名称", "主办单位", "活动形式", "面向对象", "地点", "活动日期", "开始时间", "结束时间"},
			[]string{"小店区", "观星", "天文学会", "讲座", "公众", "科技馆", "周一", "19:30", "21:00"}, "", "IMPORT_DATE_INVALID"},
		{"no times at all", []string{"县区", "活动名称", "主办单位", "活动形式", "面向对象"},
			[]string{"小店区", "观星", "天文学会", "讲座", "公众"}, "", "IMPORT_COLUMN_MISSING"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, rows, problems := domain.ParseImport(ed, book(tc.header, tc.cells), nil, look)
			if tc.reason != "" {
				if len(problems) == 0 || problems[0].Reason != tc.reason {
					t.Fatalf("problems %+v, want %s", problems, tc.reason)
				}
				return
			}
			if len(problems) > 0 || len(rows) != 1 {
				t.Fatalf("problems %+v", problems)
			}
			s := rows[0].Details.Sessions[0]
			if got := ed.Local(s.StartsAt) + " " + ed.Local(s.EndsAt); got != tc.want {
				t.Fatalf("session %s, want %s", got, tc.want)
			}
		})
	}
}

func TestShortNamesAreReadByTheSynonymTable(t *testing.T) {
	t.Parallel()
	ed := edition(t)
	h := []string{"县（市、区）", "活动名称", "主办单位", "单位类型", "活动形式", "面向对象", "开始时间", "结束时间", "线上链接"}
	cells := func(kind, form, groups string) []string {
		return []string{"小店区", "气象科普", "小店区气象局", kind, form, groups, "2024-05-26 09:00", "2024-05-26 10:00", "https://example.org/live"}
	}
	for _, tc := range []struct {
		kind, form, groups string
		wantKind           domain.UnitKind
		wantForm           domain.Form
		wantGroups         []domain.TargetGroup
	}{
		{"气象", "讲座", "中小学生、市民", domain.UnitMeteorology, domain.FormLecture, []domain.TargetGroup{domain.TargetYouth, domain.TargetPublic}},
		{"林业局", "线上直播", "村民", domain.UnitForestryGrassland, domain.FormOnlineInteraction, []domain.TargetGroup{domain.TargetVillage}},
		{"实验室", "实验秀", "师生", domain.UnitKeyLaboratory, domain.FormHandsOnExperiment, []domain.TargetGroup{domain.TargetSchool}},
		{"气象部门", "科普讲座", "青少年", domain.UnitMeteorology, domain.FormLecture, []domain.TargetGroup{domain.TargetYouth}},
	} {
		_, rows, problems := domain.ParseImport(ed, book(h, cells(tc.kind, tc.form, tc.groups)), nil, look)
		if len(problems) > 0 || len(rows) != 1 {
			t.Fatalf("%s/%s/%s: %+v", tc.kind, tc.form, tc.groups, problems)
		}
		r := rows[0]
		if r.UnitKind != tc.wantKind || r.Details.Form != tc.wantForm || !reflect.DeepEqual(r.Details.TargetGroups, tc.wantGroups) {
			t.Errorf("%s/%s/%s read as %s/%s/%v", tc.kind, tc.form, tc.groups, r.UnitKind, r.Details.Form, r.Details.TargetGroups)
		}
	}
	// A kind it does not know is refused with the accepted values named.
	_, _, problems := domain.ParseImport(ed, book(h, cells("外星机构", "讲座", "青少年")), nil, look)
	if len(problems) != 1 || problems[0].Reason != "UNIT_KIND_UNKNOWN" || !strings.Contains(problems[0].Chinese, "气象部门") {
		t.Fatalf("problems %+v", problems)
	}
	// Every synonym names a value its column has, and no word stands for two values.
	seen := map[string]string{}
	for _, s := range domain.Synonyms {
		for _, w := range append([]string{s.Value}, s.Words...) {
			if prev, dup := seen[s.Column+w]; dup && prev != s.Value {
				t.Errorf("%s: %q stands for %s and %s", s.Column, w, prev, s.Value)
			}
			seen[s.Column+w] = s.Value
		}
	}
}

func TestSessionsOfOneActivityAreItsRows(t *testing.T) {
	t.Parallel()
	ed := edition(t)
	h := []string{"县（市、区）", "活动名称", "主办单位", "活动形式", "面向对象", "活动地点", "开始时间", "结束时间", "名额", "需要报名"}
	r := func(title, start, end, places, venue, signup string) []string {
		return []string{"小店区", title, "小店区科协", "讲座", "青少年", venue, start, end, places, signup}
	}
	_, rows, problems := domain.ParseImport(ed, book(h,
		r("AI与生活", "2024-05-26 09:00", "2024-05-26 10:00", "50", "科技馆", "是"),
		r("观星", "2024-05-27 19:30", "2024-05-27 21:00", "", "科技馆", ""),
		r("AI与生活", "2024-05-27 09:00", "2024-05-27 10:00", "80", "", ""), // a session: the rest left empty
		r("AI与生活", "2024-05-28 09:00", "2024-05-28 10:00", "80", "科技馆", "√"),
	), nil, look)
	if len(problems) > 0 || len(rows) != 2 {
		t.Fatalf("%d activities, problems %+v", len(rows), problems)
	}
	ai := rows[0]
	if ai.Details.Title != "AI与生活" || !reflect.DeepEqual(ai.Rows, []int{2, 4, 5}) || len(ai.Details.Sessions) != 3 || !ai.Details.RequiresSignup ||
		ai.Details.Sessions[0].Places != 50 || ai.Details.Sessions[2].Places != 80 {
		t.Fatalf("activity %+v", ai)
	}
	// Rows of one activity that disagree, and a session listed twice, are named by their rows.
	_, _, problems = domain.ParseImport(ed, book(h,
		r("AI与生活", "2024-05-26 09:00", "2024-05-26 10:00", "50", "科技馆", "是"),
		r("AI与生活", "2024-05-27 09:00", "2024-05-27 10:00", "50", "科技馆", "否"),
		r("AI与生活", "2024-05-26 09:00", "2024-05-26 10:00", "50", "科技馆", "是"),
	), nil, look)
	var got []string
	for _, p := range problems {
		got = append(got, p.Reason+"@"+p.Column+"#"+strconv.Itoa(p.Row))
	}
	if !reflect.DeepEqual(got, []string{"IMPORT_SESSION_DIFFERS@需要报名#3", "IMPORT_SESSION_TWICE@开始时间#4"}) {
		t.Fatalf("problems %v", got)
	}
}

// TestThemeColumnTakesShortNames reads the optional 主题科技周 column: its labels, the short
// names of the synonym table (农业 for 农业科技周), and an empty cell, which leaves the theme to
// the unit's kind.
func TestThemeColumnTakesShortNames(t *testing.T) {
	t.Parallel()
	ed := edition(t)
	h := []string{"县（市、区）", "活动名称", "主办单位", "单位类型", "活动形式", "面向对象", "开始时间", "结束时间", "线上链接", "主题科技周"}
	tests := []struct {
		name, header, cell string
		want               domain.Theme
		wantErr            string
	}{
		{"label", "主题科技周", "气象科技周", domain.ThemeMeteorology, ""},
		{"short agriculture", "主题科技周", "农业", domain.ThemeAgriculture, ""},
		{"short forestry", "主题科技周", "林业", domain.ThemeForestryGrassland, ""},
		{"short transport", "主题科技周", "交通", domain.ThemeTransport, ""},
		{"full-width spaces", "主题科技周", "　气 象　", domain.ThemeMeteorology, ""},
		{"none", "主题科技周", "无", domain.ThemeNone, ""},
		{"empty leaves it to the unit", "主题科技周", "", "", ""},
		{"a header synonym", "主题周", "林草", domain.ThemeForestryGrassland, ""},
		{"unknown", "主题科技周", "航天", "", "ACTIVITY_THEME_UNKNOWN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hh := append(slices.Clone(h[:len(h)-1]), tt.header)
			cells := []string{"小店区", "气象科普", "小店区气象局", "气象", "讲座", "青少年", "2024-05-26 09:00", "2024-05-26 10:00", "https://example.org/live", tt.cell}
			_, rows, problems := domain.ParseImport(ed, book(hh, cells), nil, look)
			if tt.wantErr != "" {
				if len(problems) != 1 || problems[0].Reason != tt.wantErr || !strings.Contains(problems[0].Chinese, "气象科技周") {
					t.Fatalf("problems %+v, want %s naming the accepted themes", problems, tt.wantErr)
				}
				return
			}
			if len(problems) > 0 || len(rows) != 1 {
				t.Fatalf("%+v", problems)
			}
			if rows[0].Details.Theme != tt.want {
				t.Fatalf("theme = %q, want %q", rows[0].Details.Theme, tt.want)
			}
		})
	}
	// Without the column at all the import still reads the plan.
	_, rows, problems := domain.ParseImport(ed, book(h[:len(h)-1], []string{"小店区", "气象科普", "小店区气象局", "气象", "讲座", "青少年",
		"2024-05-26 09:00", "2024-05-26 10:00", "https://example.org/live"}), nil, look)
	if len(problems) > 0 || len(rows) != 1 || rows[0].Details.Theme != "" {
		t.Fatalf("without the column: %+v %+v", problems, rows)
	}
}
