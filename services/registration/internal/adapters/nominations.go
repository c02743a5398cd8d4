package adapters

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

const nominationColumns = `n.activity_id, n.edition_id, n.county_code, a.title, a.organizer, n.recommendation, n.status,
	n.nominated_by, n.nominated_at, n.decided_by, n.decided_at, n.decision_note`

func scanNomination(row pgx.CollectableRow) (domain.Nomination, error) {
	var n domain.Nomination
	var status string
	var decided *time.Time
	err := row.Scan(&n.ActivityID, &n.EditionID, &n.CountyCode, &n.ActivityTitle, &n.Organizer, &n.Recommendation, &status,
		&n.NominatedBy, &n.NominatedAt, &n.DecidedBy, &decided, &n.DecisionNote)
	n.Status = domain.NominationStatus(status)
	if decided != nil {
		n.DecidedAt = *decided
	}
	return n, err
}

// CreateNomination stores a nomination and its event.
func (s *Store) CreateNomination(ctx context.Context, n domain.Nomination, ev domain.NominationEvent) error {
	err := s.tx(ctx, "nominate activity", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO nominations (activity_id, edition_id, county_code, recommendation, status, nominated_by, nominated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, n.ActivityID, n.EditionID, n.CountyCode, n.Recommendation, string(n.Status), n.NominatedBy, n.NominatedAt); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, nominationEvent(ev))
	})
	if db.IsUniqueViolation(err, "") {
		return ErrNominatedAlready.New()
	}
	return err
}

// UpdateNomination changes a nomination under a row lock with its event.
func (s *Store) UpdateNomination(ctx context.Context, activityID uuid.UUID, change func(*domain.Nomination) (domain.NominationEvent, error)) (domain.Nomination, error) {
	var out domain.Nomination
	err := s.tx(ctx, "decide nomination", func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+nominationColumns+` FROM nominations n JOIN activities a ON a.id = n.activity_id
			WHERE n.activity_id = $1 FOR UPDATE OF n`, activityID)
		n, err := db.One(rows, scanNomination, domain.ErrNotNominated, "id", activityID)
		if err != nil {
			return err
		}
		ev, err := change(&n)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE nominations SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5 WHERE activity_id = $1`,
			n.ActivityID, string(n.Status), n.DecidedBy, n.DecidedAt, n.DecisionNote); err != nil {
			return err
		}
		out = n
		return s.enqueue(ctx, tx, nominationEvent(ev))
	})
	return out, err
}

// Nominations lists an edition's nominations by county and time.
func (s *Store) Nominations(ctx context.Context, edition, county string, status domain.NominationStatus) ([]domain.Nomination, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+nominationColumns+` FROM nominations n JOIN activities a ON a.id = n.activity_id
		WHERE n.edition_id = $1 AND ($2 = '' OR n.county_code = $2) AND ($3 = '' OR n.status = $3)
		ORDER BY n.county_code, n.nominated_at, n.activity_id`, edition, county, string(status))
	list, err := pgx.CollectRows(rows, scanNomination)
	return list, db.Unavailable(err, "list nominations")
}

// ErrNominatedAlready is a second nomination of one activity.
var ErrNominatedAlready = errs.Reason{Code: "NOMINATION_EXISTS", Kind: errs.Exists,
	English: "this activity was nominated already",
	Chinese: "这个活动已经推荐过了"}
