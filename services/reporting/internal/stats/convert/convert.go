// Package convert is the live statistics' one home for converting between their domain and the
// contracts: the events they take in (check-in's records, registration's activities), the
// dashboard the gRPC port returns, and a venue's occupancy, which an OccupancyAlarm carries too.
// Enums go through explicit tables, never a cast: the domain's numbers are stored in the
// aggregates and need not follow the contracts', and convert_test.go round-trips every value
// each contract declares.
package convert

import (
	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	enums "github.com/sciweek/sciweek/pkg/enum"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

var (
	forms = enums.NewTable(map[domain.Form]registrationv1.ActivityForm{
		domain.FormLecture:             registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE,
		domain.FormExhibition:          registrationv1.ActivityForm_ACTIVITY_FORM_EXHIBITION,
		domain.FormConsultation:        registrationv1.ActivityForm_ACTIVITY_FORM_CONSULTATION,
		domain.FormOnlineInteraction:   registrationv1.ActivityForm_ACTIVITY_FORM_ONLINE_INTERACTION,
		domain.FormHandsOnExperiment:   registrationv1.ActivityForm_ACTIVITY_FORM_HANDS_ON_EXPERIMENT,
		domain.FormOpenDay:             registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY,
		domain.FormScientistSpiritTalk: registrationv1.ActivityForm_ACTIVITY_FORM_SCIENTIST_SPIRIT_TALK,
		domain.FormPerformanceVideo:    registrationv1.ActivityForm_ACTIVITY_FORM_PERFORMANCE_VIDEO,
		domain.FormOther:               registrationv1.ActivityForm_ACTIVITY_FORM_OTHER,
	})
	groups = enums.NewTable(map[domain.TargetGroup]registrationv1.TargetGroup{
		domain.TargetGroupYouth: registrationv1.TargetGroup_TARGET_GROUP_YOUTH, domain.TargetGroupCommunity: registrationv1.TargetGroup_TARGET_GROUP_COMMUNITY,
		domain.TargetGroupVillage: registrationv1.TargetGroup_TARGET_GROUP_VILLAGE, domain.TargetGroupCompany: registrationv1.TargetGroup_TARGET_GROUP_COMPANY,
		domain.TargetGroupSchool: registrationv1.TargetGroup_TARGET_GROUP_SCHOOL, domain.TargetGroupPublic: registrationv1.TargetGroup_TARGET_GROUP_PUBLIC,
	})
	anomalies = enums.NewTable(map[domain.AnomalyKind]checkinv1.Anomaly{
		domain.AnomalyOutsideSession: checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION, domain.AnomalyBurst: checkinv1.Anomaly_ANOMALY_BURST,
		domain.AnomalyClockSkew: checkinv1.Anomaly_ANOMALY_CLOCK_SKEW, domain.AnomalyOverCapacity: checkinv1.Anomaly_ANOMALY_OVER_CAPACITY,
	})
	themes = enums.NewTable(map[domain.Theme]registrationv1.ActivityTheme{
		domain.ThemeNone:              registrationv1.ActivityTheme_ACTIVITY_THEME_NONE,
		domain.ThemeAgriculture:       registrationv1.ActivityTheme_ACTIVITY_THEME_AGRICULTURE,
		domain.ThemeMeteorology:       registrationv1.ActivityTheme_ACTIVITY_THEME_METEOROLOGY,
		domain.ThemeForestryGrassland: registrationv1.ActivityTheme_ACTIVITY_THEME_FORESTRY_GRASSLAND,
		domain.ThemeTransport:         registrationv1.ActivityTheme_ACTIVITY_THEME_TRANSPORT,
	})
	refusals = enums.NewTable(map[domain.RefusalReason]checkinv1.RefusalReason{
		domain.RefusalAlreadyCheckedIn: checkinv1.RefusalReason_REFUSAL_REASON_ALREADY_CHECKED_IN,
		domain.RefusalInvalidSignature: checkinv1.RefusalReason_REFUSAL_REASON_INVALID_SIGNATURE,
		domain.RefusalWrongVenue:       checkinv1.RefusalReason_REFUSAL_REASON_WRONG_VENUE,
		domain.RefusalNotYetValid:      checkinv1.RefusalReason_REFUSAL_REASON_NOT_YET_VALID,
		domain.RefusalExpired:          checkinv1.RefusalReason_REFUSAL_REASON_EXPIRED,
		domain.RefusalRevoked:          checkinv1.RefusalReason_REFUSAL_REASON_REVOKED,
		domain.RefusalActivityNotOpen:  checkinv1.RefusalReason_REFUSAL_REASON_ACTIVITY_NOT_OPEN,
		domain.RefusalTimeOutOfRange:   checkinv1.RefusalReason_REFUSAL_REASON_TIME_OUT_OF_RANGE,
	})
	categories = enums.NewTable(map[domain.Category]checkinv1.ParticipantCategory{
		domain.CategoryYoungPerson:   checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_YOUNG_PERSON,
		domain.CategoryAdult:         checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT,
		domain.CategoryScienceWorker: checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_SCIENCE_WORKER,
		domain.CategoryVolunteer:     checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_VOLUNTEER,
	})
	kinds = enums.NewTable(map[domain.RecordKind]checkinv1.CheckinKind{
		domain.RecordTicket: checkinv1.CheckinKind_CHECKIN_KIND_TICKET, domain.RecordWalkIn: checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN,
		domain.RecordGroup: checkinv1.CheckinKind_CHECKIN_KIND_GROUP, domain.RecordCheckout: checkinv1.CheckinKind_CHECKIN_KIND_CHECKOUT,
	})
)

// Theme names a themed week in registration's contract.
func Theme(t domain.Theme) registrationv1.ActivityTheme { return themes.ToProto[t] }

// ThemeFromProto reads a themed week; UNSPECIFIED and unknown values give no theme (any, as a
// filter; none, as an activity's).
func ThemeFromProto(t registrationv1.ActivityTheme) domain.Theme { return themes.FromProto[t] }

// Form names a form of activity in registration's contract.
func Form(f domain.Form) registrationv1.ActivityForm { return forms.ToProto[f] }

// FormFromProto reads a form of activity; UNSPECIFIED and unknown values give no form.
func FormFromProto(f registrationv1.ActivityForm) domain.Form { return forms.FromProto[f] }

// TargetGroup names a target group in registration's contract.
func TargetGroup(g domain.TargetGroup) registrationv1.TargetGroup { return groups.ToProto[g] }

// TargetGroupFromProto reads a target group; UNSPECIFIED and unknown values give none.
func TargetGroupFromProto(g registrationv1.TargetGroup) domain.TargetGroup {
	return groups.FromProto[g]
}

// Anomaly names an anomaly kind in check-in's contract.
func Anomaly(a domain.AnomalyKind) checkinv1.Anomaly { return anomalies.ToProto[a] }

// AnomalyFromProto reads an anomaly kind from check-in's contract.
func AnomalyFromProto(a checkinv1.Anomaly) domain.AnomalyKind { return anomalies.FromProto[a] }

// Refusal names a refusal reason in check-in's contract.
func Refusal(r domain.RefusalReason) checkinv1.RefusalReason { return refusals.ToProto[r] }

// RefusalFromProto reads a refusal reason.
func RefusalFromProto(r checkinv1.RefusalReason) domain.RefusalReason { return refusals.FromProto[r] }

// CategoryFromProto reads who came through the door; unknown values count as no category.
func CategoryFromProto(c checkinv1.ParticipantCategory) domain.Category {
	return categories.FromProto[c]
}

// KindFromProto reads what a check-in record counts.
func KindFromProto(k checkinv1.CheckinKind) domain.RecordKind { return kinds.FromProto[k] }

var levelToProto = map[domain.Level]reportingv1.OccupancyLevel{
	domain.LevelNormal:  reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_NORMAL,
	domain.LevelWarning: reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_WARNING,
	domain.LevelAlarm:   reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_ALARM,
}

// Level names an occupancy level in the contract; a venue with no safe capacity has none
// (UNSPECIFIED).
func Level(l domain.Level) reportingv1.OccupancyLevel { return levelToProto[l] }

// OccupancyToProto converts a venue's occupancy.
func OccupancyToProto(o domain.Occupancy) *reportingv1.VenueOccupancy {
	out := &reportingv1.VenueOccupancy{VenueId: o.VenueID.String(), VenueName: o.Name, CountyCode: o.CountyCode,
		Inside: o.Inside(), EnteredToday: o.Entered, SafeCapacity: uint32(o.SafeCapacity),
		WarnPercent: uint32(o.WarnPercent), AlarmPercent: uint32(o.AlarmPercent), Level: Level(o.Level)}
	if !o.UpdatedAt.IsZero() {
		out.UpdatedAt = timestamppb.New(o.UpdatedAt)
	}
	for _, d := range o.OverCapacity {
		out.OverCapacityDoors = append(out.OverCapacityDoors, &reportingv1.OverCapacityDoor{TerminalId: d.TerminalID.String(), Admitted: d.Admitted})
	}
	return out
}

// DashboardToProto converts a dashboard to its contract.
func DashboardToProto(d domain.Dashboard) *reportingv1.Dashboard {
	t := d.Totals
	out := &reportingv1.Dashboard{
		EditionId: d.EditionID, Filter: filterToProto(d.Filter), Today: d.Today, StreamPosition: d.StreamPosition,
		Totals: &reportingv1.DashboardTotals{
			Participations: t.Participations(), Ticketed: t.Ticketed, WalkIns: t.WalkIns, YoungPeople: t.YoungPeople, Adults: t.Adults,
			ScienceWorkers: t.ScienceWorkers, Volunteers: t.Volunteers, DistinctPeople: t.DistinctPeople, Today: t.Today, Yesterday: t.Yesterday,
			RefusedScans: t.Refused, ActivitiesPlanned: t.ActivitiesPlanned, ActivitiesHeld: t.ActivitiesHeld, OnlineActivities: t.OnlineActivities,
			VenuesOpened: t.VenuesOpened, WorkersDayActivities: t.WorkersDayActivities, WorkersDayHeld: t.WorkersDayHeld,
			WorkersDayParticipations: t.WorkersDayParticipations,
		},
		Occupancy: OccupancySummaryToProto(d.Occupancy),
	}
	if !d.UpdatedAt.IsZero() {
		out.UpdatedAt = timestamppb.New(d.UpdatedAt)
	}
	for _, c := range d.Counties {
		out.Counties = append(out.Counties, &reportingv1.CountyRanking{CountyCode: c.CountyCode, CountyName: c.CountyName, Participations: c.Participations,
			Today: c.Today, YoungPeople: c.YoungPeople, ActivitiesPlanned: c.ActivitiesPlanned, ActivitiesHeld: c.ActivitiesHeld, VenuesOpened: c.VenuesOpened})
	}
	for _, k := range d.Themes {
		out.Themes = append(out.Themes, &reportingv1.ThemeCount{Theme: Theme(k.Theme), ActivitiesPlanned: k.ActivitiesPlanned,
			ActivitiesHeld: k.ActivitiesHeld, Participations: k.Participations})
	}
	for _, u := range d.Units {
		out.Units = append(out.Units, &reportingv1.UnitRanking{UnitId: u.UnitID, UnitName: u.UnitName, CountyCode: u.CountyCode,
			Participations: u.Participations, Today: u.Today, ActivitiesPlanned: u.ActivitiesPlanned, ActivitiesHeld: u.ActivitiesHeld})
	}
	for _, h := range d.ByHour {
		out.ByHour = append(out.ByHour, &reportingv1.HourCount{Hour: h.Hour, Participations: h.Participations})
	}
	for _, c := range d.ByDay {
		out.ByDay = append(out.ByDay, &reportingv1.DayCount{Day: c.Day, Participations: c.Participations, YoungPeople: c.YoungPeople})
	}
	for _, f := range d.Forms {
		out.Forms = append(out.Forms, &reportingv1.FormCount{Form: Form(f.Form), ActivitiesPlanned: f.ActivitiesPlanned,
			ActivitiesHeld: f.ActivitiesHeld, Participations: f.Participations})
	}
	for _, g := range d.TargetGroups {
		out.TargetGroups = append(out.TargetGroups, &reportingv1.TargetGroupCount{TargetGroup: TargetGroup(g.TargetGroup),
			ActivitiesPlanned: g.ActivitiesPlanned, Participations: g.Participations})
	}
	activity := func(a domain.ActivityCount) *reportingv1.ActivityCount {
		return &reportingv1.ActivityCount{ActivityId: a.ActivityID.String(), Title: a.Title, CountyCode: a.CountyCode, VenueName: a.VenueName,
			Form: Form(a.Form), Participations: a.Participations}
	}
	for _, a := range d.TopActivities {
		out.TopActivities = append(out.TopActivities, activity(a))
	}
	for _, a := range d.OnlineActivities {
		out.OnlineActivities = append(out.OnlineActivities, activity(a))
	}
	for _, r := range d.Refusals {
		out.Refusals = append(out.Refusals, &reportingv1.RefusalCount{Reason: Refusal(r.Reason), Refused: r.Refused})
	}
	for _, v := range d.VenuesInAlarm {
		out.VenuesInAlarm = append(out.VenuesInAlarm, OccupancyToProto(v))
	}
	return out
}

func filterToProto(f domain.Filter) *reportingv1.DashboardFilter {
	return &reportingv1.DashboardFilter{CountyCode: f.CountyCode, FromDay: f.FromDay, ToDay: f.ToDay,
		Form: Form(f.Form), TargetGroup: TargetGroup(f.TargetGroup), UnitId: f.UnitID,
		WorkersDay: f.WorkersDay, Theme: Theme(f.Theme)}
}

// OccupancySummaryToProto converts the city's (or a county's) occupancy summary.
func OccupancySummaryToProto(s domain.OccupancySummary) *reportingv1.OccupancySummary {
	occ := &reportingv1.OccupancySummary{Inside: s.Inside, VenuesOpen: uint32(s.VenuesOpen),
		VenuesWarning: uint32(s.VenuesWarning), VenuesAlarm: uint32(s.VenuesAlarm)}
	for _, v := range s.Fullest {
		occ.Fullest = append(occ.Fullest, OccupancyToProto(v))
	}
	return occ
}

// RecordsFromEvent converts a check-in event's records as the statistics see them.
func RecordsFromEvent(ev *checkinv1.CheckinsRecorded) ([]domain.CheckinRecord, error) {
	out := make([]domain.CheckinRecord, 0, len(ev.GetRecords()))
	for _, r := range ev.GetRecords() {
		venue, err := uuid.Parse(r.GetVenueId())
		if err != nil {
			return nil, err
		}
		rec := domain.CheckinRecord{EditionID: r.GetEditionId(), CountyCode: ev.GetCountyCode(), VenueID: venue, Kind: KindFromProto(r.GetKind()),
			Category: CategoryFromProto(r.GetCategory()), Headcount: int64(r.GetHeadcount()), Adults: int64(r.GetAdults()),
			OccurredAt: r.GetOccurredAt().AsTime(), RecordedAt: r.GetRecordedAt().AsTime()}
		if r.GetOutcome() == checkinv1.Outcome_OUTCOME_REFUSED {
			rec.Refused, rec.Refusal = true, RefusalFromProto(r.GetRefusalReason())
			out = append(out, rec)
			continue
		}
		if rec.Kind != domain.RecordCheckout {
			if rec.ActivityID, err = uuid.Parse(r.GetActivityId()); err != nil {
				return nil, err
			}
		}
		for _, an := range r.GetAnomalies() {
			if an == checkinv1.Anomaly_ANOMALY_OVER_CAPACITY {
				rec.OverCapacity = true
				rec.TerminalID, _ = uuid.Parse(r.GetTerminalId())
			}
		}
		if id, err := uuid.Parse(r.GetTicketId()); err == nil && rec.Kind == domain.RecordTicket {
			rec.TicketID = id
		}
		out = append(out, rec)
	}
	return out, nil
}
