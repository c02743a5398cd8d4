// Package convert is check-in's one home for converting between its domain and the contract:
// the gRPC port and the outbox's events both use it. Every enum is converted through an explicit
// table, never a cast: the domain's numbers are stored in the database and need not follow the
// contract's, and convert_test.go round-trips every value of every enum.
package convert

import (
	enums "github.com/sciweek/sciweek/pkg/enum"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

var (
	kinds = enums.NewTable(map[domain.Kind]checkinv1.CheckinKind{
		domain.KindTicket: checkinv1.CheckinKind_CHECKIN_KIND_TICKET, domain.KindWalkIn: checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN,
		domain.KindGroup: checkinv1.CheckinKind_CHECKIN_KIND_GROUP, domain.KindCheckout: checkinv1.CheckinKind_CHECKIN_KIND_CHECKOUT,
	})
	categories = enums.NewTable(map[domain.Category]checkinv1.ParticipantCategory{
		domain.CategoryYoungPerson:   checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_YOUNG_PERSON,
		domain.CategoryAdult:         checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT,
		domain.CategoryScienceWorker: checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_SCIENCE_WORKER,
		domain.CategoryVolunteer:     checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_VOLUNTEER,
	})
	outcomes = enums.NewTable(map[domain.Outcome]checkinv1.Outcome{
		domain.Admitted: checkinv1.Outcome_OUTCOME_ADMITTED, domain.Refused: checkinv1.Outcome_OUTCOME_REFUSED,
	})
	refusals = enums.NewTable(map[domain.Refusal]checkinv1.RefusalReason{
		domain.RefusalAlreadyCheckedIn: checkinv1.RefusalReason_REFUSAL_REASON_ALREADY_CHECKED_IN,
		domain.RefusalInvalidSignature: checkinv1.RefusalReason_REFUSAL_REASON_INVALID_SIGNATURE,
		domain.RefusalWrongVenue:       checkinv1.RefusalReason_REFUSAL_REASON_WRONG_VENUE,
		domain.RefusalNotYetValid:      checkinv1.RefusalReason_REFUSAL_REASON_NOT_YET_VALID,
		domain.RefusalExpired:          checkinv1.RefusalReason_REFUSAL_REASON_EXPIRED,
		domain.RefusalRevoked:          checkinv1.RefusalReason_REFUSAL_REASON_REVOKED,
		domain.RefusalActivityNotOpen:  checkinv1.RefusalReason_REFUSAL_REASON_ACTIVITY_NOT_OPEN,
		domain.RefusalTimeOutOfRange:   checkinv1.RefusalReason_REFUSAL_REASON_TIME_OUT_OF_RANGE,
	})
	levels = enums.NewTable(map[domain.Level]checkinv1.OccupancyLevel{
		domain.LevelNormal: checkinv1.OccupancyLevel_OCCUPANCY_LEVEL_NORMAL, domain.LevelWarning: checkinv1.OccupancyLevel_OCCUPANCY_LEVEL_WARNING,
		domain.LevelAlarm: checkinv1.OccupancyLevel_OCCUPANCY_LEVEL_ALARM,
	})
	anomalies = enums.NewTable(map[domain.Anomalies]checkinv1.Anomaly{
		domain.AnomalyOutsideSession: checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION, domain.AnomalyBurst: checkinv1.Anomaly_ANOMALY_BURST,
		domain.AnomalyClockSkew: checkinv1.Anomaly_ANOMALY_CLOCK_SKEW, domain.AnomalyOverCapacity: checkinv1.Anomaly_ANOMALY_OVER_CAPACITY,
	})
)

// Kind names a record's kind in the contract.
func Kind(k domain.Kind) checkinv1.CheckinKind { return kinds.ToProto[k] }

// Category names a participant category in the contract.
func Category(c domain.Category) checkinv1.ParticipantCategory { return categories.ToProto[c] }

// CategoryFromProto reads a category; an unknown one is CategoryUnspecified, which the domain
// refuses.
func CategoryFromProto(c checkinv1.ParticipantCategory) domain.Category {
	return categories.FromProto[c]
}

// Outcome names an outcome in the contract.
func Outcome(o domain.Outcome) checkinv1.Outcome { return outcomes.ToProto[o] }

// Refusal names a refusal reason in the contract; RefusalNone is UNSPECIFIED.
func Refusal(r domain.Refusal) checkinv1.RefusalReason { return refusals.ToProto[r] }

// Level names an occupancy level in the contract; LevelUnknown is UNSPECIFIED.
func Level(l domain.Level) checkinv1.OccupancyLevel { return levels.ToProto[l] }

// Anomaly converts one anomaly flag.
func Anomaly(a domain.Anomalies) checkinv1.Anomaly { return anomalies.ToProto[a] }

// Anomalies lists a record's anomaly flags, in the order of their bits.
func Anomalies(a domain.Anomalies) []checkinv1.Anomaly {
	var out []checkinv1.Anomaly
	for bit := domain.Anomalies(1); bit != 0 && bit <= a; bit <<= 1 {
		if a&bit != 0 {
			if p, ok := anomalies.ToProto[bit]; ok {
				out = append(out, p)
			}
		}
	}
	return out
}
