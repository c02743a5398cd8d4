package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

// Sheets reads spreadsheets and writes the venue template.
type Sheets interface {
	// Read returns every sheet of an XLSX, .xls or CSV file.
	Read(fileName string, content []byte, encoding string) (sheet.Book, error)
	// Template returns the venue import template.
	Template(counties map[string]string) ([]byte, error)
}

// ImportRequest is an uploaded spreadsheet of venues.
type ImportRequest struct {
	FileName string
	Content  []byte
	Mapping  map[string]string
	Encoding string
	DryRun   bool
}

// ImportReport says what an import found and did.
type ImportReport struct {
	Rows     int
	Errors   []sheet.Problem
	VenueIDs []uuid.UUID
	Columns  map[string]string
	// Sheet and HeaderRow say where the table was found.
	Sheet     string
	HeaderRow int
}

// ImportVenues reads venues from a spreadsheet. Every row is checked; a dry run, or a run with
// any bad row, writes nothing; otherwise every row is written in one transaction.
func (s *Service) ImportVenues(ctx context.Context, p auth.Principal, req ImportRequest) (ImportReport, error) {
	if !p.Is(auth.RoleCityAdmin, auth.RoleCountyAdmin) {
		return ImportReport{}, ErrImportAdminsOnly.New()
	}
	book, err := s.sheets.Read(req.FileName, req.Content, req.Encoding)
	if err != nil {
		return ImportReport{}, err
	}
	counties := map[string]string{}
	if s.counties != nil {
		if counties, err = s.counties(ctx); err != nil {
			return ImportReport{}, err
		}
	}
	names := map[string]map[string]bool{}
	var lookupErr error
	taken := func(county, name string) bool {
		if _, ok := names[county]; !ok {
			vs, err := s.repo.Venues(ctx, county, "", 0, 100000)
			if err != nil {
				lookupErr = err
			}
			names[county] = map[string]bool{}
			for _, v := range vs {
				names[county][v.Name] = true
			}
		}
		return names[county][name]
	}
	table, details, rowNums, problems := domain.ParseVenues(book, req.Mapping, counties, taken)
	if lookupErr != nil {
		return ImportReport{}, lookupErr
	}
	report := ImportReport{Rows: len(table.Rows), Errors: problems, Columns: table.Named, Sheet: table.Sheet, HeaderRow: table.HeaderRow}
	now := s.now()
	venues := make([]domain.Venue, 0, len(details))
	for i, d := range details {
		if !p.CanAdministerCounty(d.CountyCode) {
			report.Errors = append(report.Errors, sheet.At(rowNums[i], "县（市、区）", ErrImportOwnCountyOnly.New("county", p.CountyCode)))
			continue
		}
		v, err := domain.NewVenue(d, now)
		if err != nil {
			return ImportReport{}, err
		}
		venues = append(venues, v)
	}
	if len(report.Errors) > 0 || req.DryRun {
		return report, nil
	}
	if err := s.repo.CreateVenues(ctx, venues, p.Subject); err != nil {
		return ImportReport{}, err
	}
	for _, v := range venues {
		report.VenueIDs = append(report.VenueIDs, v.ID)
	}
	return report, nil
}

// ImportTemplate returns the venue import template.
func (s *Service) ImportTemplate(ctx context.Context) ([]byte, error) {
	counties := map[string]string{}
	if s.counties != nil {
		var err error
		if counties, err = s.counties(ctx); err != nil {
			return nil, err
		}
	}
	return s.sheets.Template(counties)
}
