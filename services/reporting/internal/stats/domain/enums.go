package domain

// The statistics' own enums. Their numbers are stored in the aggregates (forms, target groups,
// refusals by reason), so a value is never renumbered: a new one takes the next number.
// internal/convert maps them to the contracts through explicit tables.

// Form is an activity's form (科普讲座, 科技展览 …), by which the dashboard and the statistics
// table break figures down.
type Form int16

// The forms.
const (
	FormUnspecified Form = iota
	FormLecture
	FormExhibition
	FormConsultation
	// FormOnlineInteraction takes no check-ins: the dashboard lists such activities apart.
	FormOnlineInteraction
	FormHandsOnExperiment
	FormOpenDay
	FormScientistSpiritTalk
	FormPerformanceVideo
	FormOther
)

var formSlugs = map[Form]string{
	FormLecture: "lecture", FormExhibition: "exhibition", FormConsultation: "consultation", FormOnlineInteraction: "online_interaction",
	FormHandsOnExperiment: "hands_on_experiment", FormOpenDay: "open_day", FormScientistSpiritTalk: "scientist_spirit_talk",
	FormPerformanceVideo: "performance_video", FormOther: "other",
}

// Slug names the form where figures are named by text, as the report back's counted metrics
// are ("activities_held:lecture"); "" for no form.
func (f Form) Slug() string { return formSlugs[f] }

// Forms are every form, in order.
func Forms() []Form {
	return []Form{FormLecture, FormExhibition, FormConsultation, FormOnlineInteraction, FormHandsOnExperiment, FormOpenDay,
		FormScientistSpiritTalk, FormPerformanceVideo, FormOther}
}

// Theme is the themed week (主题科技周) an activity belongs to, by which the dashboard breaks
// figures down. Every activity has one: ThemeNone when it belongs to none; an activity stored
// before registration announced themes, or not yet described, counts under none.
type Theme int16

// The themes.
const (
	ThemeUnspecified Theme = iota
	ThemeNone
	ThemeAgriculture
	ThemeMeteorology
	ThemeForestryGrassland
	ThemeTransport
)

// Themes are every theme, none included, in order.
func Themes() []Theme {
	return []Theme{ThemeNone, ThemeAgriculture, ThemeMeteorology, ThemeForestryGrassland, ThemeTransport}
}

var themeSlugs = map[Theme]string{
	ThemeNone: "none", ThemeAgriculture: "agriculture", ThemeMeteorology: "meteorology", ThemeForestryGrassland: "forestry_grassland",
	ThemeTransport: "transport",
}

// Slug names the theme where figures are named by text, as the report back's counted metrics
// are ("theme_participations:agriculture"); an unspecified theme is "none", as it counts.
func (t Theme) Slug() string { return themeSlugs[t.OrNone()] }

// OrNone is the theme an activity counts under: ThemeNone for an unspecified one.
func (t Theme) OrNone() Theme {
	if t == ThemeUnspecified {
		return ThemeNone
	}
	return t
}

// TargetGroup is who an activity is for (青少年, 社区 …).
type TargetGroup int16

// The target groups.
const (
	TargetGroupUnspecified TargetGroup = iota
	TargetGroupYouth
	TargetGroupCommunity
	TargetGroupVillage
	TargetGroupCompany
	TargetGroupSchool
	TargetGroupPublic
)

// RefusalReason is why a door refused a scan, as the dashboard counts refusals.
type RefusalReason int16

// The reasons.
const (
	RefusalUnspecified RefusalReason = iota
	RefusalAlreadyCheckedIn
	RefusalInvalidSignature
	RefusalWrongVenue
	RefusalNotYetValid
	RefusalExpired
	RefusalRevoked
	RefusalActivityNotOpen
	// RefusalTimeOutOfRange is a scan whose device clock was wrong: it is filed under the day it
	// was recorded, not the day the device claimed.
	RefusalTimeOutOfRange
)
