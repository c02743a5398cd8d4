package adapters

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

const signupColumns = `id, edition_id, activity_id, session_id, name, phone_masked, age_group, status, ticket_id, ticket_payload,
	valid_from, valid_until, cancelled_reason, created_at, manage_hash, phone_hash,
	CASE WHEN status = 'waiting' THEN (SELECT count(*) FROM signups w WHERE w.session_id = signups.session_id AND w.status = 'waiting'
		AND (w.created_at, w.id) <= (signups.created_at, signups.id)) ELSE 0 END`

type signupRow struct {
	domain.Signup
	manageHash []byte
	phoneHash  []byte
}

func scanSignup(row pgx.CollectableRow) (signupRow, error) {
	var r signupRow
	var age, status string
	var ticket *uuid.UUID
	var from, until *time.Time
	var position int64
	err := row.Scan(&r.ID, &r.EditionID, &r.ActivityID, &r.SessionID, &r.Name, &r.PhoneMasked, &age, &status, &ticket, &r.Ticket.Payload,
		&from, &until, &r.CancelledReason, &r.CreatedAt, &r.manageHash, &r.phoneHash, &position)
	r.AgeGroup, r.Status, r.WaitingPosition = domain.AgeGroup(age), domain.SignupStatus(status), int(position)
	if ticket != nil {
		r.Ticket.ID = *ticket
	}
	if from != nil && until != nil {
		r.Ticket.ValidFrom, r.Ticket.ValidUntil = *from, *until
	}
	return r, err
}

// lockSession locks a session's row and returns it with its counts and its activity.
func lockSession(ctx context.Context, tx pgx.Tx, sessionID uuid.UUID) (domain.Session, domain.Activity, error) {
	var ses domain.Session
	var activityID uuid.UUID
	err := tx.QueryRow(ctx, `SELECT id, activity_id, starts_at, ends_at, places, confirmed, waiting FROM activity_sessions WHERE id = $1 FOR UPDATE`, sessionID).
		Scan(&ses.ID, &activityID, &ses.StartsAt, &ses.EndsAt, &ses.Places, &ses.Confirmed, &ses.Waiting)
	err = db.NotFound(err, domain.ErrSessionNotFound, "id", sessionID)
	if err != nil {
		return domain.Session{}, domain.Activity{}, err
	}
	rows, _ := tx.Query(ctx, `SELECT `+activityColumns+` FROM activities a WHERE a.id = $1`, activityID)
	a, err := pgx.CollectExactlyOneRow(rows, scanActivity)
	return ses, a, err
}

func setTicket(ctx context.Context, tx pgx.Tx, su domain.Signup) error {
	_, err := tx.Exec(ctx, `UPDATE signups SET status = $2, ticket_id = $3, ticket_payload = $4, valid_from = $5, valid_until = $6, updated_at = now()
		WHERE id = $1`, su.ID, string(su.Status), su.Ticket.ID, su.Ticket.Payload, su.Ticket.ValidFrom, su.Ticket.ValidUntil)
	return err
}

// SignUp stores a sign-up with the session locked; see app.Signups.
func (s *Store) SignUp(ctx context.Context, su domain.Signup, phoneKey, manageKey []byte, decide func(domain.Session) (domain.Signup, error)) (domain.Signup, error) {
	var out domain.Signup
	err := s.tx(ctx, "sign up", func(tx pgx.Tx) error {
		ses, a, err := lockSession(ctx, tx, su.SessionID)
		if err != nil {
			return err
		}
		if a.Status != domain.StatusApproved {
			return domain.ErrActivityNotOpen.New("status", a.Status, "statusLabel", a.Status.Label())
		}
		if out, err = decide(ses); err != nil {
			return err
		}
		var ticket *uuid.UUID
		var from, until *time.Time
		if out.Status == domain.SignupConfirmed {
			ticket, from, until = &out.Ticket.ID, &out.Ticket.ValidFrom, &out.Ticket.ValidUntil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO signups (id, edition_id, activity_id, session_id, name, phone_masked, phone_hash, age_group, status,
			manage_hash, ticket_id, ticket_payload, valid_from, valid_until, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)`,
			out.ID, out.EditionID, out.ActivityID, out.SessionID, out.Name, out.PhoneMasked, phoneKey, string(out.AgeGroup), string(out.Status),
			manageKey, ticket, out.Ticket.Payload, from, until, out.CreatedAt); err != nil {
			return err
		}
		column := "confirmed"
		if out.Status == domain.SignupWaiting {
			column = "waiting"
			if err := tx.QueryRow(ctx, `SELECT waiting + 1 FROM activity_sessions WHERE id = $1`, ses.ID).Scan(&out.WaitingPosition); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE activity_sessions SET `+column+` = `+column+` + 1 WHERE id = $1`, ses.ID); err != nil {
			return err
		}
		if out.Status == domain.SignupConfirmed {
			return s.enqueue(ctx, tx, ticketIssuedEvent(out, a, phoneKey))
		}
		return nil
	})
	if db.IsUniqueViolation(err, "signups_one_place_per_phone") {
		return domain.Signup{}, domain.ErrPhoneTaken.New()
	}
	return out, err
}

// Signup returns a sign-up and the hash of its manage code.
func (s *Store) Signup(ctx context.Context, id uuid.UUID) (domain.Signup, []byte, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+signupColumns+` FROM signups WHERE id = $1`, id)
	r, err := db.One(rows, scanSignup, domain.ErrSignupNotFound, "id", id)
	if err != nil {
		return domain.Signup{}, nil, db.Unavailable(err, "read sign-up")
	}
	return r.Signup, r.manageHash, nil
}

// SignupByCode finds a sign-up by its phone hash and manage hash; see app.Signups. The manage
// hash is compared in the query: it is the hash of a random code, not the code itself, so the
// comparison leaks nothing worth timing.
func (s *Store) SignupByCode(ctx context.Context, phoneKey, manageHash []byte) (domain.Signup, bool, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+signupColumns+` FROM signups WHERE phone_hash = $1 AND manage_hash = $2`, phoneKey, manageHash)
	r, err := pgx.CollectExactlyOneRow(rows, scanSignup)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Signup{}, false, nil
	}
	if err != nil {
		return domain.Signup{}, false, db.Unavailable(err, "find sign-up")
	}
	return r.Signup, true, nil
}

// CancelSignup cancels a sign-up with its session locked and promotes the first waiting
// sign-up into a freed place; see app.Signups.
func (s *Store) CancelSignup(ctx context.Context, id uuid.UUID, check func(domain.Signup, []byte) error,
	promote func(domain.Signup, domain.Session) (domain.Ticket, error)) (domain.Signup, *domain.Signup, error) {
	var (
		out      domain.Signup
		promoted *domain.Signup
	)
	err := s.tx(ctx, "cancel sign-up", func(tx pgx.Tx) error {
		var sessionID uuid.UUID
		if err := tx.QueryRow(ctx, `SELECT session_id FROM signups WHERE id = $1`, id).Scan(&sessionID); errors.Is(err, pgx.ErrNoRows) {
			return domain.ErrSignupNotFound.New("id", id)
		} else if err != nil {
			return err
		}
		ses, a, err := lockSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT `+signupColumns+` FROM signups WHERE id = $1`, id)
		r, err := pgx.CollectExactlyOneRow(rows, scanSignup)
		if err != nil {
			return err
		}
		if err := check(r.Signup, r.manageHash); err != nil {
			return err
		}
		if r.Status == domain.SignupCancelled {
			return ErrSignupCancelledAlready.New()
		}
		was := r.Status
		out = r.Signup
		out.Status, out.CancelledReason, out.WaitingPosition = domain.SignupCancelled, domain.RevokedSignupCancelled, 0
		if _, err := tx.Exec(ctx, `UPDATE signups SET status = 'cancelled', cancelled_reason = $2, updated_at = now() WHERE id = $1`, id, out.CancelledReason); err != nil {
			return err
		}
		if was == domain.SignupWaiting {
			_, err := tx.Exec(ctx, `UPDATE activity_sessions SET waiting = waiting - 1 WHERE id = $1`, ses.ID)
			return err
		}
		evs := []bus.Event{ticketRevokedEvent(domain.TicketRevoked{TicketID: out.Ticket.ID, EditionID: out.EditionID, ActivityID: out.ActivityID, Reason: domain.RevokedSignupCancelled})}
		ses.Confirmed--
		if _, err := tx.Exec(ctx, `UPDATE activity_sessions SET confirmed = confirmed - 1 WHERE id = $1`, ses.ID); err != nil {
			return err
		}
		// The first on the waiting list gets the place, if the activity still runs.
		if a.Status == domain.StatusApproved && (ses.Places == 0 || ses.Confirmed < ses.Places) {
			rows, _ := tx.Query(ctx, `SELECT `+signupColumns+` FROM signups WHERE session_id = $1 AND status = 'waiting'
				ORDER BY created_at, id LIMIT 1 FOR UPDATE`, ses.ID)
			next, err := pgx.CollectExactlyOneRow(rows, scanSignup)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
			case err != nil:
				return err
			default:
				t, err := promote(next.Signup, ses)
				if err != nil {
					return err
				}
				p := next.Signup
				p.Status, p.Ticket, p.WaitingPosition = domain.SignupConfirmed, t, 0
				if err := setTicket(ctx, tx, p); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `UPDATE activity_sessions SET confirmed = confirmed + 1, waiting = waiting - 1 WHERE id = $1`, ses.ID); err != nil {
					return err
				}
				evs = append(evs, ticketIssuedEvent(p, a, next.phoneHash))
				promoted = &p
			}
		}
		return s.enqueue(ctx, tx, evs...)
	})
	return out, promoted, err
}

// cancelAllSignups cancels every live sign-up of an activity and returns the revoked tickets.
func cancelAllSignups(ctx context.Context, tx pgx.Tx, a domain.Activity, at time.Time) ([]domain.TicketRevoked, error) {
	rows, _ := tx.Query(ctx, `UPDATE signups SET status = 'cancelled', cancelled_reason = $2, updated_at = $3
		WHERE activity_id = $1 AND status IN ('confirmed', 'waiting') RETURNING ticket_id`, a.ID, domain.RevokedActivityCancelled, at)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[*uuid.UUID])
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE activity_sessions SET confirmed = 0, waiting = 0 WHERE activity_id = $1`, a.ID); err != nil {
		return nil, err
	}
	var out []domain.TicketRevoked
	for _, id := range ids {
		if id != nil {
			out = append(out, domain.TicketRevoked{TicketID: *id, EditionID: a.EditionID, ActivityID: a.ID, Reason: domain.RevokedActivityCancelled})
		}
	}
	return out, nil
}

// Signups lists an activity's sign-ups.
func (s *Store) Signups(ctx context.Context, activityID, sessionID uuid.UUID) ([]domain.Signup, error) {
	var ses *uuid.UUID
	if sessionID != uuid.Nil {
		ses = &sessionID
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+signupColumns+` FROM signups WHERE activity_id = $1 AND ($2::uuid IS NULL OR session_id = $2)
		ORDER BY session_id, CASE status WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, created_at, id`, activityID, ses)
	list, err := pgx.CollectRows(rows, scanSignup)
	if err != nil {
		return nil, db.Unavailable(err, "list sign-ups")
	}
	out := make([]domain.Signup, len(list))
	for i, r := range list {
		out[i] = r.Signup
	}
	return out, nil
}

// ErrSignupCancelledAlready is a sign-up cancelled a second time.
var ErrSignupCancelledAlready = errs.Reason{Code: "SIGNUP_ALREADY_CANCELLED", Kind: errs.FailedPrecondition,
	English: "this sign-up was cancelled already",
	Chinese: "这个报名已经取消过了"}
