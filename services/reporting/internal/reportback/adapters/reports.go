package adapters

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/app"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/domain"
)

// Edition returns an edition's report settings; NotFound before registration's event arrived.
func (s *Store) Edition(ctx context.Context, id string) (domain.ReportEdition, error) {
	var name, deadline, zone string
	var maxVideo int
	var c domain.Contact
	err := s.pool.QueryRow(ctx, `SELECT name, report_deadline, max_video_seconds, time_zone,
		contact_office, contact_person, contact_phone, contact_email FROM editions WHERE edition_id = $1`, id).
		Scan(&name, &deadline, &maxVideo, &zone, &c.Office, &c.Person, &c.Phone, &c.Email)
	err = db.NotFound(err, ErrEditionNotKnown, "id", id)
	if err != nil {
		return domain.ReportEdition{}, db.Unavailable(err, "read the edition")
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return domain.ReportEdition{ID: id, Name: name, Deadline: domain.Deadline{Day: deadline, Loc: loc}, MaxVideo: time.Duration(maxVideo) * time.Second,
		Contact: c}, nil
}

// Editions returns every edition's report settings.
func (s *Store) Editions(ctx context.Context) ([]domain.ReportEdition, error) {
	rows, _ := s.pool.Query(ctx, `SELECT edition_id FROM editions ORDER BY edition_id`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, db.Unavailable(err, "read the editions")
	}
	out := make([]domain.ReportEdition, 0, len(ids))
	for _, id := range ids {
		ed, err := s.Edition(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, ed)
	}
	return out, nil
}

// CountyNames returns the names of an edition's counties, by code.
func (s *Store) CountyNames(ctx context.Context, edition string) (map[string]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT county_code, name FROM edition_counties WHERE edition_id = $1`, edition)
	out := map[string]string{}
	_, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var code, name string
		err := row.Scan(&code, &name)
		out[code] = name
		return struct{}{}, err
	})
	return out, db.Unavailable(err, "read the counties")
}

// Columns returns an edition's statistics table columns, or the usual ones.
func (s *Store) Columns(ctx context.Context, edition string) ([]domain.Column, error) {
	rows, _ := s.pool.Query(ctx, `SELECT key, label, source, metric, decimals FROM report_columns WHERE edition_id = $1 ORDER BY position`, edition)
	cols, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Column, error) {
		var c domain.Column
		err := row.Scan(&c.Key, &c.Label, &c.Source, &c.Metric, &c.Decimals)
		return c, err
	})
	if err != nil {
		return nil, db.Unavailable(err, "read the report columns")
	}
	if len(cols) == 0 {
		return domain.DefaultColumns(), nil
	}
	return cols, nil
}

// SetColumns replaces an edition's columns, unless a county has submitted already.
func (s *Store) SetColumns(ctx context.Context, edition string, cols []domain.Column) error {
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockColumns(ctx, tx, edition, false); err != nil {
			return err
		}
		var submitted bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reports WHERE edition_id = $1 AND submitted_at IS NOT NULL)`, edition).Scan(&submitted); err != nil {
			return err
		}
		if submitted {
			return ErrColumnsFrozen.New()
		}
		if _, err := tx.Exec(ctx, `DELETE FROM report_columns WHERE edition_id = $1`, edition); err != nil {
			return err
		}
		for i, c := range cols {
			if _, err := tx.Exec(ctx, `INSERT INTO report_columns (edition_id, position, key, label, source, metric, decimals) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				edition, i, c.Key, c.Label, c.Source, c.Metric, c.Decimals); err != nil {
				return err
			}
		}
		return nil
	})
	return db.Unavailable(err, "save the report columns")
}

// LockColumns holds an edition's columns still for the transaction: shared by a county
// submitting, exclusive by the city admin changing them, so no county submits a table whose
// columns are changing.
func lockColumns(ctx context.Context, tx pgx.Tx, edition string, shared bool) error {
	fn := "pg_advisory_xact_lock"
	if shared {
		fn = "pg_advisory_xact_lock_shared"
	}
	_, err := tx.Exec(ctx, `SELECT `+fn+`(hashtext('sciweek.report-columns.' || $1))`, edition)
	return err
}

// Units returns the organizer units that hold approved activities of an edition (in one county,
// or all), from the activities the statistics' projections keep from registration's events.
func (s *Store) Units(ctx context.Context, edition, county string) ([]domain.Unit, error) {
	rows, _ := s.pool.Query(ctx, `SELECT DISTINCT ON (county_code, unit_id) unit_id::text, unit_name, county_code FROM activities
		WHERE edition_id = $1 AND ($2 = '' OR county_code = $2) AND planned AND unit_id IS NOT NULL
		ORDER BY county_code, unit_id, updated_at DESC`, edition, county)
	units, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Unit, error) {
		var u domain.Unit
		err := row.Scan(&u.ID, &u.Name, &u.CountyCode)
		return u, err
	})
	if err != nil {
		return nil, db.Unavailable(err, "read the units")
	}
	slices.SortFunc(units, func(a, b domain.Unit) int {
		return cmp.Or(cmp.Compare(a.CountyCode, b.CountyCode), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return units, nil
}

// loadReport reads a county's or a unit's report, its row locked for the transaction when lock
// is set; a report never saved comes back as not started.
func loadReport(ctx context.Context, tx pgx.Tx, edition string, who domain.Reporter, lock bool) (*domain.Report, error) {
	county := who.CountyCode
	r := &domain.Report{EditionID: edition, CountyCode: county, UnitID: who.UnitID, Status: domain.ReportNotStarted, Values: map[string]domain.Value{}}
	var submitted *time.Time
	q := `SELECT status, late, on_time_once, reopened, returned_reason, submitted_at, updated_at FROM reports
		WHERE edition_id = $1 AND county_code = $2 AND unit_id = $3`
	if lock {
		// The report's lock is taken first, so two first saves cannot both create the row.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sciweek.report.' || $1 || '.' || $2 || '.' || $3))`, edition, county, who.UnitID); err != nil {
			return nil, err
		}
		q += ` FOR UPDATE`
	}
	err := tx.QueryRow(ctx, q, edition, county, who.UnitID).Scan(&r.Status, &r.Late, &r.OnTimeOnce, &r.Reopened, &r.ReturnedReason, &submitted, &r.UpdatedAt)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	if submitted != nil {
		r.SubmittedAt = *submitted
	}
	rows, _ := tx.Query(ctx, `SELECT column_key, typed, corrected, reason FROM report_values WHERE edition_id = $1 AND county_code = $2 AND unit_id = $3`,
		edition, county, who.UnitID)
	if _, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var k string
		var v domain.Value
		err := row.Scan(&k, &v.Typed, &v.Corrected, &v.Reason)
		r.Values[k] = v
		return struct{}{}, err
	}); err != nil {
		return nil, err
	}
	rows, _ = tx.Query(ctx, `SELECT id, kind, name, content_type, size, duration_ms, sha256, uploaded_at FROM report_files
		WHERE edition_id = $1 AND county_code = $2 AND unit_id = $3 AND deleted_at IS NULL ORDER BY uploaded_at, id`, edition, county, who.UnitID)
	files, err := pgx.CollectRows(rows, scanFile)
	r.Files = files
	return r, err
}

func scanFile(row pgx.CollectableRow) (domain.ReportFile, error) {
	var f domain.ReportFile
	var id [16]byte
	var ms int64
	err := row.Scan(&id, &f.Kind, &f.Name, &f.ContentType, &f.Size, &ms, &f.SHA256, &f.UploadedAt)
	f.ID, f.Duration = uuid.UUID(id), time.Duration(ms)*time.Millisecond
	return f, err
}

// SaveReport writes a report's state and figures.
func SaveReport(ctx context.Context, tx pgx.Tx, r *domain.Report) error {
	var submitted *time.Time
	if !r.SubmittedAt.IsZero() {
		submitted = &r.SubmittedAt
	}
	if _, err := tx.Exec(ctx, `INSERT INTO reports (edition_id, county_code, unit_id, status, late, on_time_once, reopened, returned_reason, submitted_at, updated_at)
		VALUES ($1, $2, $10, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (edition_id, county_code, unit_id) DO UPDATE SET status = EXCLUDED.status, late = EXCLUDED.late, on_time_once = EXCLUDED.on_time_once,
			reopened = EXCLUDED.reopened, returned_reason = EXCLUDED.returned_reason, submitted_at = EXCLUDED.submitted_at, updated_at = EXCLUDED.updated_at`,
		r.EditionID, r.CountyCode, r.Status, r.Late, r.OnTimeOnce, r.Reopened, r.ReturnedReason, submitted, r.UpdatedAt, r.UnitID); err != nil {
		return err
	}
	for k, v := range r.Values {
		if _, err := tx.Exec(ctx, `INSERT INTO report_values (edition_id, county_code, unit_id, column_key, typed, corrected, reason) VALUES ($1, $2, $7, $3, $4, $5, $6)
			ON CONFLICT (edition_id, county_code, unit_id, column_key) DO UPDATE SET typed = EXCLUDED.typed, corrected = EXCLUDED.corrected, reason = EXCLUDED.reason`,
			r.EditionID, r.CountyCode, k, v.Typed, v.Corrected, v.Reason, r.UnitID); err != nil {
			return err
		}
	}
	return nil
}

// AddFile records a stored file of a report.
func addFile(ctx context.Context, tx pgx.Tx, f domain.StoredFile) error {
	_, err := tx.Exec(ctx, `INSERT INTO report_files (id, edition_id, county_code, unit_id, kind, name, content_type, size, duration_ms, sha256, storage_key, uploaded_at)
		VALUES ($1, $2, $3, $12, $4, $5, $6, $7, $8, $9, $10, $11)`,
		[16]byte(f.ID), f.EditionID, f.CountyCode, f.Kind, f.Name, f.ContentType, f.Size, f.Duration.Milliseconds(), f.SHA256, f.StorageKey, f.UploadedAt, f.UnitID)
	return err
}

// File returns a file, deleted or not.
func (s *Store) File(ctx context.Context, id uuid.UUID) (domain.StoredFile, error) {
	var f domain.StoredFile
	var ms int64
	var deleted *time.Time
	err := s.pool.QueryRow(ctx, `SELECT kind, name, content_type, size, duration_ms, sha256, uploaded_at, edition_id, county_code, unit_id, storage_key, deleted_at
		FROM report_files WHERE id = $1`, [16]byte(id)).
		Scan(&f.Kind, &f.Name, &f.ContentType, &f.Size, &ms, &f.SHA256, &f.UploadedAt, &f.EditionID, &f.CountyCode, &f.UnitID, &f.StorageKey, &deleted)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.StoredFile{}, ErrFileNotFound.New("id", id)
	}
	f.ID, f.Duration, f.Deleted = id, time.Duration(ms)*time.Millisecond, deleted != nil
	return f, db.Unavailable(err, "read the file")
}

// DeleteFile marks a file deleted and says whether an accepted version still shows it (then
// its content stays).
func deleteFile(ctx context.Context, tx pgx.Tx, id uuid.UUID, at time.Time) (kept bool, err error) {
	if _, err := tx.Exec(ctx, `UPDATE report_files SET deleted_at = $2 WHERE id = $1`, [16]byte(id), at); err != nil {
		return false, err
	}
	err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM report_versions WHERE files @> jsonb_build_array(jsonb_build_object('ID', $1::uuid::text)))`,
		[16]byte(id)).Scan(&kept)
	return kept, err
}

// AddVersion keeps an accepted report.
func addVersion(ctx context.Context, tx pgx.Tx, edition string, who domain.Reporter, v domain.ReportVersion) (int, error) {
	figures, err := json.Marshal(v.Figures)
	if err != nil {
		return 0, err
	}
	files, err := json.Marshal(v.Files)
	if err != nil {
		return 0, err
	}
	var n int
	err = tx.QueryRow(ctx, `INSERT INTO report_versions (edition_id, county_code, unit_id, version, accepted_at, accepted_by, figures, files)
		SELECT $1, $2, $7, coalesce(max(version), 0) + 1, $3, $4, $5, $6 FROM report_versions WHERE edition_id = $1 AND county_code = $2 AND unit_id = $7
		RETURNING version`, edition, who.CountyCode, v.AcceptedAt, v.AcceptedBy, figures, files, who.UnitID).Scan(&n)
	return n, err
}

// Versions returns a report's accepted versions, oldest first (every report's, by county and
// unit, when who is nil).
func (s *Store) Versions(ctx context.Context, edition string, who *domain.Reporter) ([]domain.ReportVersion, error) {
	all, county, unit := who == nil, "", ""
	if who != nil {
		county, unit = who.CountyCode, who.UnitID
	}
	rows, _ := s.pool.Query(ctx, `SELECT county_code, unit_id, version, accepted_at, accepted_by, figures, files FROM report_versions
		WHERE edition_id = $1 AND ($4 OR (county_code = $2 AND unit_id = $3)) ORDER BY county_code, unit_id, version`, edition, county, unit, all)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.ReportVersion, error) {
		var v domain.ReportVersion
		var figures, files []byte
		if err := row.Scan(&v.CountyCode, &v.UnitID, &v.Version, &v.AcceptedAt, &v.AcceptedBy, &figures, &files); err != nil {
			return v, err
		}
		if err := json.Unmarshal(figures, &v.Figures); err != nil {
			return v, err
		}
		return v, json.Unmarshal(files, &v.Files)
	})
	return out, db.Unavailable(err, "read the report versions")
}

// reportTx is the transaction a report's use case runs in.
type reportTx struct {
	ctx     context.Context
	tx      pgx.Tx
	edition string
	who     domain.Reporter
}

func (t reportTx) AddFile(f domain.StoredFile) error { return addFile(t.ctx, t.tx, f) }
func (t reportTx) DeleteFile(id uuid.UUID, at time.Time) (bool, error) {
	return deleteFile(t.ctx, t.tx, id, at)
}
func (t reportTx) AddVersion(v domain.ReportVersion) (int, error) {
	return addVersion(t.ctx, t.tx, t.edition, t.who, v)
}
func (t reportTx) HoldColumns() error { return lockColumns(t.ctx, t.tx, t.edition, true) }

// UpdateReport runs fn on a report in a transaction, the report's row locked, and writes the
// report back when fn succeeds; what fn adds through tx commits with it.
func (s *Store) UpdateReport(ctx context.Context, edition string, who domain.Reporter, fn func(tx app.ReportTx, r *domain.Report) error) (*domain.Report, error) {
	var out *domain.Report
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		r, err := loadReport(ctx, tx, edition, who, true)
		if err != nil {
			return err
		}
		if err := fn(reportTx{ctx: ctx, tx: tx, edition: edition, who: who}, r); err != nil {
			return err
		}
		out = r
		return SaveReport(ctx, tx, r)
	})
	return out, db.Unavailable(err, "save the report")
}

// ReadReport returns a county's or a unit's report without locking it.
func (s *Store) ReadReport(ctx context.Context, edition string, who domain.Reporter) (*domain.Report, error) {
	var out *domain.Report
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		out, err = loadReport(ctx, tx, edition, who, false)
		return err
	})
	return out, db.Unavailable(err, "read the report")
}

// What the reports' tables refuse.
var (
	ErrEditionNotKnown = errs.Reason{Code: "REPORT_EDITION_NOT_KNOWN", Kind: errs.NotFound,
		English: "edition {id} is not known",
		Chinese: "活动周“{id}”不存在；新创建的活动周几秒钟后才能使用，请稍后重试"}
	ErrColumnsFrozen = errs.Reason{Code: "REPORT_COLUMNS_FROZEN", Kind: errs.FailedPrecondition,
		English: "a county has submitted its report already; the columns can no longer change",
		Chinese: "已有县（市、区）提交了报送，统计表的列不能再改"}
	ErrFileNotFound = errs.Reason{Code: "REPORT_FILE_NOT_FOUND", Kind: errs.NotFound,
		English: "file {id} not found",
		Chinese: "文件不存在，或你无权查看"}
)
