package domain

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

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
type ImportColumn = sheet.Field

// ImportColumns are the template's columns, in order.
var ImportColumns = []ImportColumn{
	{Key: FieldCounty, Header: "县（市、区）", Required: true, Help: "县（市、区）名称或六位代码，如 小店区 或 140105"},
	{Key: FieldTitle, Header: "活动名称", Required: true, Help: "2 至 200 字"},
	{Key: FieldUnit, Header: "主办单位", Required: true, Help: "组织单位全称；系统中没有的单位会随导入登记"},
	{Key: FieldUnitKind, Header: "单位类型", Required: false, Help: "新登记单位的类型，如 科普基地、重点实验室、学校；不填为 其他"},
	{Key: FieldForm, Header: "活动形式", Required: true, Help: "科普讲座、科技展览、科技咨询、网络互动、科学实验、开放日、科学家精神宣讲、表演/微视频、其他"},
	{Key: FieldTargetGroups, Header: "面向对象", Required: true, Help: "青少年、社区、农村、企业、学校、社会公众，可多选，用顿号分隔"},
	{Key: FieldVenue, Header: "活动地点", Required: false, Help: "场馆登记中的场馆名称；线上活动可不填"},
	{Key: FieldStartsAt, Header: "开始时间", Required: true, Help: "如 2024-05-26 09:00"},
	{Key: FieldEndsAt, Header: "结束时间", Required: true, Help: "如 2024-05-26 11:30"},
	{Key: FieldPlaces, Header: "名额", Required: false, Help: "整数，不填或 0 为不限"},
	{Key: FieldRequiresSignup, Header: "需要报名", Required: false, Help: "是 / 否"},
	{Key: FieldOnlineURL, Header: "线上链接", Required: false, Help: "线上活动的网址"},
	{Key: FieldMajorDemonstration, Header: "重大示范活动", Required: false, Help: "是 / 否"},
	{Key: FieldWorkersDayJoint, Header: "科技工作者日联动", Required: false, Help: "是 / 否"},
	{Key: FieldDescription, Header: "活动简介", Required: false, Help: "至多 4000 字"},
}

// Sheet is a spreadsheet's first sheet as text (see pkg/sheet).
type Sheet = sheet.Sheet

// RowError is one problem of one row.
type RowError = sheet.Problem

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

// ParseImport checks every data row of a sheet and returns the good rows and every problem.
func ParseImport(ed Edition, sh Sheet, mapping map[string]string, look ImportLookups) ([]ImportRow, map[string]string, []RowError) {
	pos, named, problems := sheet.Columns(sh, ImportColumns, mapping)
	if len(problems) > 0 {
		return nil, named, problems
	}
	var rows []ImportRow
	problems = sheet.Rows(sh, ImportColumns, pos, func(rowNum int, cell func(string) string, bad func(string, string, ...any)) {
		failed := false
		fail := func(key, format string, args ...any) { failed = true; bad(key, format, args...) }
		r := ImportRow{Row: rowNum, UnitKind: UnitOther}
		county, ok := ed.County(cell(FieldCounty))
		switch {
		case cell(FieldCounty) == "":
			fail(FieldCounty, "the county is empty")
		case !ok:
			fail(FieldCounty, "%q is not a county of %s", cell(FieldCounty), ed.Name)
		}
		r.County = county
		if r.UnitName = cell(FieldUnit); r.UnitName == "" {
			fail(FieldUnit, "the organizer unit is empty")
		}
		if k := cell(FieldUnitKind); k != "" {
			if r.UnitKind, ok = unitKindOf(k); !ok {
				fail(FieldUnitKind, "%q is not a unit kind", k)
			}
		}
		d := Details{Title: cell(FieldTitle), Description: cell(FieldDescription), OnlineURL: cell(FieldOnlineURL)}
		if d.Form, ok = formOf(cell(FieldForm)); !ok {
			fail(FieldForm, "%q is not an activity form", cell(FieldForm))
		}
		for _, g := range sheet.SplitList(cell(FieldTargetGroups)) {
			tg, ok := targetGroupOf(g)
			if !ok {
				fail(FieldTargetGroups, "%q is not a target group", g)
				continue
			}
			d.TargetGroups = append(d.TargetGroups, tg)
		}
		if v := cell(FieldVenue); v != "" && county.Code != "" {
			if d.VenueID, ok = look.Venue(county.Code, v); !ok {
				fail(FieldVenue, "no venue %q in %s in the venue registry; register it first", v, county.Name)
			}
			d.VenueName = v
		}
		var s Session
		var err error
		if s.StartsAt, err = parseTime(cell(FieldStartsAt), ed.Location); err != nil {
			fail(FieldStartsAt, "%v", err)
		}
		if s.EndsAt, err = parseTime(cell(FieldEndsAt), ed.Location); err != nil {
			fail(FieldEndsAt, "%v", err)
		}
		if p := cell(FieldPlaces); p != "" {
			if s.Places, err = strconv.Atoi(strings.TrimSuffix(p, ".0")); err != nil || s.Places < 0 {
				fail(FieldPlaces, "%q is not a whole number of places", p)
			}
		}
		for _, f := range []struct {
			key string
			dst *bool
		}{{FieldRequiresSignup, &d.RequiresSignup}, {FieldMajorDemonstration, &d.MajorDemonstration}, {FieldWorkersDayJoint, &d.WorkersDayJoint}} {
			if *f.dst, ok = sheet.YesNo(cell(f.key)); !ok {
				fail(f.key, "%q is neither 是 nor 否", cell(f.key))
			}
		}
		d.Sessions = []Session{s}
		if failed {
			return
		}
		// The row reads well: apply the same rules as the form does.
		checked, err := CheckDetails(ed, d)
		if err != nil {
			fail("", "%s", err.Error())
			return
		}
		r.Details = checked
		rows = append(rows, r)
	})
	if len(rows) == 0 && len(problems) == 0 {
		problems = append(problems, RowError{Row: sh.HeaderRow + 1, Message: "the file has no activity rows"})
	}
	return rows, named, problems
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
