package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// TallyCut is where an export's counts stand in the check-in stream: every record of an event
// up to LastSeq of the stream created at Created is counted, and so are those of Pending
// (events written, not yet published); nothing else is.
type TallyCut struct {
	Stream  string
	Created time.Time
	LastSeq uint64
	// Pending are the serialized CheckinsRecorded events not yet published.
	Pending [][]byte
}

// TallyRow counts the stored records that share every other field.
type TallyRow struct {
	EditionID  string
	CountyCode string
	VenueID    uuid.UUID
	ActivityID uuid.UUID
	// LocalHour is the hour they count in, local to the requested zone (2006-01-02T15).
	LocalHour string
	Kind      domain.Kind
	Outcome   domain.Outcome
	Refusal   domain.Refusal
	Category  domain.Category
	// OverCapacityDoor is the terminal, for admissions confirmed at the alarm level; Nil else.
	OverCapacityDoor uuid.UUID
	Records          int64
	Headcount        int64
	Adults           int64
}

// TallySink receives an export's parts in order: the cut, the pending events, the counts in
// pages, then the admitted tickets in pages.
type TallySink struct {
	Cut     func(TallyCut) error
	Rows    func([]TallyRow) error
	Tickets func(edition, county string, ids []uuid.UUID) error
}

// TallyOptions say what an export holds.
type TallyOptions struct {
	// Tickets asks for the admitted tickets after the counts, for counting distinct people.
	Tickets bool
	// ByDay folds the counts by local day only (edition, county, day, kind, outcome, refusal,
	// category): the grain the statistics audit compares, a few hundred rows where the full
	// grain has hundreds of thousands to send and fold. Venue, activity and door are Nil and
	// LocalHour is the day's first hour.
	ByDay bool
	// Incremental lets a ByDay export start from the day rows an earlier one kept and read only
	// the records stored since: the statistics audit's screen, every fifteen minutes. A
	// comparison that may repair the statistics reads whole.
	Incremental bool
}

// TallyReader reads the check-in table folded into counts at a cut of the stream.
type TallyReader interface {
	ExportTally(ctx context.Context, loc *time.Location, opts TallyOptions, sink TallySink) error
}

// AnomalyQuery narrows the flagged records counted.
type AnomalyQuery struct {
	EditionID  string
	CountyCode string
	// VenueID keeps one venue; Nil keeps all.
	VenueID uuid.UUID
	// Day keeps one local day (YYYY-MM-DD in Location); empty keeps all.
	Day      string
	Location *time.Location
}

// AnomalyTally counts the records of one door and activity flagged with one kind.
type AnomalyTally struct {
	CountyCode   string
	VenueID      uuid.UUID
	TerminalID   uuid.UUID
	TerminalName string
	// ActivityID is Nil for checkouts.
	ActivityID uuid.UUID
	Kind       domain.Anomalies
	Records    int64
	LastAt     time.Time
}

// AnomalyReader counts the table's flagged records.
type AnomalyReader interface {
	CountAnomalies(ctx context.Context, q AnomalyQuery) ([]AnomalyTally, error)
}

// DoorTally counts one door's records of one activity on one local day.
type DoorTally struct {
	TerminalID   uuid.UUID
	TerminalName string
	// ActivityID is Nil for checkouts and scans refused without one.
	ActivityID     uuid.UUID
	Day            string
	Participations int64
	Refused        int64
}

// DoorReader counts a venue's records door by door.
type DoorReader interface {
	CountDoors(ctx context.Context, edition string, venue uuid.UUID, loc *time.Location) ([]DoorTally, error)
}

// Attendance answers the other services' questions about the system of record.
type Attendance struct {
	tally     TallyReader
	anomalies AnomalyReader
	doors     DoorReader
}

// NewAttendance returns the use case over the table's readers.
func NewAttendance(tally TallyReader, anomalies AnomalyReader, doors DoorReader) (*Attendance, error) {
	if tally == nil || anomalies == nil || doors == nil {
		return nil, errors.New("checkin app: the attendance export needs a tally reader, an anomaly reader and a door reader")
	}
	return &Attendance{tally: tally, anomalies: anomalies, doors: doors}, nil
}

// CountDoors hands a service a venue's counts by door, activity and local day (in timeZone).
// Only services may: the caller (reporting) keeps each person to what they may see.
func (a *Attendance) CountDoors(ctx context.Context, p auth.Principal, edition string, venue uuid.UUID, timeZone string) ([]DoorTally, error) {
	if !p.Is(auth.RoleService) {
		return nil, ErrExportServicesOnly.New()
	}
	loc, err := time.LoadLocation(timeZone)
	if err != nil || timeZone == "" || timeZone == "Local" {
		return nil, ErrExportTimeZone.New("zone", timeZone)
	}
	return a.doors.CountDoors(ctx, edition, venue, loc)
}

// CountAnomalies hands a service the flagged records' counts by door, activity and kind. Only
// services may: the caller (reporting) keeps each person to what they may see.
func (a *Attendance) CountAnomalies(ctx context.Context, p auth.Principal, q AnomalyQuery, timeZone string) ([]AnomalyTally, error) {
	if !p.Is(auth.RoleService) {
		return nil, ErrExportServicesOnly.New()
	}
	loc, err := time.LoadLocation(timeZone)
	if err != nil || timeZone == "" || timeZone == "Local" {
		return nil, ErrExportTimeZone.New("zone", timeZone)
	}
	q.Location = loc
	return a.anomalies.CountAnomalies(ctx, q)
}

// ExportTally hands a service the table's counts, with local hours in timeZone, and the
// admitted tickets when asked. Only services may: the figures are the whole city's.
func (a *Attendance) ExportTally(ctx context.Context, p auth.Principal, timeZone string, opts TallyOptions, sink TallySink) error {
	if !p.Is(auth.RoleService) {
		return ErrExportServicesOnly.New()
	}
	loc, err := time.LoadLocation(timeZone)
	if err != nil || timeZone == "" || timeZone == "Local" {
		return ErrExportTimeZone.New("zone", timeZone)
	}
	return a.tally.ExportTally(ctx, loc, opts, sink)
}

// Reasons of the attendance export.
var (
	ErrExportServicesOnly = errs.Reason{Code: "CHECKIN_EXPORT_SERVICES_ONLY", Kind: errs.PermissionDenied,
		English: "only the system's services may export the check-in counts",
		Chinese: "只有系统内部的服务可以导出签到汇总"}
	ErrExportTimeZone = errs.Reason{Code: "CHECKIN_EXPORT_TIME_ZONE", Kind: errs.Invalid,
		English: "unknown time zone {zone}",
		Chinese: "时区无法识别：{zone}"}
)
