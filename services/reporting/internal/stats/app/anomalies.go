package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// AnomalyCounter reads the flagged records' counts from check-in's table, the system of record:
// the anomalies are not projected here, as only a few people read them, a few times a day.
// The doors' figures are read the same way: only check-in's table knows the door of a record.
type AnomalyCounter interface {
	CountAnomalies(ctx context.Context, q domain.AnomalyQuery, timeZone string) ([]domain.AnomalyTally, error)
	// CountDoors counts a venue's records by door, activity and day of timeZone's calendar.
	CountDoors(ctx context.Context, edition string, venue uuid.UUID, timeZone string) ([]domain.DoorTally, error)
}

// AnomalyNames names what the anomalies' counts name by id.
type AnomalyNames interface {
	// VenueNames returns the venues' names as the venue registry last said ("" unknown) and
	// the edition's counties' names.
	VenueNames(ctx context.Context, edition string, venues []uuid.UUID) (map[uuid.UUID]string, map[string]string, error)
	// UnitActivities returns the activities of an organizer unit in an edition.
	UnitActivities(ctx context.Context, edition, unit string) (map[uuid.UUID]bool, error)
	// VenueCounty returns a venue's county as the venue registry last said; "" when unknown.
	VenueCounty(ctx context.Context, venue uuid.UUID) (string, error)
}

// Reasons of the anomalies' reader.
var (
	// ErrAnomaliesUnavailable says this deployment's reporting does not reach check-in.
	ErrAnomaliesUnavailable = errs.Reason{Code: "ANOMALIES_UNAVAILABLE", Kind: errs.Unavailable,
		English: "the anomalies cannot be read now: check-in cannot be reached",
		Chinese: "暂时无法读取异常扫码：签到服务无法连接"}
)

// Anomalies counts the scans check-in flagged, per venue and door, by kind: the whole city for
// the bureau and viewers, one county for its admin (another county is refused), and for an
// organizer the records of its own unit's activities only.
func (s *Service) Anomalies(ctx context.Context, p auth.Principal, q domain.AnomalyQuery) (domain.Anomalies, error) {
	if s.anomalies == nil || s.names == nil {
		return domain.Anomalies{}, ErrAnomaliesUnavailable.New()
	}
	var keep func(domain.AnomalyTally) bool
	if p.Is(auth.RoleOrganizer) {
		if p.UnitID == "" {
			return domain.Anomalies{}, ErrOrganizerWithoutUnit.New()
		}
		mine, err := s.names.UnitActivities(ctx, q.EditionID, p.UnitID)
		if err != nil {
			return domain.Anomalies{}, err
		}
		keep = func(t domain.AnomalyTally) bool { return mine[t.ActivityID] }
	} else {
		county, err := scope(p, q.CountyCode)
		if err != nil {
			return domain.Anomalies{}, err
		}
		q.CountyCode = county
	}
	tallies, err := s.countAnomalies(ctx, q)
	if err != nil {
		return domain.Anomalies{}, err
	}
	out := domain.FoldAnomalies(tallies, keep)
	ids := make([]uuid.UUID, len(out.Venues))
	for i, v := range out.Venues {
		ids[i] = v.VenueID
	}
	venues, counties, err := s.names.VenueNames(ctx, q.EditionID, ids)
	if err != nil {
		return domain.Anomalies{}, err
	}
	for i := range out.Venues {
		out.Venues[i].VenueName, out.Venues[i].CountyName = venues[out.Venues[i].VenueID], counties[out.Venues[i].CountyCode]
	}
	return out, nil
}

// Doors gives a venue's figures door by door, for the edition and today: any venue for the
// bureau and viewers, a venue of their own county for a county admin (another county's, or one
// whose county reporting does not know, is refused), and for an organizer the records of its
// own unit's activities only.
func (s *Service) Doors(ctx context.Context, p auth.Principal, edition string, venue uuid.UUID) (domain.VenueDoors, error) {
	if s.anomalies == nil || s.names == nil {
		return domain.VenueDoors{}, ErrAnomaliesUnavailable.New()
	}
	var keep func(domain.DoorTally) bool
	if p.Is(auth.RoleOrganizer) {
		if p.UnitID == "" {
			return domain.VenueDoors{}, ErrOrganizerWithoutUnit.New()
		}
		mine, err := s.names.UnitActivities(ctx, edition, p.UnitID)
		if err != nil {
			return domain.VenueDoors{}, err
		}
		keep = func(t domain.DoorTally) bool { return mine[t.ActivityID] }
	} else if !p.SeesAllCounties() {
		county, err := s.names.VenueCounty(ctx, venue)
		if err != nil {
			return domain.VenueDoors{}, err
		}
		if county == "" {
			county = "?" // unknown here: not provably the admin's own
		}
		if _, err := scope(p, county); err != nil {
			return domain.VenueDoors{}, err
		}
	}
	tallies, err := s.anomalies.CountDoors(ctx, edition, venue, s.loc.String())
	if err != nil {
		return domain.VenueDoors{}, err
	}
	return domain.FoldDoors(venue, domain.Day(s.now(), s.loc), tallies, keep), nil
}
