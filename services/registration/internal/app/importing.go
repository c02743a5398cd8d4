package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// ImportRequest is an uploaded spreadsheet of activity plans.
type ImportRequest struct {
	EditionID string
	FileName  string
	Content   []byte
	Mapping   map[string]string
	Encoding  string
	DryRun    bool
	Approve   bool // import approved activities (admins only)
}

// ImportReport says what an import found and did.
type ImportReport struct {
	Rows         int
	Errors       []domain.RowError
	ActivityIDs  []uuid.UUID
	UnitsCreated []string
	Columns      map[string]string
	// Activities counts the activities the rows hold (several rows may be one activity's
	// sessions).
	Activities int
	// Sheet and HeaderRow say where the table was found: the sheet's name and the header's
	// (last) row.
	Sheet     string
	HeaderRow int
}

// Import reads activity plans from a spreadsheet. Every row is checked; a dry run, or a run
// with any bad row, writes nothing; otherwise every row is written in one transaction.
func (s *Service) Import(ctx context.Context, p auth.Principal, req ImportRequest) (ImportReport, error) {
	if p.Is(auth.RoleViewer) {
		return ImportReport{}, ErrViewerCannotImport.New()
	}
	if req.Approve && !p.Is(auth.RoleCityAdmin, auth.RoleCountyAdmin) {
		return ImportReport{}, ErrApprovedImportAdminsOnly.New()
	}
	ed, err := s.Editions.Edition(ctx, req.EditionID)
	if err != nil {
		return ImportReport{}, err
	}
	book, err := s.Spreadsheets.Read(req.FileName, req.Content, req.Encoding)
	if err != nil {
		return ImportReport{}, err
	}
	venues := map[string]map[string]uuid.UUID{}
	look := domain.ImportLookups{Venue: func(county, name string) (uuid.UUID, bool) {
		byName, ok := venues[county]
		if !ok {
			if byName, err = s.Venues.VenuesOf(ctx, county); err != nil {
				return uuid.Nil, false
			}
			venues[county] = byName
		}
		id, ok := byName[name]
		return id, ok
	}}
	table, rows, problems := domain.ParseImport(ed, book, req.Mapping, look)
	if err != nil { // the venue registry did not answer: not the file's fault
		return ImportReport{}, err
	}
	report := ImportReport{Rows: len(table.Rows), Errors: problems, Columns: table.Named, Activities: len(rows), Sheet: table.Sheet, HeaderRow: table.HeaderRow}

	// Rows must stay within the caller's reach, and name units the import may use or create.
	units, err := s.importUnits(ctx, p, rows, &report)
	if err != nil {
		return ImportReport{}, err
	}
	slices.SortStableFunc(report.Errors, func(a, b domain.RowError) int { return a.Row - b.Row })
	if len(report.Errors) > 0 || req.DryRun {
		report.UnitsCreated = nil
		if req.DryRun {
			for _, u := range units.created {
				report.UnitsCreated = append(report.UnitsCreated, u.Name)
			}
		}
		return report, nil
	}
	now := s.Now()
	acts := make([]domain.Activity, 0, len(rows))
	evs := make([]domain.ActivityEvent, 0, 2*len(rows))
	for _, r := range rows {
		u := units.byKey[r.County.Code+"\x00"+r.UnitName]
		a, err := domain.CreateActivity(ed, domain.NewActivity{Unit: u, Details: r.Details}, p.Subject, now)
		if err != nil {
			return ImportReport{}, fmt.Errorf("row %d passed the checks but not creation: %w", r.Row, err)
		}
		a.History[0].Reason = "导入：" + req.FileName
		evs = append(evs, domain.ActivityEvent{Status: domain.StatusDraft, Activity: a, Actor: p.Subject})
		if req.Approve {
			a.Status = domain.StatusApproved
			a.History = append(a.History, domain.ReviewStep{Status: domain.StatusApproved, Actor: p.Subject, At: now, Reason: "导入时直接通过"})
			evs = append(evs, domain.ActivityEvent{Status: domain.StatusApproved, Activity: a, Actor: p.Subject})
		}
		acts = append(acts, a)
		report.ActivityIDs = append(report.ActivityIDs, a.ID)
	}
	if err := s.Activities.ImportActivities(ctx, units.created, acts, evs); err != nil {
		return ImportReport{}, err
	}
	for _, u := range units.created {
		report.UnitsCreated = append(report.UnitsCreated, u.Name)
	}
	return report, nil
}

type importUnits struct {
	byKey   map[string]domain.Unit // county + "\x00" + name
	created []domain.Unit
}

// importUnits resolves the rows' units: existing ones by county and name, new ones registered
// with the import. It adds a row error for every row out of the caller's reach.
func (s *Service) importUnits(ctx context.Context, p auth.Principal, rows []domain.ImportRow, report *ImportReport) (importUnits, error) {
	out := importUnits{byKey: map[string]domain.Unit{}}
	known := map[string]bool{}
	for _, r := range rows {
		switch {
		case p.Is(auth.RoleCityAdmin):
		case p.Is(auth.RoleCountyAdmin) && r.County.Code != p.CountyCode:
			report.Errors = append(report.Errors, sheet.At(r.Row, "县（市、区）", ErrImportOwnCountyOnly.New("county", p.CountyCode)))
			continue
		case p.Is(auth.RoleOrganizer):
			own, err := s.GetUnit(ctx, p, uuid.MustParse(orNil(p.UnitID)))
			if err != nil || r.UnitName != own.Name || r.County.Code != own.CountyCode {
				report.Errors = append(report.Errors, sheet.At(r.Row, "主办单位", ErrImportOwnUnitOnly.New()))
				continue
			}
		}
		key := r.County.Code + "\x00" + r.UnitName
		if known[key] {
			continue
		}
		known[key] = true
		existing, err := s.Units.Units(ctx, r.County.Code, 0, 10000)
		if err != nil {
			return importUnits{}, err
		}
		found := false
		for _, u := range existing {
			if u.Name == r.UnitName {
				out.byKey[key], found = u, true
			}
		}
		if !found {
			u, err := domain.NewUnit(r.UnitName, r.County.Code, r.UnitKind, s.Now())
			if err != nil {
				report.Errors = append(report.Errors, sheet.At(r.Row, "主办单位", err))
				continue
			}
			out.byKey[key] = u
			out.created = append(out.created, u)
		}
	}
	return out, nil
}

func orNil(id string) string {
	if _, err := uuid.Parse(id); err != nil {
		return uuid.Nil.String()
	}
	return id
}

// ImportTemplate returns the import template of an edition.
func (s *Service) ImportTemplate(ctx context.Context, edition string) ([]byte, string, error) {
	ed, err := s.Editions.Edition(ctx, edition)
	if err != nil {
		return nil, "", err
	}
	b, err := s.Spreadsheets.Template(ed)
	return b, fmt.Sprintf("%s活动计划导入模板.xlsx", ed.Name), err
}
