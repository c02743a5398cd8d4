package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// UnitKind is what sort of organization a unit is.
type UnitKind string

// The unit kinds of the bureau's notice.
const (
	UnitSciencePopularizationBase UnitKind = "science_popularization_base"
	UnitScientistSpiritBase       UnitKind = "scientist_spirit_base"
	UnitScienceMuseum             UnitKind = "science_museum"
	UnitKeyLaboratory             UnitKind = "key_laboratory"
	UnitSchool                    UnitKind = "school"
	UnitCompany                   UnitKind = "company"
	UnitCommunity                 UnitKind = "community"
	UnitAgriculture               UnitKind = "agriculture"
	UnitMeteorology               UnitKind = "meteorology"
	UnitForestryGrassland         UnitKind = "forestry_grassland"
	UnitTransport                 UnitKind = "transport"
	UnitOther                     UnitKind = "other"
)

// UnitKinds are the kinds with their Chinese labels, in the order forms list them.
var UnitKinds = []struct {
	Kind  UnitKind
	Label string
}{
	{UnitSciencePopularizationBase, "科普基地"}, {UnitScientistSpiritBase, "科学家精神教育基地"}, {UnitScienceMuseum, "科普场馆"},
	{UnitKeyLaboratory, "重点实验室"}, {UnitSchool, "学校"}, {UnitCompany, "企业"}, {UnitCommunity, "社区"},
	{UnitAgriculture, "农业部门"}, {UnitMeteorology, "气象部门"}, {UnitForestryGrassland, "林草部门"}, {UnitTransport, "交通运输部门"},
	{UnitOther, "其他"},
}

// Valid reports whether k is a known kind.
func (k UnitKind) Valid() bool {
	for _, u := range UnitKinds {
		if u.Kind == k {
			return true
		}
	}
	return false
}

// Unit is an organizer unit of one county.
type Unit struct {
	ID         uuid.UUID
	Name       string
	CountyCode string
	Kind       UnitKind
	CreatedAt  time.Time
}

// NewUnit checks a unit's fields.
func NewUnit(name, county string, kind UnitKind, now time.Time) (Unit, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 2 || n > 200 {
		return Unit{}, ErrUnitNameLength.New("length", n)
	}
	if !countyCode.MatchString(county) {
		return Unit{}, ErrCountyCodeInvalid.New("value", county)
	}
	if !kind.Valid() {
		return Unit{}, ErrUnitKindUnknown.New("value", kind, "accepted", UnitKindLabels())
	}
	return Unit{ID: uuid.New(), Name: name, CountyCode: county, Kind: kind, CreatedAt: now}, nil
}
