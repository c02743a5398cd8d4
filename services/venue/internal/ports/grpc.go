// Package ports exposes the venue use cases over gRPC and takes in the check-in service's
// TerminalSeen events.
package ports

import (
	"context"

	"github.com/sciweek/sciweek/pkg/auth"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/venue/internal/app"
	"github.com/sciweek/sciweek/services/venue/internal/convert"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

// Policy says which roles may call each venue RPC; the use cases then check the county.
func Policy() auth.Policy {
	admins := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin}
	readers := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin, auth.RoleOrganizer, auth.RoleViewer}
	return auth.Policy{
		Public: []string{venuev1.TerminalService_ActivateTerminal_FullMethodName},
		Roles: map[string][]auth.Role{
			venuev1.VenueService_CreateVenue_FullMethodName:                 admins,
			venuev1.VenueService_UpdateVenue_FullMethodName:                 admins,
			venuev1.VenueService_GetVenue_FullMethodName:                    readers,
			venuev1.VenueService_ListVenues_FullMethodName:                  readers,
			venuev1.VenueService_AttachSafetyPlan_FullMethodName:            admins,
			venuev1.VenueService_GetSafetyPlan_FullMethodName:               admins,
			venuev1.VenueService_ImportVenues_FullMethodName:                admins,
			venuev1.VenueService_GetVenueImportTemplate_FullMethodName:      admins,
			venuev1.TerminalService_ProvisionTerminal_FullMethodName:        admins,
			venuev1.TerminalService_RevokeTerminal_FullMethodName:           admins,
			venuev1.TerminalService_ResetTerminalSetup_FullMethodName:       admins,
			venuev1.TerminalService_ListTerminals_FullMethodName:            admins,
			venuev1.TerminalService_RotateTerminalCredential_FullMethodName: {auth.RoleTerminal},
		},
		// Reads change nothing and hand out no file: the audit trail leaves them out (a safety
		// plan's download stays audited).
		Reads: []string{
			venuev1.VenueService_GetVenue_FullMethodName,
			venuev1.VenueService_ListVenues_FullMethodName,
			venuev1.VenueService_GetVenueImportTemplate_FullMethodName,
			venuev1.TerminalService_ListTerminals_FullMethodName,
		},
	}
}

// GRPC implements VenueService and TerminalService.
type GRPC struct {
	venuev1.UnimplementedVenueServiceServer
	venuev1.UnimplementedTerminalServiceServer
	app *app.Service
}

// NewGRPC returns the gRPC port over the use cases.
func NewGRPC(a *app.Service) *GRPC { return &GRPC{app: a} }

// CreateVenue registers a venue.
func (g *GRPC) CreateVenue(ctx context.Context, req *venuev1.CreateVenueRequest) (*venuev1.CreateVenueResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	v, err := g.app.CreateVenue(ctx, p, convert.DetailsFromProto(req.GetDetails()))
	if err != nil {
		return nil, err
	}
	return &venuev1.CreateVenueResponse{Venue: convert.VenueToProto(v)}, nil
}

// UpdateVenue changes a venue.
func (g *GRPC) UpdateVenue(ctx context.Context, req *venuev1.UpdateVenueRequest) (*venuev1.UpdateVenueResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	v, err := g.app.UpdateVenue(ctx, p, id, convert.DetailsFromProto(req.GetDetails()))
	if err != nil {
		return nil, err
	}
	return &venuev1.UpdateVenueResponse{Venue: convert.VenueToProto(v)}, nil
}

// GetVenue returns a venue.
func (g *GRPC) GetVenue(ctx context.Context, req *venuev1.GetVenueRequest) (*venuev1.GetVenueResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	v, err := g.app.Venue(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &venuev1.GetVenueResponse{Venue: convert.VenueToProto(v)}, nil
}

// ListVenues lists venues.
func (g *GRPC) ListVenues(ctx context.Context, req *venuev1.ListVenuesRequest) (*venuev1.ListVenuesResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	vs, next, err := rpc.ListPage(req.GetPageSize(), req.GetPageToken(), func(offset, limit int) ([]domain.Venue, error) {
		return g.app.Venues(ctx, p, req.GetCountyCode(), req.GetQuery(), offset, limit)
	}, convert.VenueToProto)
	if err != nil {
		return nil, err
	}
	return &venuev1.ListVenuesResponse{Venues: vs, NextPageToken: next}, nil
}

// AttachSafetyPlan stores a venue's plan.
func (g *GRPC) AttachSafetyPlan(ctx context.Context, req *venuev1.AttachSafetyPlanRequest) (*venuev1.AttachSafetyPlanResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	v, err := g.app.AttachSafetyPlan(ctx, p, id, req.GetFileName(), req.GetContent())
	if err != nil {
		return nil, err
	}
	return &venuev1.AttachSafetyPlanResponse{Venue: convert.VenueToProto(v)}, nil
}

// GetSafetyPlan returns a venue's plan.
func (g *GRPC) GetSafetyPlan(ctx context.Context, req *venuev1.GetSafetyPlanRequest) (*venuev1.GetSafetyPlanResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	f, err := g.app.SafetyPlan(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &venuev1.GetSafetyPlanResponse{File: &venuev1.File{Name: f.Name, ContentType: f.ContentType, Content: f.Content}}, nil
}

// ImportVenues imports venues from a spreadsheet.
func (g *GRPC) ImportVenues(ctx context.Context, req *venuev1.ImportVenuesRequest) (*venuev1.ImportVenuesResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := g.app.ImportVenues(ctx, p, app.ImportRequest{FileName: req.GetFileName(), Content: req.GetContent(), Mapping: req.GetHeaderMapping(),
		Encoding: req.GetEncoding(), DryRun: req.GetDryRun()})
	if err != nil {
		return nil, err
	}
	out := &venuev1.ImportVenuesResponse{Rows: int32(rep.Rows), Columns: rep.Columns, Sheet: rep.Sheet, HeaderRow: int32(rep.HeaderRow)}
	for _, e := range rep.Errors {
		out.Errors = append(out.Errors, convert.RowError(e))
	}
	for _, id := range rep.VenueIDs {
		out.VenueIds = append(out.VenueIds, id.String())
	}
	return out, nil
}

// GetVenueImportTemplate returns the venue template.
func (g *GRPC) GetVenueImportTemplate(ctx context.Context, _ *venuev1.GetVenueImportTemplateRequest) (*venuev1.GetVenueImportTemplateResponse, error) {
	b, err := g.app.ImportTemplate(ctx)
	if err != nil {
		return nil, err
	}
	return &venuev1.GetVenueImportTemplateResponse{File: &venuev1.File{Name: "场馆登记导入模板.xlsx",
		ContentType: sheet.XLSXContentType, Content: b}}, nil
}

// ProvisionTerminal registers a terminal and returns its setup code.
func (g *GRPC) ProvisionTerminal(ctx context.Context, req *venuev1.ProvisionTerminalRequest) (*venuev1.ProvisionTerminalResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	t, code, err := g.app.ProvisionTerminal(ctx, p, id, req.GetName())
	if err != nil {
		return nil, err
	}
	return &venuev1.ProvisionTerminalResponse{Terminal: convert.TerminalToProto(t), SetupCode: code}, nil
}

// ActivateTerminal exchanges a setup code for the credential.
func (g *GRPC) ActivateTerminal(ctx context.Context, req *venuev1.ActivateTerminalRequest) (*venuev1.ActivateTerminalResponse, error) {
	t, cred, err := g.app.ActivateTerminal(ctx, req.GetSetupCode(), rpc.ClientAddress(ctx))
	if err != nil {
		return nil, err
	}
	return &venuev1.ActivateTerminalResponse{Terminal: convert.TerminalToProto(t), Credential: cred}, nil
}

// RotateTerminalCredential replaces the calling terminal's credential.
func (g *GRPC) RotateTerminalCredential(ctx context.Context, _ *venuev1.RotateTerminalCredentialRequest) (*venuev1.RotateTerminalCredentialResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	cred, err := g.app.RotateCredential(ctx, p)
	if err != nil {
		return nil, err
	}
	return &venuev1.RotateTerminalCredentialResponse{Credential: cred}, nil
}

// ResetTerminalSetup gives a terminal a new setup code.
func (g *GRPC) ResetTerminalSetup(ctx context.Context, req *venuev1.ResetTerminalSetupRequest) (*venuev1.ResetTerminalSetupResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetTerminalId(), "terminal_id")
	if err != nil {
		return nil, err
	}
	t, code, err := g.app.ResetTerminalSetup(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &venuev1.ResetTerminalSetupResponse{Terminal: convert.TerminalToProto(t), SetupCode: code}, nil
}

// RevokeTerminal withdraws a terminal's credential.
func (g *GRPC) RevokeTerminal(ctx context.Context, req *venuev1.RevokeTerminalRequest) (*venuev1.RevokeTerminalResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetTerminalId(), "terminal_id")
	if err != nil {
		return nil, err
	}
	t, err := g.app.RevokeTerminal(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &venuev1.RevokeTerminalResponse{Terminal: convert.TerminalToProto(t)}, nil
}

// ListTerminals lists a venue's terminals.
func (g *GRPC) ListTerminals(ctx context.Context, req *venuev1.ListTerminalsRequest) (*venuev1.ListTerminalsResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	ts, err := g.app.Terminals(ctx, p, id)
	if err != nil {
		return nil, err
	}
	out := &venuev1.ListTerminalsResponse{}
	for _, t := range ts {
		out.Terminals = append(out.Terminals, convert.TerminalToProto(t))
	}
	return out, nil
}
