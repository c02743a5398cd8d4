// Package ports exposes registration's use cases over gRPC.
package ports

import (
	"context"
	"crypto/ed25519"

	"github.com/google/uuid"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/registration/internal/adapters"
	"github.com/sciweek/sciweek/services/registration/internal/app"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// Policy says which roles may call each registration RPC; the use cases then check the county.
func Policy() auth.Policy {
	people := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin, auth.RoleOrganizer, auth.RoleViewer}
	writers := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin, auth.RoleOrganizer}
	admins := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin}
	return auth.Policy{
		Public: []string{
			registrationv1.AccountService_Login_FullMethodName,
			registrationv1.AccountService_GetTokenKeys_FullMethodName,
		},
		Roles: map[string][]auth.Role{
			registrationv1.ActivityService_CreateActivity_FullMethodName:  writers,
			registrationv1.ActivityService_SubmitActivity_FullMethodName:  writers,
			registrationv1.ActivityService_ApproveActivity_FullMethodName: admins,
			registrationv1.ActivityService_ReturnActivity_FullMethodName:  admins,
			registrationv1.ActivityService_GetActivity_FullMethodName:     people,
			registrationv1.ActivityService_ListActivities_FullMethodName:  people,
			registrationv1.EditionService_GetEdition_FullMethodName:       people,
		},
	}
}

// GRPC implements ActivityService, EditionService and AccountService.
type GRPC struct {
	registrationv1.UnimplementedActivityServiceServer
	registrationv1.UnimplementedEditionServiceServer
	registrationv1.UnimplementedAccountServiceServer
	app       *app.Service
	publicKey ed25519.PublicKey
}

// NewGRPC returns the gRPC port; publicKey verifies the tokens the app issues.
func NewGRPC(a *app.Service, publicKey ed25519.PublicKey) *GRPC {
	return &GRPC{app: a, publicKey: publicKey}
}

// CreateActivity registers a draft activity.
func (g *GRPC) CreateActivity(ctx context.Context, req *registrationv1.CreateActivityRequest) (*registrationv1.CreateActivityResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	venueID, err := rpc.ParseUUID(req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	in := domain.NewActivity{
		CountyCode: req.GetCountyCode(), VenueID: venueID, Title: req.GetTitle(), Organizer: req.GetOrganizer(),
		Form: adapters.FormFromProto(req.GetForm()),
	}
	for _, s := range req.GetSessions() {
		in.Sessions = append(in.Sessions, domain.Session{StartsAt: s.GetStartsAt().AsTime(), EndsAt: s.GetEndsAt().AsTime(), Places: int(s.GetPlaces())})
	}
	a, err := g.app.CreateActivity(ctx, p, req.GetEditionId(), in)
	if err != nil {
		return nil, err
	}
	return &registrationv1.CreateActivityResponse{Activity: adapters.ActivityToProto(a)}, nil
}

// transition runs one review step on the activity named by id.
func (g *GRPC) transition(ctx context.Context, id string, step func(context.Context, auth.Principal, uuid.UUID) (domain.Activity, error)) (*registrationv1.Activity, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	aid, err := rpc.ParseUUID(id, "activity_id")
	if err != nil {
		return nil, err
	}
	a, err := step(ctx, p, aid)
	if err != nil {
		return nil, err
	}
	return adapters.ActivityToProto(a), nil
}

// SubmitActivity sends an activity to review.
func (g *GRPC) SubmitActivity(ctx context.Context, req *registrationv1.SubmitActivityRequest) (*registrationv1.SubmitActivityResponse, error) {
	a, err := g.transition(ctx, req.GetActivityId(), func(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Activity, error) {
		return g.app.SubmitActivity(ctx, p, id)
	})
	if err != nil {
		return nil, err
	}
	return &registrationv1.SubmitActivityResponse{Activity: a}, nil
}

// ApproveActivity approves a submitted activity.
func (g *GRPC) ApproveActivity(ctx context.Context, req *registrationv1.ApproveActivityRequest) (*registrationv1.ApproveActivityResponse, error) {
	a, err := g.transition(ctx, req.GetActivityId(), func(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Activity, error) {
		return g.app.ApproveActivity(ctx, p, id)
	})
	if err != nil {
		return nil, err
	}
	return &registrationv1.ApproveActivityResponse{Activity: a}, nil
}

// ReturnActivity returns a submitted activity with a reason.
func (g *GRPC) ReturnActivity(ctx context.Context, req *registrationv1.ReturnActivityRequest) (*registrationv1.ReturnActivityResponse, error) {
	a, err := g.transition(ctx, req.GetActivityId(), func(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Activity, error) {
		return g.app.ReturnActivity(ctx, p, id, req.GetReason())
	})
	if err != nil {
		return nil, err
	}
	return &registrationv1.ReturnActivityResponse{Activity: a}, nil
}

// GetActivity returns an activity with its history.
func (g *GRPC) GetActivity(ctx context.Context, req *registrationv1.GetActivityRequest) (*registrationv1.GetActivityResponse, error) {
	a, err := g.transition(ctx, req.GetActivityId(), func(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Activity, error) {
		return g.app.GetActivity(ctx, p, id)
	})
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
	offset, limit, err := rpc.Page(req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	list, err := g.app.ListActivities(ctx, p, app.ActivityFilter{
		EditionID: req.GetEditionId(), CountyCode: req.GetCountyCode(), Status: adapters.StatusFromProto(req.GetStatus()),
	}, offset, limit)
	if err != nil {
		return nil, err
	}
	out := &registrationv1.ListActivitiesResponse{NextPageToken: rpc.NextPageToken(offset, limit, len(list))}
	for _, a := range list {
		out.Activities = append(out.Activities, adapters.ActivityToProto(a))
	}
	return out, nil
}

// GetEdition returns an edition.
func (g *GRPC) GetEdition(ctx context.Context, req *registrationv1.GetEditionRequest) (*registrationv1.GetEditionResponse, error) {
	e, err := g.app.Edition(ctx, req.GetEditionId())
	if err != nil {
		return nil, err
	}
	out := &registrationv1.Edition{
		Id: e.ID, Name: e.Name, Theme: e.Theme, StartsOn: e.StartsOn.Format("2006-01-02"), EndsOn: e.EndsOn.Format("2006-01-02"),
		ReportDeadline: e.ReportDeadline.Format("2006-01-02"), MaxVideoSeconds: uint32(e.MaxVideoSeconds), TimeZone: e.Location.String(),
	}
	for _, c := range e.Counties {
		out.Counties = append(out.Counties, &registrationv1.County{Code: c.Code, Name: c.Name})
	}
	return &registrationv1.GetEditionResponse{Edition: out}, nil
}

// Login signs a person in.
func (g *GRPC) Login(ctx context.Context, req *registrationv1.LoginRequest) (*registrationv1.LoginResponse, error) {
	tok, exp, acc, err := g.app.Login(ctx, req.GetUsername(), req.GetPassword())
	if err != nil {
		return nil, err
	}
	return &registrationv1.LoginResponse{
		AccessToken: tok, ExpiresAt: timestamppb.New(exp), Role: string(acc.Role), CountyCode: acc.CountyCode, DisplayName: acc.DisplayName,
	}, nil
}

// GetTokenKeys returns the public key that verifies access tokens.
func (g *GRPC) GetTokenKeys(context.Context, *registrationv1.GetTokenKeysRequest) (*registrationv1.GetTokenKeysResponse, error) {
	if len(g.publicKey) != ed25519.PublicKeySize {
		return nil, errs.E(errs.Internal, "token key not loaded")
	}
	return &registrationv1.GetTokenKeysResponse{Ed25519PublicKeys: [][]byte{g.publicKey}}, nil
}
