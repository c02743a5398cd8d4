package adapters

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

func scanEdition(row pgx.Row) (domain.Edition, error) {
	var e domain.Edition
	var tz string
	var forms []string
	var starts, ends, deadline time.Time
	var erased *time.Time
	if err := row.Scan(&e.ID, &e.Name, &e.Theme, &starts, &ends, &deadline, &e.MaxVideoSeconds, &tz, &forms, &e.RetentionDays, &erased,
		&e.Contact.Office, &e.Contact.Person, &e.Contact.Phone, &e.Contact.Email); err != nil {
		return domain.Edition{}, err
	}
	if erased != nil {
		e.PersonalDataErasedAt = *erased
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return domain.Edition{}, fmt.Errorf("edition %s: time zone %q: %w", e.ID, tz, err)
	}
	e.Location = loc
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc) }
	e.StartsOn, e.EndsOn, e.ReportDeadline = day(starts), day(ends), day(deadline)
	for _, f := range forms {
		e.Forms = append(e.Forms, domain.Form(f))
	}
	return e, nil
}

const editionColumns = `id, name, theme, starts_on, ends_on, report_deadline, max_video_seconds, time_zone, forms,
	personal_data_retention_days, personal_data_erased_at, contact_office, contact_person, contact_phone, contact_email`

func (s *Store) counties(ctx context.Context, q querier, e *domain.Edition) error {
	rows, _ := q.Query(ctx, `SELECT code, name FROM edition_counties WHERE edition_id = $1 ORDER BY position`, e.ID)
	var err error
	e.Counties, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.County, error) {
		var c domain.County
		err := row.Scan(&c.Code, &c.Name)
		return c, err
	})
	return err
}

// Edition returns an edition with its counties.
func (s *Store) Edition(ctx context.Context, id string) (domain.Edition, error) {
	e, err := scanEdition(s.pool.QueryRow(ctx, `SELECT `+editionColumns+` FROM editions WHERE id = $1`, id))
	err = db.NotFound(err, domain.ErrEditionNotFound, "id", id)
	if err != nil {
		return domain.Edition{}, db.Unavailable(err, "read edition")
	}
	return e, db.Unavailable(s.counties(ctx, s.pool, &e), "read edition counties")
}

// Editions returns every edition with its counties, newest first.
func (s *Store) Editions(ctx context.Context) ([]domain.Edition, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+editionColumns+` FROM editions ORDER BY starts_on DESC`)
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Edition, error) { return scanEdition(row) })
	if err != nil {
		return nil, db.Unavailable(err, "list editions")
	}
	for i := range list {
		if err := s.counties(ctx, s.pool, &list[i]); err != nil {
			return nil, db.Unavailable(err, "list editions")
		}
	}
	return list, nil
}

func writeEdition(ctx context.Context, tx pgx.Tx, e domain.Edition, insert bool) error {
	forms := make([]string, len(e.Forms))
	for i, f := range e.Forms {
		forms[i] = string(f)
	}
	args := []any{e.ID, e.Name, e.Theme, e.StartsOn.Format(time.DateOnly), e.EndsOn.Format(time.DateOnly),
		e.ReportDeadline.Format(time.DateOnly), e.MaxVideoSeconds, e.Location.String(), forms, e.RetentionDays,
		e.Contact.Office, e.Contact.Person, e.Contact.Phone, e.Contact.Email}
	sql := `UPDATE editions SET name = $2, theme = $3, starts_on = $4, ends_on = $5, report_deadline = $6, max_video_seconds = $7,
		time_zone = $8, forms = $9, personal_data_retention_days = $10,
		contact_office = $11, contact_person = $12, contact_phone = $13, contact_email = $14 WHERE id = $1`
	if insert {
		sql = `INSERT INTO editions (id, name, theme, starts_on, ends_on, report_deadline, max_video_seconds, time_zone, forms,
			personal_data_retention_days, contact_office, contact_person, contact_phone, contact_email)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`
	}
	tag, err := tx.Exec(ctx, sql, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return domain.ErrEditionNotFound.New("id", e.ID)
	}
	if _, err := tx.Exec(ctx, `UPDATE edition_counties SET position = -position - 1 WHERE edition_id = $1`, e.ID); err != nil {
		return err
	}
	codes := make([]string, len(e.Counties))
	for i, c := range e.Counties {
		codes[i] = c.Code
		if _, err := tx.Exec(ctx, `INSERT INTO edition_counties (edition_id, code, name, position) VALUES ($1, $2, $3, $4)
			ON CONFLICT (edition_id, code) DO UPDATE SET name = EXCLUDED.name, position = EXCLUDED.position`, e.ID, c.Code, c.Name, i); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `DELETE FROM edition_counties WHERE edition_id = $1 AND NOT (code = ANY($2))`, e.ID, codes)
	return err
}

// CreateEdition stores a new edition and its EditionChanged event.
func (s *Store) CreateEdition(ctx context.Context, ev domain.EditionChanged) error {
	e := ev.Edition
	err := s.tx(ctx, "create edition", func(tx pgx.Tx) error {
		if err := writeEdition(ctx, tx, e, true); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, editionChangedEvent(ev))
	})
	if db.IsUniqueViolation(err, "") {
		return ErrEditionExists.New("id", e.ID)
	}
	return err
}

// UpdateEdition replaces an edition. It refuses dates that would leave registered sessions
// outside the week, and dropping counties that have activities.
func (s *Store) UpdateEdition(ctx context.Context, ev domain.EditionChanged) error {
	e := ev.Edition
	err := s.tx(ctx, "update edition", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM editions WHERE id = $1 FOR UPDATE`, e.ID); err != nil {
			return err
		}
		var outside int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM activity_sessions s JOIN activities a ON a.id = s.activity_id
			WHERE a.edition_id = $1 AND a.status <> 'cancelled' AND (s.starts_at < $2 OR s.ends_at > $3)`,
			e.ID, e.StartsOn, e.EndsOn.AddDate(0, 0, 1)).Scan(&outside); err != nil {
			return err
		}
		if outside > 0 {
			return ErrEditionSessionsOutside.New("count", outside, "startsOn", e.StartsOn.Format(time.DateOnly), "endsOn", e.EndsOn.Format(time.DateOnly))
		}
		codes := make([]string, len(e.Counties))
		for i, c := range e.Counties {
			codes[i] = c.Code
		}
		rows, _ := tx.Query(ctx, `SELECT DISTINCT county_code FROM activities WHERE edition_id = $1 AND NOT (county_code = ANY($2)) ORDER BY 1`, e.ID, codes)
		stranded, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		if len(stranded) > 0 {
			return ErrEditionCountiesInUse.New("counties", strings.Join(stranded, "、"))
		}
		if err := writeEdition(ctx, tx, e, false); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, editionChangedEvent(ev))
	})
	return err
}

// PublishEditions writes EditionChanged events for the editions.
func (s *Store) PublishEditions(ctx context.Context, evs []domain.EditionChanged) error {
	return s.tx(ctx, "publish editions", func(tx pgx.Tx) error {
		out := make([]bus.Event, len(evs))
		for i, ev := range evs {
			out[i] = editionChangedEvent(ev)
		}
		return s.enqueue(ctx, tx, out...)
	})
}

// The refusals of an edition's change.
var (
	ErrEditionExists = errs.Reason{Code: "EDITION_EXISTS", Kind: errs.Exists,
		English: "edition {id} exists already",
		Chinese: "活动周编号“{id}”已存在，请换一个"}
	ErrEditionSessionsOutside = errs.Reason{Code: "EDITION_SESSIONS_OUTSIDE", Kind: errs.FailedPrecondition,
		English: "{count} registered sessions fall outside {startsOn} to {endsOn}; move or cancel them first",
		Chinese: "已登记的 {count} 个场次不在 {startsOn} 至 {endsOn} 之间：请先调整或取消这些场次"}
	ErrEditionCountiesInUse = errs.Reason{Code: "EDITION_COUNTIES_IN_USE", Kind: errs.FailedPrecondition,
		English: "counties {counties} have activities in this edition and cannot be removed",
		Chinese: "县（市、区）代码 {counties} 已有本届活动，不能从名单中删除"}
)
