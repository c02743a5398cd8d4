// Package ports exposes the venue use cases over gRPC.
package ports

import (
	"context"

	"github.com/sciweek/sciweek/pkg/auth"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/venue/internal/adapters"
	"github.com/sciweek/sciweek/services/venue/internal/app"
)

// Policy says which roles may call each venue RPC; the use cases then check the county.
func Policy() auth.Policy {
	admins := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin}
	readers := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin, auth.RoleOrganizer, auth.RoleViewer}
	return auth.Policy{Roles: map[string][]auth.Role{
		venuev1.VenueService_CreateVenue_FullMethodName:          admins,
		venuev1.VenueService_GetVenue_FullMethodName:             readers,
		venuev1.VenueService_ListVenues_FullMethodName:           readers,
		venuev1.TerminalService_ProvisionTerminal_FullMethodName: admins,
		venuev1.TerminalService_RevokeTerminal_FullMethodName:    admins,
		venuev1.TerminalService_ListTerminals_FullMethodName:     admins,
	}}
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
	v, err := g.app.CreateVenue(ctx, p, app.NewVenue{
		Name: req.GetName(), Kind: adapters.KindFromProto(req.GetKind()), CountyCode: req.GetCountyCode(),
		Address: req.GetAddress(), SafeCapacity: int(req.GetSafeCapacity()),
	})
	if err != nil {
		return nil, err
	}
	return &venuev1.CreateVenueResponse{Venue: adapters.VenueToProto(v)}, nil
}

// GetVenue returns a venue.
func (g *GRPC) GetVenue(ctx context.Context, req *venuev1.GetVenueRequest) (*venuev1.GetVenueResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	id, err := rpc.ParseUUID(req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	v, err := g.app.Venue(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &venuev1.GetVenueResponse{Venue: adapters.VenueToProto(v)}, nil
}

// ListVenues lists venues.
func (g *GRPC) ListVenues(ctx context.Context, req *venuev1.ListVenuesRequest) (*venuev1.ListVenuesResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	offset, limit, err := rpc.Page(req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	vs, err := g.app.Venues(ctx, p, req.GetCountyCode(), offset, limit)
	if err != nil {
		return nil, err
	}
	out := &venuev1.ListVenuesResponse{NextPageToken: rpc.NextPageToken(offset, limit, len(vs))}
	for _, v := range vs {
		out.Venues = append(out.Venues, adapters.VenueToProto(v))
	}
	return out, nil
}

// ProvisionTerminal registers a terminal and returns its credential once.
func (g *GRPC) ProvisionTerminal(ctx context.Context, req *venuev1.ProvisionTerminalRequest) (*venuev1.ProvisionTerminalResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	id, err := rpc.ParseUUID(req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	t, cred, err := g.app.ProvisionTerminal(ctx, p, id, req.GetName())
	if err != nil {
		return nil, err
	}
	return &venuev1.ProvisionTerminalResponse{Terminal: adapters.TerminalToProto(t), Credential: cred}, nil
}

// RevokeTerminal withdraws a terminal's credential.
func (g *GRPC) RevokeTerminal(ctx context.Context, req *venuev1.RevokeTerminalRequest) (*venuev1.RevokeTerminalResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	id, err := rpc.ParseUUID(req.GetTerminalId(), "terminal_id")
	if err != nil {
		return nil, err
	}
	t, err := g.app.RevokeTerminal(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &venuev1.RevokeTerminalResponse{Terminal: adapters.TerminalToProto(t)}, nil
}

// ListTerminals lists a venue's terminals.
func (g *GRPC) ListTerminals(ctx context.Context, req *venuev1.ListTerminalsRequest) (*venuev1.ListTerminalsResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	id, err := rpc.ParseUUID(req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	ts, err := g.app.Terminals(ctx, p, id)
	if err != nil {
		return nil, err
	}
	out := &venuev1.ListTerminalsResponse{}
	for _, t := range ts {
		out.Terminals = append(out.Terminals, adapters.TerminalToProto(t))
	}
	return out, nil
}
