// Package demo loads the demo data of the 2024 edition through the services' own APIs, as a
// county admin would type it in: about 50 venues across Taiyuan's 10 counties and about 200
// approved activities, plus one provisioned terminal to try check-ins with.
package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
)

type county struct {
	code, name, short, street, village string
	landmarks                          []venueSpec
}

type venueSpec struct {
	name     string
	kind     venuev1.VenueKind
	address  string
	capacity uint32
}

// counties are Taiyuan's county-level divisions with a few real places each; the rest of the
// venues follow patterns every county has (youth science centre, school, community, village).
var counties = []county{
	{"140105", "小店区", "小店", "坞城街道", "北格镇张花村", []venueSpec{
		{"山西省科学技术馆", venuev1.VenueKind_VENUE_KIND_SCIENCE_MUSEUM, "太原市小店区长风商务区", 3000},
		{"量子光学与光量子器件国家重点实验室（山西大学）", venuev1.VenueKind_VENUE_KIND_KEY_LABORATORY, "太原市小店区坞城路92号", 120},
	}},
	{"140106", "迎泽区", "迎泽", "柳巷街道", "郝庄镇松庄村", []venueSpec{
		{"中国煤炭博物馆", venuev1.VenueKind_VENUE_KIND_SCIENCE_MUSEUM, "太原市迎泽区迎泽西大街1号", 2000},
		{"山西省气象科普馆", venuev1.VenueKind_VENUE_KIND_PROVINCIAL_SCIENCE_BASE, "太原市迎泽区桃园南路", 300},
	}},
	{"140107", "杏花岭区", "杏花岭", "三桥街道", "中涧河乡杨家堡村", []venueSpec{
		{"太原市青少年宫", venuev1.VenueKind_VENUE_KIND_SCIENCE_EDUCATION_BASE, "太原市杏花岭区府东街", 800},
		{"山西省地质博物馆", venuev1.VenueKind_VENUE_KIND_SCIENCE_MUSEUM, "太原市杏花岭区", 1200},
	}},
	{"140108", "尖草坪区", "尖草坪", "汇丰街道", "向阳镇西留村", []venueSpec{
		{"太钢集团不锈钢科普展厅", venuev1.VenueKind_VENUE_KIND_COMPANY, "太原市尖草坪区尖草坪2号", 400},
		{"中北大学科学家精神教育基地", venuev1.VenueKind_VENUE_KIND_SCIENTIST_SPIRIT_BASE, "太原市尖草坪区学院路3号", 500},
	}},
	{"140109", "万柏林区", "万柏林", "千峰街道", "化客头街道南寒村", []venueSpec{
		{"煤科学与技术教育部重点实验室（太原理工大学）", venuev1.VenueKind_VENUE_KIND_KEY_LABORATORY, "太原市万柏林区迎泽西大街79号", 150},
		{"山西省农业科学院科普基地", venuev1.VenueKind_VENUE_KIND_PROVINCIAL_SCIENCE_BASE, "太原市万柏林区", 600},
	}},
	{"140110", "晋源区", "晋源", "义井街道", "晋祠镇王郭村", []venueSpec{
		{"太原植物园", venuev1.VenueKind_VENUE_KIND_SCIENCE_EDUCATION_BASE, "太原市晋源区晋祠镇", 5000},
		{"晋祠博物馆科普展区", venuev1.VenueKind_VENUE_KIND_SCIENCE_MUSEUM, "太原市晋源区晋祠镇", 1500},
	}},
	{"140121", "清徐县", "清徐", "清源镇", "马峪乡仁义村", []venueSpec{
		{"清徐葡萄科技示范园", venuev1.VenueKind_VENUE_KIND_VILLAGE, "太原市清徐县马峪乡", 800},
		{"清徐老陈醋酿造技艺科普馆", venuev1.VenueKind_VENUE_KIND_COMPANY, "太原市清徐县", 600},
	}},
	{"140122", "阳曲县", "阳曲", "黄寨镇", "大盂镇东青善村", []venueSpec{
		{"阳曲县现代农业产业示范区", venuev1.VenueKind_VENUE_KIND_VILLAGE, "太原市阳曲县大盂镇", 1000},
		{"阳曲县交通运输科普站", venuev1.VenueKind_VENUE_KIND_COMMUNITY, "太原市阳曲县黄寨镇", 200},
	}},
	{"140123", "娄烦县", "娄烦", "娄烦镇", "静游镇峰岭底村", []venueSpec{
		{"娄烦县林草科普基地", venuev1.VenueKind_VENUE_KIND_SCIENCE_EDUCATION_BASE, "太原市娄烦县", 500},
		{"汾河水库水利科普展厅", venuev1.VenueKind_VENUE_KIND_SCIENCE_EDUCATION_BASE, "太原市娄烦县", 300},
	}},
	{"140181", "古交市", "古交", "东曲街道", "河口镇寨沟村", []venueSpec{
		{"西山煤电古交矿区科普展厅", venuev1.VenueKind_VENUE_KIND_COMPANY, "太原市古交市", 400},
		{"古交市科技馆", venuev1.VenueKind_VENUE_KIND_SCIENCE_MUSEUM, "太原市古交市", 600},
	}},
}

// venues returns the demo venues of a county: its landmarks and three that every county has.
func (c county) venues() []venueSpec {
	return append(append([]venueSpec{}, c.landmarks...),
		venueSpec{c.name + "青少年科技活动中心", venuev1.VenueKind_VENUE_KIND_SCIENCE_EDUCATION_BASE, "太原市" + c.name, 400},
		venueSpec{c.short + "第一中学", venuev1.VenueKind_VENUE_KIND_SCHOOL, "太原市" + c.name, 600},
		venueSpec{c.street + "社区服务中心", venuev1.VenueKind_VENUE_KIND_COMMUNITY, "太原市" + c.name + c.street, 150},
	)
}

var topics = []string{"人工智能", "量子科技", "航空航天", "气象防灾减灾", "现代农业", "林草生态", "交通安全", "煤炭清洁利用", "新能源", "健康生活", "应急避险", "生物多样性"}

type formSpec struct {
	form  registrationv1.ActivityForm
	title func(topic, venue string) string
}

var forms = []formSpec{
	{registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE, func(t, _ string) string { return t + "科普讲座" }},
	{registrationv1.ActivityForm_ACTIVITY_FORM_EXHIBITION, func(t, _ string) string { return t + "科技成果展" }},
	{registrationv1.ActivityForm_ACTIVITY_FORM_CONSULTATION, func(t, _ string) string { return t + "科技咨询进社区" }},
	{registrationv1.ActivityForm_ACTIVITY_FORM_ONLINE_INTERACTION, func(t, _ string) string { return t + "线上知识竞答" }},
	{registrationv1.ActivityForm_ACTIVITY_FORM_HANDS_ON_EXPERIMENT, func(t, _ string) string { return "青少年" + t + "科学实验营" }},
	{registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY, func(_, v string) string { return v + "公众开放日" }},
	{registrationv1.ActivityForm_ACTIVITY_FORM_SCIENTIST_SPIRIT_TALK, func(_, _ string) string { return "系好学术生涯“第一粒扣子”科学家精神宣讲" }},
	{registrationv1.ActivityForm_ACTIVITY_FORM_PERFORMANCE_VIDEO, func(t, _ string) string { return t + "科普微视频展映" }},
}

type activitySpec struct {
	title, organizer string
	form             registrationv1.ActivityForm
	groups           []registrationv1.TargetGroup
	starts, ends     time.Time
	places           uint32
	major            bool
}

// unitKind is the kind of the unit that runs a venue.
func unitKind(v venueSpec) registrationv1.UnitKind {
	switch v.kind {
	case venuev1.VenueKind_VENUE_KIND_SCIENCE_MUSEUM:
		return registrationv1.UnitKind_UNIT_KIND_SCIENCE_MUSEUM
	case venuev1.VenueKind_VENUE_KIND_KEY_LABORATORY:
		return registrationv1.UnitKind_UNIT_KIND_KEY_LABORATORY
	case venuev1.VenueKind_VENUE_KIND_SCIENTIST_SPIRIT_BASE:
		return registrationv1.UnitKind_UNIT_KIND_SCIENTIST_SPIRIT_BASE
	case venuev1.VenueKind_VENUE_KIND_PROVINCIAL_SCIENCE_BASE, venuev1.VenueKind_VENUE_KIND_SCIENCE_EDUCATION_BASE:
		return registrationv1.UnitKind_UNIT_KIND_SCIENCE_POPULARIZATION_BASE
	case venuev1.VenueKind_VENUE_KIND_COMPANY:
		return registrationv1.UnitKind_UNIT_KIND_COMPANY
	case venuev1.VenueKind_VENUE_KIND_VILLAGE:
		return registrationv1.UnitKind_UNIT_KIND_AGRICULTURE
	}
	return registrationv1.UnitKind_UNIT_KIND_OTHER
}

var groupSets = [][]registrationv1.TargetGroup{
	{registrationv1.TargetGroup_TARGET_GROUP_YOUTH},
	{registrationv1.TargetGroup_TARGET_GROUP_YOUTH, registrationv1.TargetGroup_TARGET_GROUP_SCHOOL},
	{registrationv1.TargetGroup_TARGET_GROUP_PUBLIC},
	{registrationv1.TargetGroup_TARGET_GROUP_COMMUNITY, registrationv1.TargetGroup_TARGET_GROUP_PUBLIC},
	{registrationv1.TargetGroup_TARGET_GROUP_VILLAGE},
	{registrationv1.TargetGroup_TARGET_GROUP_COMPANY},
}

// activities returns n activities for a venue, on the days from first to first+days-1.
func activities(rng *rand.Rand, first time.Time, days, n int, c county, v venueSpec) []activitySpec {
	out := make([]activitySpec, 0, n)
	for i := 0; i < n; i++ {
		f := forms[rng.IntN(len(forms))]
		for f.form == registrationv1.ActivityForm_ACTIVITY_FORM_ONLINE_INTERACTION {
			f = forms[rng.IntN(len(forms))] // the demo's online activities would need a link
		}
		day := first.AddDate(0, 0, rng.IntN(days))
		hour := []int{9, 10, 14, 15}[rng.IntN(4)]
		start := day.Add(time.Duration(hour)*time.Hour + 30*time.Minute*time.Duration(rng.IntN(2)))
		organizer := v.name
		if v.kind == venuev1.VenueKind_VENUE_KIND_COMMUNITY || v.kind == venuev1.VenueKind_VENUE_KIND_SCHOOL {
			organizer = c.name + "科学技术局"
		}
		out = append(out, activitySpec{
			title: f.title(topics[rng.IntN(len(topics))], v.name), organizer: organizer, form: f.form,
			groups: groupSets[rng.IntN(len(groupSets))],
			starts: start, ends: start.Add(time.Duration(90+30*rng.IntN(4)) * time.Minute),
			places: []uint32{0, 20, 50, 100}[rng.IntN(4)], major: rng.IntN(15) == 0,
		})
	}
	return out
}

func describe(c county, v venueSpec) string { return fmt.Sprintf("%s %s", c.name, v.name) }

// OpenDayTitlePrefix starts the title of every venue's week-long open day in the live edition.
const OpenDayTitlePrefix = "开放日："

// openDay is a venue's open day for the whole live week, from today to the edition's last day.
func openDay(c county, v venueSpec, today time.Time) activitySpec {
	organizer := v.name
	if v.kind == venuev1.VenueKind_VENUE_KIND_COMMUNITY || v.kind == venuev1.VenueKind_VENUE_KIND_SCHOOL {
		organizer = c.name + "科学技术局"
	}
	return activitySpec{
		title: OpenDayTitlePrefix + v.name, organizer: organizer, form: registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY,
		groups: []registrationv1.TargetGroup{registrationv1.TargetGroup_TARGET_GROUP_PUBLIC},
		starts: today, ends: today.AddDate(0, 0, 8).Add(-time.Minute), places: 100000,
	}
}
