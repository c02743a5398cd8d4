package domain

import (
	"math"
	"strconv"
	"strings"
	"time"

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
	problems = sheet.Rows(sh, ImportColumns, pos, func(rowNum int, cell func(string) string, bad func(string, error)) {
		failed := false
		fail := func(key string, err error) { failed = true; bad(key, err) }
		r := ImportRow{Row: rowNum, UnitKind: UnitOther}
		county, ok := ed.County(cell(FieldCounty))
		switch {
		case cell(FieldCounty) == "":
			fail(FieldCounty, ErrImportCountyEmpty.New())
		case !ok:
			fail(FieldCounty, ErrImportCountyUnknown.New("value", cell(FieldCounty), "edition", ed.Name, "accepted", ed.CountyNames()))
		}
		r.County = county
		if r.UnitName = cell(FieldUnit); r.UnitName == "" {
			fail(FieldUnit, ErrImportUnitEmpty.New())
		}
		if k := cell(FieldUnitKind); k != "" {
			if r.UnitKind, ok = unitKindOf(k); !ok {
				fail(FieldUnitKind, ErrUnitKindUnknown.New("value", k, "accepted", UnitKindLabels()))
			}
		}
		d := Details{Title: cell(FieldTitle), Description: cell(FieldDescription), OnlineURL: cell(FieldOnlineURL)}
		if d.Form, ok = formOf(cell(FieldForm)); !ok {
			fail(FieldForm, ErrFormUnknown.New("value", cell(FieldForm), "accepted", FormLabels()))
		}
		for _, g := range sheet.SplitList(cell(FieldTargetGroups)) {
			tg, ok := targetGroupOf(g)
			if !ok {
				fail(FieldTargetGroups, ErrTargetGroupUnknown.New("value", g, "accepted", TargetGroupLabels()))
				continue
			}
			d.TargetGroups = append(d.TargetGroups, tg)
		}
		if v := cell(FieldVenue); v != "" && county.Code != "" {
			if d.VenueID, ok = look.Venue(county.Code, v); !ok {
				fail(FieldVenue, ErrImportVenueUnknown.New("value", v, "county", county.Name))
			}
			d.VenueName = v
		}
		var s Session
		var err error
		if s.StartsAt, err = parseTime(cell(FieldStartsAt), ed.Location); err != nil {
			fail(FieldStartsAt, err)
		}
		if s.EndsAt, err = parseTime(cell(FieldEndsAt), ed.Location); err != nil {
			fail(FieldEndsAt, err)
		}
		if p := cell(FieldPlaces); p != "" {
			if s.Places, err = strconv.Atoi(strings.TrimSuffix(p, ".0")); err != nil || s.Places < 0 {
				fail(FieldPlaces, ErrImportPlacesInvalid.New("value", p))
			}
		}
		for _, f := range []struct {
			key string
			dst *bool
		}{{FieldRequiresSignup, &d.RequiresSignup}, {FieldMajorDemonstration, &d.MajorDemonstration}, {FieldWorkersDayJoint, &d.WorkersDayJoint}} {
			if *f.dst, ok = sheet.YesNo(cell(f.key)); !ok {
				fail(f.key, ErrImportYesNo.New("value", cell(f.key)))
			}
		}
		d.Sessions = []Session{s}
		if failed {
			return
		}
		// The row reads well: apply the same rules as the form does.
		checked, err := CheckDetails(ed, d)
		if err != nil {
			fail("", err)
			return
		}
		r.Details = checked
		rows = append(rows, r)
	})
	if len(rows) == 0 && len(problems) == 0 {
		problems = append(problems, sheet.At(sh.HeaderRow+1, "", ErrImportNoRows.New()))
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
		return time.Time{}, ErrTimeEmpty.New()
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
		return time.Time{}, ErrTimeOfDayMissing.New("value", s)
	}
	return time.Time{}, ErrTimeInvalid.New("value", s)
}

// The problems of an import's rows.
var (
	ErrImportCountyEmpty = errs.Reason{Code: "IMPORT_COUNTY_EMPTY", Kind: errs.Invalid,
		English: "the county is empty",
		Chinese: "没有填写县（市、区）"}
	ErrImportCountyUnknown = errs.Reason{Code: "IMPORT_COUNTY_UNKNOWN", Kind: errs.Invalid,
		English: "{value} is not a county of {edition}",
		Chinese: "“{value}”不是{edition}的县（市、区），请填写其中之一：{accepted}"}
	ErrImportUnitEmpty = errs.Reason{Code: "IMPORT_UNIT_EMPTY", Kind: errs.Invalid,
		English: "the organizer unit is empty",
		Chinese: "没有填写主办单位"}
	ErrImportVenueUnknown = errs.Reason{Code: "IMPORT_VENUE_UNKNOWN", Kind: errs.Invalid,
		English: "no venue {value} in {county} in the venue registry; register it first",
		Chinese: "{county}的场馆登记中没有“{value}”：请先在“场馆”中登记，或把名称改成与登记一致"}
	ErrImportPlacesInvalid = errs.Reason{Code: "IMPORT_PLACES_INVALID", Kind: errs.Invalid,
		English: "{value} is not a whole number of places",
		Chinese: "名额“{value}”不是整数；不限名额请留空或填 0"}
	ErrImportYesNo = errs.Reason{Code: "IMPORT_YES_NO_INVALID", Kind: errs.Invalid,
		English: "{value} is neither 是 nor 否",
		Chinese: "“{value}”应填 是 或 否"}
	ErrImportNoRows = errs.Reason{Code: "IMPORT_NO_ROWS", Kind: errs.Invalid,
		English: "the file has no activity rows",
		Chinese: "文件里没有活动：请在表头下面逐行填写活动"}
	ErrTimeEmpty = errs.Reason{Code: "IMPORT_TIME_EMPTY", Kind: errs.Invalid,
		English: "the time is empty",
		Chinese: "没有填写时间"}
	ErrTimeOfDayMissing = errs.Reason{Code: "IMPORT_TIME_OF_DAY_MISSING", Kind: errs.Invalid,
		English: "{value} has no time of day; write it like 2024-05-26 09:00",
		Chinese: "“{value}”只有日期，没有几点几分：请写成 2024-05-26 09:00 的样子"}
	ErrTimeInvalid = errs.Reason{Code: "IMPORT_TIME_INVALID", Kind: errs.Invalid,
		English: "{value} is not a date and time; write it like 2024-05-26 09:00",
		Chinese: "“{value}”不是日期时间：请写成 2024-05-26 09:00 的样子"}
)
