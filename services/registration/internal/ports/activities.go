package ports

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/registration/internal/app"
	"github.com/sciweek/sciweek/services/registration/internal/convert"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// GRPC implements the registration services.
type GRPC struct {
	registrationv1.UnimplementedActivityServiceServer
	registrationv1.UnimplementedEditionServiceServer
	registrationv1.UnimplementedAccountServiceServer
	registrationv1.UnimplementedUnitServiceServer
	registrationv1.UnimplementedFeaturedServiceServer
	registrationv1.UnimplementedSignupServiceServer
	app       *app.Service
	publicKey []byte
}

// NewGRPC returns the gRPC port; publicKey verifies the access tokens the app issues.
func NewGRPC(a *app.Service, publicKey []byte) *GRPC { return &GRPC{app: a, publicKey: publicKey} }

func optionalUUID(s, field string) (uuid.UUID, error) {
	if s == "" {
		return uuid.Nil, nil
	}
	return rpc.ParseUUID(s, field)
}

// detailsFromProto converts the details an organizer wrote.
func detailsFromProto(d *registrationv1.ActivityDetails) (domain.Details, error) {
	venue, err := optionalUUID(d.GetVenueId(), "venue_id")
	if err != nil {
		return domain.Details{}, err
	}
	out := domain.Details{
		Title: d.GetTitle(), Form: convert.FormFromProto(d.GetForm()), VenueID: venue, RequiresSignup: d.GetRequiresSignup(),
		OnlineURL: d.GetOnlineUrl(), MajorDemonstration: d.GetMajorDemonstration(), WorkersDayJoint: d.GetWorkersDayJoint(), Description: d.GetDescription(),
		Theme: convert.ThemeFromProto(d.GetTheme()),
	}
	if p := d.GetSafetyPlan(); p != nil {
		out.SafetyPlan = domain.SafetyPlan{Person: p.GetPerson(), Phone: p.GetPhone(), CapacityControl: p.GetCapacityControl(),
			EvacuationRoute: p.GetEvacuationRoute(), MedicalPoint: p.GetMedicalPoint(), EmergencyPlan: p.GetEmergencyPlan()}
	}
	for _, g := range d.GetTargetGroups() {
		out.TargetGroups = append(out.TargetGroups, convert.GroupFromProto(g))
	}
	for i, s := range d.GetSessions() {
		id, err := optionalUUID(s.GetId(), fmt.Sprintf("details.sessions[%d].id", i))
		if err != nil {
			return domain.Details{}, err
		}
		out.Sessions = append(out.Sessions, domain.Session{ID: id, StartsAt: s.GetStartsAt().AsTime(), EndsAt: s.GetEndsAt().AsTime(), Places: int(s.GetPlaces())})
	}
	return out, nil
}

// CreateActivity registers a draft activity.
func (g *GRPC) CreateActivity(ctx context.Context, req *registrationv1.CreateActivityRequest) (*registrationv1.CreateActivityResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	unit, err := optionalUUID(req.GetUnitId(), "unit_id")
	if err != nil {
		return nil, err
	}
	d, err := detailsFromProto(req.GetDetails())
	if err != nil {
		return nil, err
	}
	a, err := g.app.CreateActivity(ctx, p, req.GetEditionId(), unit, d)
	if err != nil {
		return nil, err
	}
	return &registrationv1.CreateActivityResponse{Activity: convert.ActivityToProto(a)}, nil
}

// UpdateActivity changes a draft.
func (g *GRPC) UpdateActivity(ctx context.Context, req *registrationv1.UpdateActivityRequest) (*registrationv1.UpdateActivityResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetActivityId(), "activity_id")
	if err != nil {
		return nil, err
	}
	d, err := detailsFromProto(req.GetDetails())
	if err != nil {
		return nil, err
	}
	a, err := g.app.UpdateActivity(ctx, p, id, d)
	if err != nil {
		return nil, err
	}
	return &registrationv1.UpdateActivityResponse{Activity: convert.ActivityToProto(a)}, nil
}

// step parses the request's activity id and runs one review step on it.
func step(ctx context.Context, raw string, run func(context.Context, uuid.UUID) (domain.Activity, error)) (*registrationv1.Activity, error) {
	id, err := rpc.ParseUUID(raw, "activity_id")
	if err != nil {
		return nil, err
	}
	a, err := run(ctx, id)
	if err != nil {
		return nil, err
	}
	return convert.ActivityToProto(a), nil
}

// SubmitActivity sends an activity to review.
func (g *GRPC) SubmitActivity(ctx context.Context, req *registrationv1.SubmitActivityRequest) (*registrationv1.SubmitActivityResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	a, err := step(ctx, req.GetActivityId(), func(ctx context.Context, id uuid.UUID) (domain.Activity, error) {
		return g.app.SubmitActivity(ctx, p, id)
	})
	if err != nil {
		return nil, err
	}
	return &registrationv1.SubmitActivityResponse{Activity: a}, nil
}

// ApproveActivity approves a submitted activity.
func (g *GRPC) ApproveActivity(ctx context.Context, req *registrationv1.ApproveActivityRequest) (*registrationv1.ApproveActivityResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	a, err := step(ctx, req.GetActivityId(), func(ctx context.Context, id uuid.UUID) (domain.Activity, error) {
		return g.app.ApproveActivity(ctx, p, id)
	})
	if err != nil {
		return nil, err
	}
	return &registrationv1.ApproveActivityResponse{Activity: a}, nil
}

// ReturnActivity returns a submitted activity with a reason.
func (g *GRPC) ReturnActivity(ctx context.Context, req *registrationv1.ReturnActivityRequest) (*registrationv1.ReturnActivityResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	a, err := step(ctx, req.GetActivityId(), func(ctx context.Context, id uuid.UUID) (domain.Activity, error) {
		return g.app.ReturnActivity(ctx, p, id, req.GetReason())
	})
	if err != nil {
		return nil, err
	}
	return &registrationv1.ReturnActivityResponse{Activity: a}, nil
}

// CancelActivity calls an activity off.
func (g *GRPC) CancelActivity(ctx context.Context, req *registrationv1.CancelActivityRequest) (*registrationv1.CancelActivityResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	revoked := 0
	a, err := step(ctx, req.GetActivityId(), func(ctx context.Context, id uuid.UUID) (domain.Activity, error) {
		a, n, err := g.app.CancelActivity(ctx, p, id, req.GetReason())
		revoked = n
		return a, err
	})
	if err != nil {
		return nil, err
	}
	return &registrationv1.CancelActivityResponse{Activity: a, RevokedTickets: uint32(revoked)}, nil
}

// GetActivity returns an activity with its history.
func (g *GRPC) GetActivity(ctx context.Context, req *registrationv1.GetActivityRequest) (*registrationv1.GetActivityResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	a, err := step(ctx, req.GetActivityId(), func(ctx context.Context, id uuid.UUID) (domain.Activity, error) { return g.app.GetActivity(ctx, p, id) })
	if err != nil {
		return nil, err
	}
	return &registrationv1.GetActivityResponse{Activity: a}, nil
}

// ListActivities lists activities.
func (g *GRPC) ListActivities(ctx context.Context, req *registrationv1.ListActivitiesRequest) (*registrationv1.ListActivitiesResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	list, next, err := rpc.ListPage(req.GetPageSize(), req.GetPageToken(), func(offset, limit int) ([]domain.Activity, error) {
		unit, err := optionalUUID(req.GetUnitId(), "unit_id")
		if err != nil {
			return nil, err
		}
		return g.app.ListActivities(ctx, p, app.ActivityFilter{
			EditionID: req.GetEditionId(), CountyCode: req.GetCountyCode(), UnitID: unit, Status: convert.StatusFromProto(req.GetStatus()),
			Form: convert.FormFromProto(req.GetForm()), Query: req.GetQuery(), Theme: convert.ThemeFromProto(req.GetTheme()),
		}, offset, limit)
	}, convert.ActivityToProto)
	if err != nil {
		return nil, err
	}
	return &registrationv1.ListActivitiesResponse{Activities: list, NextPageToken: next}, nil
}

// ImportActivities imports activity plans from a spreadsheet.
func (g *GRPC) ImportActivities(ctx context.Context, req *registrationv1.ImportActivitiesRequest) (*registrationv1.ImportActivitiesResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := g.app.Import(ctx, p, app.ImportRequest{
		EditionID: req.GetEditionId(), FileName: req.GetFileName(), Content: req.GetContent(), Mapping: req.GetHeaderMapping(),
		Encoding: req.GetEncoding(), DryRun: req.GetDryRun(), Approve: req.GetTarget() == registrationv1.ImportTarget_IMPORT_TARGET_APPROVED,
	})
	if err != nil {
		return nil, err
	}
	out := &registrationv1.ImportActivitiesResponse{Rows: int32(rep.Rows), UnitsCreated: rep.UnitsCreated, Columns: rep.Columns,
		Sheet: rep.Sheet, HeaderRow: int32(rep.HeaderRow), Activities: int32(rep.Activities)}
	for _, e := range rep.Errors {
		out.Errors = append(out.Errors, convert.RowError(e))
	}
	for _, id := range rep.ActivityIDs {
		out.ActivityIds = append(out.ActivityIds, id.String())
	}
	return out, nil
}

const xlsx = sheet.XLSXContentType

// GetImportTemplate returns the import template.
func (g *GRPC) GetImportTemplate(ctx context.Context, req *registrationv1.GetImportTemplateRequest) (*registrationv1.GetImportTemplateResponse, error) {
	b, name, err := g.app.ImportTemplate(ctx, req.GetEditionId())
	if err != nil {
		return nil, err
	}
	return &registrationv1.GetImportTemplateResponse{File: &registrationv1.File{Name: name, ContentType: xlsx, Content: b}}, nil
}
