package domain

import (
	"strconv"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/sheet"
)

// Venue import field keys.
const (
	FieldCounty       = "county"
	FieldName         = "name"
	FieldKind         = "kind"
	FieldAddress      = "address"
	FieldLatitude     = "latitude"
	FieldLongitude    = "longitude"
	FieldSafeCapacity = "safe_capacity"
	FieldContactName  = "contact_name"
	FieldContactPhone = "contact_phone"
	FieldSafetyPlan   = "safety_plan_on_file"
)

// ImportColumns are the venue template's columns, in order.
var ImportColumns = []sheet.Field{
	{Key: FieldCounty, Header: "县（市、区）", Required: true, Help: "县（市、区）名称或六位代码，如 小店区 或 140105"},
	{Key: FieldName, Header: "场馆名称", Required: true, Help: "2 至 200 字，同一县（市、区）内不重名"},
	{Key: FieldKind, Header: "场馆类型", Required: true, Help: "省级科普基地、科普教育基地、科学家精神教育基地、科普场馆、重点实验室、学校、社区、农村、企业、线上"},
	{Key: FieldAddress, Header: "地址", Required: false, Help: "详细地址"},
	{Key: FieldLatitude, Header: "纬度", Required: false, Help: "如 37.8706，与经度同填或同空"},
	{Key: FieldLongitude, Header: "经度", Required: false, Help: "如 112.5489"},
	{Key: FieldSafeCapacity, Header: "安全容量", Required: false, Help: "同时在场的最多人数，整数"},
	{Key: FieldContactName, Header: "联系人", Required: false, Help: "现场负责人"},
	{Key: FieldContactPhone, Header: "联系电话", Required: false, Help: "手机或座机"},
	{Key: FieldSafetyPlan, Header: "安全预案已备案", Required: false, Help: "是 / 否"},
}

// ParseVenues checks every row of a venue sheet. counties maps county names to codes (codes map
// to themselves); taken reports whether a county already has a venue of that name.
// The table is found as sheet.Find finds it: under titles, in the sheet that has the header.
func ParseVenues(b sheet.Book, mapping map[string]string, counties map[string]string, taken func(county, name string) bool) (sheet.Table, []Details, []int, []sheet.Problem) {
	t, problems := sheet.Find(b, ImportColumns, mapping)
	if len(problems) > 0 {
		return t, nil, nil, problems
	}
	var out []Details
	var rowNums []int
	seen := map[string]int{}
	problems = t.Each(func(row int, cell func(string) string, bad func(string, error)) {
		failed := false
		fail := func(key string, err error) { failed = true; bad(key, err) }
		d := Details{Name: cell(FieldName), Address: cell(FieldAddress), ContactName: cell(FieldContactName), ContactPhone: cell(FieldContactPhone)}
		c := sheet.Fold(cell(FieldCounty))
		code, ok := counties[c]
		if !ok && ValidCountyCode(c) && len(counties) == 0 {
			code, ok = c, true // without the editions' list, codes are taken as they are
		}
		if !ok {
			fail(FieldCounty, ErrImportCountyUnknown.New("value", c))
		}
		d.CountyCode = code
		if d.Kind, ok = kindOf(sheet.Fold(cell(FieldKind))); !ok {
			fail(FieldKind, ErrKindUnknown.New("value", cell(FieldKind), "accepted", KindLabels()))
		}
		lat, lng := sheet.Fold(cell(FieldLatitude)), sheet.Fold(cell(FieldLongitude))
		switch {
		case lat == "" && lng == "":
		case lat == "" || lng == "":
			fail(FieldLatitude, ErrImportCoordinatesHalf.New())
		default:
			la, err1 := strconv.ParseFloat(lat, 64)
			lo, err2 := strconv.ParseFloat(lng, 64)
			if err1 != nil || err2 != nil {
				fail(FieldLatitude, ErrImportCoordinatesInvalid.New("latitude", lat, "longitude", lng))
			} else {
				d.Coordinates = &Coordinates{Latitude: la, Longitude: lo}
			}
		}
		if capacity := cell(FieldSafeCapacity); capacity != "" {
			n, ok := sheet.Int(capacity)
			if !ok || n < 0 {
				fail(FieldSafeCapacity, ErrImportCapacityInvalid.New("value", capacity))
			}
			d.SafeCapacity = n
		}
		if d.SafetyPlanOnFile, ok = sheet.YesNo(cell(FieldSafetyPlan)); !ok {
			fail(FieldSafetyPlan, ErrImportYesNo.New("value", cell(FieldSafetyPlan)))
		}
		if failed {
			return
		}
		checked, err := CheckDetails(d)
		if err != nil {
			fail("", err)
			return
		}
		key := checked.CountyCode + "\x00" + checked.Name
		if first, dup := seen[key]; dup {
			fail(FieldName, ErrImportNameTwice.New("name", checked.Name, "first", first))
			return
		}
		seen[key] = row
		if taken(checked.CountyCode, checked.Name) {
			fail(FieldName, ErrImportNameTaken.New("name", checked.Name))
			return
		}
		out, rowNums = append(out, checked), append(rowNums, row)
	})
	if len(out) == 0 && len(problems) == 0 {
		problems = append(problems, sheet.At(t.HeaderRow+1, "", ErrImportNoRows.New()))
	}
	return t, out, rowNums, problems
}

func kindOf(s string) (Kind, bool) {
	for _, k := range Kinds {
		if s == k.Label || s == string(k.Kind) {
			return k.Kind, true
		}
	}
	switch s {
	case "科技馆", "博物馆", "场馆":
		return KindScienceMuseum, true
	case "科普基地":
		return KindScienceEducationBase, true
	case "实验室":
		return KindKeyLaboratory, true
	case "村", "农场", "田间":
		return KindVillage, true
	}
	return "", false
}

// The problems of a venue import's rows.
var (
	ErrImportCountyUnknown = errs.Reason{Code: "VENUE_IMPORT_COUNTY_UNKNOWN", Kind: errs.Invalid,
		English: "{value} is not a county of any edition",
		Chinese: "“{value}”不是任何一届活动周的县（市、区）：请填写县（市、区）名称或六位代码，如 小店区 或 140105"}
	ErrImportCoordinatesHalf = errs.Reason{Code: "VENUE_IMPORT_COORDINATES_HALF", Kind: errs.Invalid,
		English: "give both latitude and longitude, or neither",
		Chinese: "经度和纬度要么都填，要么都不填"}
	ErrImportCoordinatesInvalid = errs.Reason{Code: "VENUE_IMPORT_COORDINATES_INVALID", Kind: errs.Invalid,
		English: "{latitude}, {longitude} are not coordinates in degrees",
		Chinese: "“{latitude}”“{longitude}”不是以度为单位的经纬度，请写成 37.8706 和 112.5489 的样子"}
	ErrImportCapacityInvalid = errs.Reason{Code: "VENUE_IMPORT_CAPACITY_INVALID", Kind: errs.Invalid,
		English: "{value} is not a whole number of people",
		Chinese: "安全容量“{value}”不是整数人数"}
	ErrImportYesNo = errs.Reason{Code: "VENUE_IMPORT_YES_NO_INVALID", Kind: errs.Invalid,
		English: "{value} is neither 是 nor 否",
		Chinese: "“{value}”应填 是 或 否"}
	ErrImportNameTwice = errs.Reason{Code: "VENUE_IMPORT_NAME_TWICE", Kind: errs.Invalid,
		English: "{name} is listed twice for this county (first on row {first})",
		Chinese: "“{name}”在同一县（市、区）重复出现（第一次在第 {first} 行）"}
	ErrImportNameTaken = errs.Reason{Code: "VENUE_IMPORT_NAME_TAKEN", Kind: errs.Invalid,
		English: "{name} is already registered in this county",
		Chinese: "本县（市、区）已经登记过“{name}”"}
	ErrImportNoRows = errs.Reason{Code: "VENUE_IMPORT_NO_ROWS", Kind: errs.Invalid,
		English: "the file has no venue rows",
		Chinese: "文件里没有场馆：请在表头下面逐行填写场馆"}
)
