package domain

import (
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/sheet"
)

// Import field keys: the stable names a header mapping refers to.
const (
	FieldCounty             = "county"
	FieldTitle              = "title"
	FieldUnit               = "unit"
	FieldUnitKind           = "unit_kind"
	FieldForm               = "form"
	FieldTargetGroups       = "target_groups"
	FieldVenue              = "venue"
	FieldDate               = "date"
	FieldStartsAt           = "starts_at"
	FieldEndsAt             = "ends_at"
	FieldTimeSpan           = "time"
	FieldPlaces             = "places"
	FieldRequiresSignup     = "requires_signup"
	FieldOnlineURL          = "online_url"
	FieldMajorDemonstration = "major_demonstration"
	FieldWorkersDayJoint    = "workers_day_joint"
	FieldDescription        = "description"
	FieldTheme              = "theme"
)

// ImportColumn is one column of the import template.
type ImportColumn = sheet.Field

// ImportColumns are the columns an activity plan may have: the template's, in its order, and the
// two it leaves out that offices use instead of 开始时间 and 结束时间 (活动日期 with the times,
// or one 活动时间 column with a range). Each lists the other headers offices write for it; a
// two-row header's sub-column is known by its top and sub headers together (活动时间 over 开始).
var ImportColumns = []ImportColumn{
	{Key: FieldCounty, Header: "县（市、区）", Required: true, Help: "县（市、区）名称或六位代码，如 小店区 或 140105",
		Synonyms: []string{"县区", "县(区)", "县（区）", "区县", "县市区", "县（市区）", "所属县区", "所属县（市、区）", "所在县区", "所在县（市、区）", "地区"}},
	{Key: FieldTitle, Header: "活动名称", Required: true, Help: "2 至 200 字；同一活动有多个场次时，每个场次一行，活动名称等各列照抄或合并单元格",
		Synonyms: []string{"活动主题", "活动项目", "项目名称", "活动名", "名称"}},
	{Key: FieldUnit, Header: "主办单位", Required: true, Help: "组织单位全称；系统中没有的单位会随导入登记",
		Synonyms: []string{"组织单位", "承办单位", "举办单位", "主办（承办）单位", "主（承）办单位", "单位名称", "实施单位", "责任单位", "单位"}},
	{Key: FieldUnitKind, Header: "单位类型", Help: "新登记单位的类型，如 科普基地、重点实验室、学校；常见简称见下表；不填为 其他",
		Synonyms: []string{"单位类别", "单位性质"}},
	{Key: FieldForm, Header: "活动形式", Required: true, Help: "科普讲座、科技展览、科技咨询、网络互动、科学实验、开放日、科学家精神宣讲、表演/微视频、其他；常见简称见下表",
		Synonyms: []string{"形式", "活动类型", "活动类别", "类型"}},
	{Key: FieldTargetGroups, Header: "面向对象", Required: true, Help: "青少年、社区、农村、企业、学校、社会公众，可多选，用顿号分隔；常见说法见下表",
		Synonyms: []string{"参与对象", "活动对象", "服务对象", "面向人群", "受众", "对象"}},
	{Key: FieldVenue, Header: "活动地点", Help: "场馆登记中的场馆名称；线上活动可不填",
		Synonyms: []string{"地点", "活动场所", "场所", "举办地点", "场馆", "活动场馆"}},
	{Key: FieldStartsAt, Header: "开始时间", Help: "如 2024-05-26 09:00、2024/5/26 9:00、2024年5月26日 9:00，或日期单元格；有“活动日期”列时可只写 9:00",
		Synonyms: []string{"活动时间开始", "活动时间起", "起始时间", "开始", "起"}},
	{Key: FieldEndsAt, Header: "结束时间", Help: "如 2024-05-26 11:30；有“活动日期”列时可只写 11:30",
		Synonyms: []string{"活动时间结束", "活动时间止", "截止时间", "结束", "止"}},
	{Key: FieldPlaces, Header: "名额", Help: "每个场次的名额，整数，不填或 0 为不限",
		Synonyms: []string{"报名名额", "限额", "限报人数", "名额数"}},
	{Key: FieldRequiresSignup, Header: "需要报名", Help: "是 / 否（也可填 √、×、Y、N）",
		Synonyms: []string{"是否需要报名", "是否报名", "需报名", "是否需预约", "是否预约", "需要预约"}},
	{Key: FieldOnlineURL, Header: "线上链接", Help: "线上活动的网址",
		Synonyms: []string{"链接", "网址", "直播链接", "线上地址", "活动链接"}},
	{Key: FieldMajorDemonstration, Header: "重大示范活动", Help: "是 / 否",
		Synonyms: []string{"是否重大示范活动", "重大示范", "是否重大示范"}},
	{Key: FieldWorkersDayJoint, Header: "科技工作者日联动", Help: "是 / 否",
		Synonyms: []string{"是否与科技工作者日联动", "科技工作者日", "是否科技工作者日联动"}},
	{Key: FieldDescription, Header: "活动简介", Help: "至多 4000 字",
		Synonyms: []string{"简介", "活动内容", "主要内容", "活动介绍", "内容"}},
	{Key: FieldTheme, Header: "主题科技周", Help: "无、农业科技周、气象科技周、林草科技周、交通运输科技周；可写简称，如 气象；不填则按单位类型（如气象部门为气象科技周，其他单位为无）",
		Synonyms: []string{"所属主题科技周", "主题周", "科技周主题", "专题科技周", "主题活动周"}},
	{Key: FieldDate, Header: "活动日期", Help: "不在模板中：开始、结束时间只写时刻时，日期写在这一列，如 2024-05-26",
		Synonyms: []string{"日期", "举办日期"}},
	{Key: FieldTimeSpan, Header: "活动时间", Help: "不在模板中：一列写起止时间，如 5月26日 9:00-11:30",
		Synonyms: []string{"时间", "举办时间", "活动起止时间", "起止时间"}},
}

// TemplateColumns are the columns the import template has: ImportColumns without the two
// alternatives to its own times.
func TemplateColumns() []ImportColumn {
	return slices.DeleteFunc(slices.Clone(ImportColumns), func(c ImportColumn) bool { return c.Key == FieldDate || c.Key == FieldTimeSpan })
}

// Table is the table of activities found in a spreadsheet (see pkg/sheet).
type Table = sheet.Table

// RowError is one problem of one row.
type RowError = sheet.Problem

// ImportRow is an activity that passed every check: its rows (one for each session) and what
// they say.
type ImportRow struct {
	// Row is its first row; Rows all of them.
	Row      int
	Rows     []int
	County   County
	UnitName string
	UnitKind UnitKind
	Details  Details
}

// ImportLookups answer what the rows refer to.
type ImportLookups struct {
	// Venue finds a venue of the county by its name.
	Venue func(county, name string) (id uuid.UUID, ok bool)
}

// sharedFields are the fields every session row of one activity says the same of: a later row
// may leave them empty (or merged) but may not say something else.
var sharedFields = []string{FieldUnitKind, FieldForm, FieldTargetGroups, FieldVenue, FieldRequiresSignup, FieldOnlineURL,
	FieldMajorDemonstration, FieldWorkersDayJoint, FieldDescription, FieldTheme}

// ParseImport finds an activity plan in a spreadsheet (the sheet and header that name its
// columns, see sheet.Find), checks every data row and returns the table it read, its activities
// and every problem. Rows with the same county, unit and title are the sessions of one activity:
// each row gives a session its times and places, and the rows must agree on the rest.
func ParseImport(ed Edition, b sheet.Book, mapping map[string]string, look ImportLookups) (Table, []ImportRow, []RowError) {
	t, problems := sheet.Find(b, ImportColumns, mapping)
	rows, problems := parseRows(ed, t, problems, look)
	return t, rows, problems
}

// parseRows reads the activities of a table whose header had the problems given.
func parseRows(ed Edition, t Table, problems []RowError, look ImportLookups) ([]ImportRow, []RowError) {
	_, hasStart := t.Columns[FieldStartsAt]
	_, hasEnd := t.Columns[FieldEndsAt]
	_, hasSpan := t.Columns[FieldTimeSpan]
	if !hasSpan && (!hasStart || !hasEnd) {
		for _, f := range ImportColumns {
			if _, ok := t.Columns[f.Key]; !ok && (f.Key == FieldStartsAt || f.Key == FieldEndsAt) {
				problems = append(problems, sheet.At(t.HeaderRow, f.Header, sheet.ErrColumnMissing.New("key", f.Key, "label", f.Header)))
			}
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	type group struct {
		row      ImportRow
		cells    map[string]string // the shared fields' cells, as the first row with each says them
		from     map[string]int    // which row said each
		sessRows []int             // the row of each session
		bad      bool
	}
	var groups []*group
	byKey := map[string]*group{}
	problems = t.Each(func(rowNum int, cell func(string) string, bad func(string, error)) {
		failed := false
		fail := func(key string, err error) { failed = true; bad(key, err) }
		county, ok := ed.County(sheet.Fold(cell(FieldCounty)))
		switch {
		case cell(FieldCounty) == "":
			fail(FieldCounty, ErrImportCountyEmpty.New())
		case !ok:
			fail(FieldCounty, ErrImportCountyUnknown.New("value", cell(FieldCounty), "edition", ed.Name, "accepted", ed.CountyNames()))
		}
		unit, title := cell(FieldUnit), cell(FieldTitle)
		if unit == "" {
			fail(FieldUnit, ErrImportUnitEmpty.New())
		}
		key := county.Code + "\x00" + unit + "\x00" + title
		if title == "" {
			fail(FieldTitle, ErrImportTitleEmpty.New())
			key += "\x00" + strconv.Itoa(rowNum) // rows without a title are no one's sessions
		}
		g, seen := byKey[key]
		if !seen {
			g = &group{row: ImportRow{Row: rowNum, County: county, UnitName: unit, UnitKind: UnitOther}, cells: map[string]string{}, from: map[string]int{}}
			g.row.Details = Details{Title: title}
		}
		// The cells every session row shares: the first row that fills one says it.
		for _, f := range sharedFields {
			v := cell(f)
			if v == "" {
				continue
			}
			if prev, ok := g.cells[f]; ok && !sameCell(f, prev, v) {
				fail(f, ErrImportSessionDiffers.New("value", v, "row", g.from[f], "other", prev))
				continue
			}
			if _, ok := g.cells[f]; !ok {
				g.cells[f], g.from[f] = v, rowNum
			}
		}
		s, sessionBad := readSession(ed, cell)
		for _, b := range sessionBad {
			fail(b.key, b.err)
		}
		for i, other := range g.row.Details.Sessions {
			if len(sessionBad) == 0 && other.StartsAt.Equal(s.StartsAt) && other.EndsAt.Equal(s.EndsAt) {
				fail(FieldStartsAt, ErrImportSessionTwice.New("startsAt", ed.Local(s.StartsAt), "row", g.sessRows[i]))
			}
		}
		if !seen {
			byKey[key] = g
			groups = append(groups, g)
		}
		g.row.Rows = append(g.row.Rows, rowNum)
		g.bad = g.bad || failed
		if !failed {
			g.row.Details.Sessions = append(g.row.Details.Sessions, s)
			g.sessRows = append(g.sessRows, rowNum)
		}
	})
	var rows []ImportRow
	for _, g := range groups {
		r, more := g.row.fill(ed, t, g.cells, g.from, look)
		problems = append(problems, more...)
		if g.bad || len(more) > 0 {
			continue
		}
		// The rows read well: apply the same rules as the form does.
		checked, err := CheckDetails(ed, r.Details)
		if err != nil {
			problems = append(problems, sheet.At(r.Row, "", err))
			continue
		}
		r.Details = checked
		rows = append(rows, r)
	}
	slices.SortStableFunc(problems, func(a, b RowError) int { return a.Row - b.Row })
	if len(rows) == 0 && len(problems) == 0 {
		problems = append(problems, sheet.At(t.HeaderRow+1, "", ErrImportNoRows.New()))
	}
	return rows, problems
}

// readSession reads a row's session: its times and its places.
func readSession(ed Edition, cell func(string) string) (Session, []fieldErr) {
	var s Session
	var bad []fieldErr
	s.StartsAt, s.EndsAt, bad = readWhen(ed, whenCells{start: cell(FieldStartsAt), end: cell(FieldEndsAt), date: cell(FieldDate), span: cell(FieldTimeSpan)})
	if p := cell(FieldPlaces); p != "" {
		n, ok := sheet.Int(p)
		if !ok || n < 0 {
			bad = append(bad, fieldErr{FieldPlaces, ErrImportPlacesInvalid.New("value", p)})
		}
		s.Places = n
	}
	return s, bad
}

// sameCell reports whether two rows of one activity say the same in a shared field.
func sameCell(field, a, b string) bool {
	switch field {
	case FieldRequiresSignup, FieldMajorDemonstration, FieldWorkersDayJoint:
		x, _ := sheet.YesNo(a)
		y, _ := sheet.YesNo(b)
		return x == y
	}
	return sheet.Fold(a) == sheet.Fold(b)
}

// fill reads an activity's shared cells into its details; from says which row each came from.
func (r ImportRow) fill(ed Edition, t Table, cells map[string]string, from map[string]int, look ImportLookups) (ImportRow, []RowError) {
	var problems []RowError
	fail := func(key string, err error) {
		row := r.Row
		if n, ok := from[key]; ok {
			row = n
		}
		problems = append(problems, sheet.At(row, t.Header(key), err))
	}
	if k := cells[FieldUnitKind]; k != "" {
		var ok bool
		if r.UnitKind, ok = unitKindOf(k); !ok {
			fail(FieldUnitKind, ErrUnitKindUnknown.New("value", k, "accepted", UnitKindLabels()))
		}
	}
	d := &r.Details
	d.Description, d.OnlineURL = cells[FieldDescription], cells[FieldOnlineURL]
	var ok bool
	// An empty theme is left empty: the activity then takes its unit kind's (CreateActivity).
	if v := cells[FieldTheme]; v != "" {
		if d.Theme, ok = themeOf(v); !ok {
			fail(FieldTheme, ErrThemeUnknown.New("value", v, "accepted", ThemeLabels()))
		}
	}
	if d.Form, ok = formOf(cells[FieldForm]); !ok {
		if cells[FieldForm] == "" {
			fail(FieldForm, ErrImportFormEmpty.New("accepted", FormLabels()))
		} else {
			fail(FieldForm, ErrFormUnknown.New("value", cells[FieldForm], "accepted", FormLabels()))
		}
	}
	for _, g := range sheet.SplitList(cells[FieldTargetGroups]) {
		tg, ok := targetGroupOf(g)
		if !ok {
			fail(FieldTargetGroups, ErrTargetGroupUnknown.New("value", g, "accepted", TargetGroupLabels()))
			continue
		}
		d.TargetGroups = append(d.TargetGroups, tg)
	}
	if v := cells[FieldVenue]; v != "" && r.County.Code != "" {
		if d.VenueID, ok = look.Venue(r.County.Code, v); !ok {
			fail(FieldVenue, ErrImportVenueUnknown.New("value", v, "county", r.County.Name))
		}
		d.VenueName = v
	}
	for _, f := range []struct {
		key string
		dst *bool
	}{{FieldRequiresSignup, &d.RequiresSignup}, {FieldMajorDemonstration, &d.MajorDemonstration}, {FieldWorkersDayJoint, &d.WorkersDayJoint}} {
		if *f.dst, ok = sheet.YesNo(cells[f.key]); !ok {
			fail(f.key, ErrImportYesNo.New("value", cells[f.key], "forms", sheet.YesNoForms))
		}
	}
	return r, problems
}

// formOf reads a form as people write it: its label, its key, or a word of the synonym table.
func formOf(s string) (Form, bool) {
	label, ok := synonymOf(FieldForm, s)
	for _, f := range Forms {
		if ok && f.Label == label || s == string(f.Form) || sheet.Fold(s) == f.Label {
			return f.Form, true
		}
	}
	return "", false
}

// themeOf reads a themed week as people write it: its label, its key, or a word of the
// synonym table (气象 for 气象科技周).
func themeOf(s string) (Theme, bool) {
	label, ok := synonymOf(FieldTheme, s)
	for _, t := range Themes {
		if ok && t.Label == label || s == string(t.Theme) || sheet.Fold(s) == t.Label {
			return t.Theme, true
		}
	}
	return "", false
}

// targetGroupOf reads a target group as people write it.
func targetGroupOf(s string) (TargetGroup, bool) {
	label, ok := synonymOf(FieldTargetGroups, s)
	for _, g := range TargetGroups {
		if ok && g.Label == label || s == string(g.Group) {
			return g.Group, true
		}
	}
	return "", false
}

// unitKindOf reads a unit kind as people write it.
func unitKindOf(s string) (UnitKind, bool) {
	label, ok := synonymOf(FieldUnitKind, s)
	for _, u := range UnitKinds {
		if ok && u.Label == label || s == string(u.Kind) || sheet.Fold(s) == u.Label {
			return u.Kind, true
		}
	}
	return "", false
}

// SynonymTable lists the synonym table as the template's help sheet shows it: the column, the
// value and the words taken for it.
func SynonymTable() [][3]string {
	label := map[string]string{}
	for _, c := range ImportColumns {
		label[c.Key] = c.Header
	}
	out := make([][3]string, 0, len(Synonyms))
	for _, s := range Synonyms {
		out = append(out, [3]string{label[s.Column], s.Value, strings.Join(s.Words, "、")})
	}
	return out
}

// HeaderTable lists the headers the import reads for each column, for the help sheet.
func HeaderTable() [][2]string {
	out := make([][2]string, 0, len(ImportColumns))
	for _, c := range ImportColumns {
		out = append(out, [2]string{c.Header, strings.Join(c.Synonyms, "、")})
	}
	return out
}

// The problems of an import's rows.
var (
	ErrImportCountyEmpty = errs.Reason{Code: "IMPORT_COUNTY_EMPTY", Kind: errs.Invalid,
		English: "the county is empty",
		Chinese: "没有填写县（市、区）"}
	ErrImportCountyUnknown = errs.Reason{Code: "IMPORT_COUNTY_UNKNOWN", Kind: errs.Invalid,
		English: "{value} is not a county of {edition}",
		Chinese: "“{value}”不是{edition}的县（市、区），请填写其中之一：{accepted}"}
	ErrImportTitleEmpty = errs.Reason{Code: "IMPORT_TITLE_EMPTY", Kind: errs.Invalid,
		English: "the title is empty",
		Chinese: "没有填写活动名称"}
	ErrImportUnitEmpty = errs.Reason{Code: "IMPORT_UNIT_EMPTY", Kind: errs.Invalid,
		English: "the organizer unit is empty",
		Chinese: "没有填写主办单位"}
	ErrImportFormEmpty = errs.Reason{Code: "IMPORT_FORM_EMPTY", Kind: errs.Invalid,
		English: "the form of the activity is empty",
		Chinese: "没有填写活动形式，请填写其中之一：{accepted}"}
	ErrImportVenueUnknown = errs.Reason{Code: "IMPORT_VENUE_UNKNOWN", Kind: errs.Invalid,
		English: "no venue {value} in {county} in the venue registry; register it first",
		Chinese: "{county}的场馆登记中没有“{value}”：请先在“场馆”中登记，或把名称改成与登记一致"}
	ErrImportPlacesInvalid = errs.Reason{Code: "IMPORT_PLACES_INVALID", Kind: errs.Invalid,
		English: "{value} is not a whole number of places",
		Chinese: "名额“{value}”不是整数；不限名额请留空或填 0"}
	ErrImportYesNo = errs.Reason{Code: "IMPORT_YES_NO_INVALID", Kind: errs.Invalid,
		English: "{value} is neither 是 nor 否",
		Chinese: "“{value}”应填 是 或 否（也可填 {forms}）"}
	ErrImportNoRows = errs.Reason{Code: "IMPORT_NO_ROWS", Kind: errs.Invalid,
		English: "the file has no activity rows",
		Chinese: "文件里没有活动：请在表头下面逐行填写活动"}
	ErrImportSessionDiffers = errs.Reason{Code: "IMPORT_SESSION_DIFFERS", Kind: errs.Invalid,
		English: "{value} differs from {other} on row {row}, a session of the same activity",
		Chinese: "这一行与第 {row} 行是同一活动的不同场次，但这里填的“{value}”与那里的“{other}”不一致：同一活动的各场次只有时间和名额可以不同"}
	ErrImportSessionTwice = errs.Reason{Code: "IMPORT_SESSION_TWICE", Kind: errs.Invalid,
		English: "the session at {startsAt} is listed twice for this activity (first on row {row})",
		Chinese: "这个活动 {startsAt} 的场次重复了（第 {row} 行已有）"}
)
