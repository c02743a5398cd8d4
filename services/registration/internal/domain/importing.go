package domain

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
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
	FieldStartsAt           = "starts_at"
	FieldEndsAt             = "ends_at"
	FieldPlaces             = "places"
	FieldRequiresSignup     = "requires_signup"
	FieldOnlineURL          = "online_url"
	FieldMajorDemonstration = "major_demonstration"
	FieldWorkersDayJoint    = "workers_day_joint"
	FieldDescription        = "description"
)

// ImportColumn is one column of the import template.
type ImportColumn struct {
	Key      string
	Header   string
	Required bool
	Help     string
}

// ImportColumns are the template's columns, in order.
var ImportColumns = []ImportColumn{
	{FieldCounty, "县（市、区）", true, "县（市、区）名称或六位代码，如 小店区 或 140105"},
	{FieldTitle, "活动名称", true, "2 至 200 字"},
	{FieldUnit, "主办单位", true, "组织单位全称；系统中没有的单位会随导入登记"},
	{FieldUnitKind, "单位类型", false, "新登记单位的类型，如 科普基地、重点实验室、学校；不填为 其他"},
	{FieldForm, "活动形式", true, "科普讲座、科技展览、科技咨询、网络互动、科学实验、开放日、科学家精神宣讲、表演/微视频、其他"},
	{FieldTargetGroups, "面向对象", true, "青少年、社区、农村、企业、学校、社会公众，可多选，用顿号分隔"},
	{FieldVenue, "活动地点", false, "场馆登记中的场馆名称；线上活动可不填"},
	{FieldStartsAt, "开始时间", true, "如 2024-05-26 09:00"},
	{FieldEndsAt, "结束时间", true, "如 2024-05-26 11:30"},
	{FieldPlaces, "名额", false, "整数，不填或 0 为不限"},
	{FieldRequiresSignup, "需要报名", false, "是 / 否"},
	{FieldOnlineURL, "线上链接", false, "线上活动的网址"},
	{FieldMajorDemonstration, "重大示范活动", false, "是 / 否"},
	{FieldWorkersDayJoint, "科技工作者日联动", false, "是 / 否"},
	{FieldDescription, "活动简介", false, "至多 4000 字"},
}

// Sheet is a spreadsheet's first sheet as text: a header row and data rows, each with its row
// number in the file (the header is row 1 in a well-formed file).
type Sheet struct {
	Header     []string
	HeaderRow  int
	Rows       [][]string
	RowNumbers []int
}

// RowError is one problem of one row.
type RowError struct {
	Row     int
	Column  string
	Message string
}

// ImportRow is a row that passed every check.
type ImportRow struct {
	Row      int
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

// Columns resolves a sheet's headers to field keys: the mapping first (file header → key),
// then the template's own headers and keys. It returns the key of each header position and the
// problems with the header row.
func Columns(sheet Sheet, mapping map[string]string) (map[string]int, map[string]string, []RowError) {
	byHeader := map[string]string{}
	valid := map[string]bool{}
	for _, c := range ImportColumns {
		byHeader[c.Header], byHeader[c.Key], valid[c.Key] = c.Key, c.Key, true
	}
	var problems []RowError
	for from, key := range mapping {
		if !valid[key] {
			problems = append(problems, RowError{Row: sheet.HeaderRow, Column: from, Message: fmt.Sprintf("mapped to %q, which is not a field of the template", key)})
		}
	}
	pos, named := map[string]int{}, map[string]string{}
	for i, h := range sheet.Header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		key, ok := mapping[h]
		if !ok {
			key, ok = byHeader[h]
		}
		if !ok || !valid[key] {
			continue
		}
		if _, dup := pos[key]; dup {
			problems = append(problems, RowError{Row: sheet.HeaderRow, Column: h, Message: fmt.Sprintf("a second column for %q", key)})
			continue
		}
		pos[key], named[h] = i, key
	}
	for _, c := range ImportColumns {
		if _, ok := pos[c.Key]; c.Required && !ok {
			problems = append(problems, RowError{Row: sheet.HeaderRow, Column: c.Header, Message: "this column is missing (map the file's header to " + c.Key + ")"})
		}
	}
	return pos, named, problems
}

// ParseImport checks every data row of a sheet and returns the good rows and every problem.
func ParseImport(ed Edition, sheet Sheet, mapping map[string]string, look ImportLookups) ([]ImportRow, map[string]string, []RowError) {
	pos, named, problems := Columns(sheet, mapping)
	if len(problems) > 0 {
		return nil, named, problems
	}
	header := map[string]string{}
	for _, c := range ImportColumns {
		if i, ok := pos[c.Key]; ok {
			header[c.Key] = strings.TrimSpace(sheet.Header[i])
		}
	}
	var rows []ImportRow
	for n, cells := range sheet.Rows {
		rowNum := sheet.RowNumbers[n]
		cell := func(key string) string {
			i, ok := pos[key]
			if !ok || i >= len(cells) {
				return ""
			}
			return strings.TrimSpace(cells[i])
		}
		blank := true
		for _, c := range cells {
			blank = blank && strings.TrimSpace(c) == ""
		}
		if blank {
			continue
		}
		bad := func(key, format string, args ...any) {
			problems = append(problems, RowError{Row: rowNum, Column: header[key], Message: fmt.Sprintf(format, args...)})
		}
		before := len(problems)
		r := ImportRow{Row: rowNum, UnitKind: UnitOther}
		county, ok := ed.County(cell(FieldCounty))
		switch {
		case cell(FieldCounty) == "":
			bad(FieldCounty, "the county is empty")
		case !ok:
			bad(FieldCounty, "%q is not a county of %s", cell(FieldCounty), ed.Name)
		}
		r.County = county
		if r.UnitName = cell(FieldUnit); r.UnitName == "" {
			bad(FieldUnit, "the organizer unit is empty")
		}
		if k := cell(FieldUnitKind); k != "" {
			if r.UnitKind, ok = unitKindOf(k); !ok {
				bad(FieldUnitKind, "%q is not a unit kind", k)
			}
		}
		d := Details{Title: cell(FieldTitle), Description: cell(FieldDescription), OnlineURL: cell(FieldOnlineURL)}
		if d.Form, ok = formOf(cell(FieldForm)); !ok {
			bad(FieldForm, "%q is not an activity form", cell(FieldForm))
		}
		for _, g := range splitList(cell(FieldTargetGroups)) {
			tg, ok := targetGroupOf(g)
			if !ok {
				bad(FieldTargetGroups, "%q is not a target group", g)
				continue
			}
			d.TargetGroups = append(d.TargetGroups, tg)
		}
		if v := cell(FieldVenue); v != "" && county.Code != "" {
			if d.VenueID, ok = look.Venue(county.Code, v); !ok {
				bad(FieldVenue, "no venue %q in %s in the venue registry; register it first", v, county.Name)
			}
			d.VenueName = v
		}
		var s Session
		var err error
		if s.StartsAt, err = parseTime(cell(FieldStartsAt), ed.Location); err != nil {
			bad(FieldStartsAt, "%v", err)
		}
		if s.EndsAt, err = parseTime(cell(FieldEndsAt), ed.Location); err != nil {
			bad(FieldEndsAt, "%v", err)
		}
		if p := cell(FieldPlaces); p != "" {
			if s.Places, err = strconv.Atoi(strings.TrimSuffix(p, ".0")); err != nil || s.Places < 0 {
				bad(FieldPlaces, "%q is not a whole number of places", p)
			}
		}
		for key, dst := range map[string]*bool{FieldRequiresSignup: &d.RequiresSignup, FieldMajorDemonstration: &d.MajorDemonstration, FieldWorkersDayJoint: &d.WorkersDayJoint} {
			if *dst, ok = yesNo(cell(key)); !ok {
				bad(key, "%q is neither 是 nor 否", cell(key))
			}
		}
		d.Sessions = []Session{s}
		if len(problems) == before {
			// The row reads well: apply the same rules as the form does.
			checked, err := CheckDetails(ed, d)
			if err != nil {
				problems = append(problems, RowError{Row: rowNum, Message: err.Error()})
			} else {
				r.Details = checked
			}
		}
		if len(problems) == before {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 && len(problems) == 0 {
		problems = append(problems, RowError{Row: sheet.HeaderRow + 1, Message: "the file has no activity rows"})
	}
	return rows, named, problems
}

func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、,，;；/ ", r) })
	return f
}

func yesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "否", "n", "no", "false", "0", "不需要", "无":
		return false, true
	case "是", "y", "yes", "true", "1", "需要", "有":
		return true, true
	}
	return false, false
}

func formOf(s string) (Form, bool) {
	for _, f := range Forms {
		if s == f.Label || s == string(f.Form) {
			return f.Form, true
		}
	}
	switch s { // what people write instead
	case "讲座":
		return FormLecture, true
	case "展览", "科普展览":
		return FormExhibition, true
	case "咨询":
		return FormConsultation, true
	case "线上", "线上活动", "网络":
		return FormOnlineInteraction, true
	case "实验", "科学实验秀":
		return FormHandsOnExperiment, true
	case "开放", "开放活动":
		return FormOpenDay, true
	case "宣讲":
		return FormScientistSpiritTalk, true
	case "表演", "微视频", "短视频":
		return FormPerformanceVideo, true
	}
	return "", false
}

func targetGroupOf(s string) (TargetGroup, bool) {
	for _, g := range TargetGroups {
		if s == g.Label || s == string(g.Group) {
			return g.Group, true
		}
	}
	switch s {
	case "学生", "中小学生", "青少年学生":
		return TargetYouth, true
	case "公众", "市民":
		return TargetPublic, true
	case "村民", "农民":
		return TargetVillage, true
	}
	return "", false
}

func unitKindOf(s string) (UnitKind, bool) {
	for _, u := range UnitKinds {
		if s == u.Label || s == string(u.Kind) {
			return u.Kind, true
		}
	}
	return "", false
}

var timeLayouts = []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006/1/2 15:04", "2006/1/2 15:04:05", "2006-1-2 15:04", "2006-01-02T15:04", "2006年1月2日 15:04", "2006年1月2日15:04"}

// parseTime reads a date and time as people type them, or as a spreadsheet stores them (a serial
// number of days since 30 December 1899).
func parseTime(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("the time is empty")
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 1 && f < 2958466 {
		days, frac := math.Modf(f)
		base := time.Date(1899, 12, 30, 0, 0, 0, 0, loc).AddDate(0, 0, int(days))
		return base.Add(time.Duration(math.Round(frac*86400)) * time.Second), nil
	}
	if _, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return time.Time{}, fmt.Errorf("%q has no time of day; write it like 2024-05-26 09:00", s)
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time; write it like 2024-05-26 09:00", s)
}
