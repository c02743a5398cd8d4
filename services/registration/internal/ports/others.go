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
	"github.com/sciweek/sciweek/services/registration/internal/convert"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

func (g *GRPC) editionToProto(ctx context.Context, e domain.Edition) (*registrationv1.Edition, error) {
	key, err := g.app.TicketKey(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	return convert.EditionToProto(e, key), nil
}

func editionInput(e *registrationv1.Edition) domain.EditionInput {
	in := domain.EditionInput{ID: e.GetId(), Name: e.GetName(), Theme: e.GetTheme(), StartsOn: e.GetStartsOn(), EndsOn: e.GetEndsOn(),
		ReportDeadline: e.GetReportDeadline(), TimeZone: e.GetTimeZone(), MaxVideoSeconds: int(e.GetMaxVideoSeconds())}
	for _, c := range e.GetCounties() {
		in.Counties = append(in.Counties, domain.County{Code: c.GetCode(), Name: c.GetName()})
	}
	for _, f := range e.GetForms() {
		in.Forms = append(in.Forms, convert.FormFromProto(f))
	}
	return in
}

// GetEdition returns an edition.
func (g *GRPC) GetEdition(ctx context.Context, req *registrationv1.GetEditionRequest) (*registrationv1.GetEditionResponse, error) {
	e, err := g.app.Edition(ctx, req.GetEditionId())
	if err != nil {
		return nil, err
	}
	out, err := g.editionToProto(ctx, e)
	return &registrationv1.GetEditionResponse{Edition: out}, err
}

// ListEditions lists the editions.
func (g *GRPC) ListEditions(ctx context.Context, _ *registrationv1.ListEditionsRequest) (*registrationv1.ListEditionsResponse, error) {
	list, err := g.app.ListEditions(ctx)
	if err != nil {
		return nil, err
	}
	out := &registrationv1.ListEditionsResponse{}
	for _, e := range list {
		pe, err := g.editionToProto(ctx, e)
		if err != nil {
			return nil, err
		}
		out.Editions = append(out.Editions, pe)
	}
	return out, nil
}

// CreateEdition opens an edition.
func (g *GRPC) CreateEdition(ctx context.Context, req *registrationv1.CreateEditionRequest) (*registrationv1.CreateEditionResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	e, err := g.app.CreateEdition(ctx, p, editionInput(req.GetEdition()))
	if err != nil {
		return nil, err
	}
	out, err := g.editionToProto(ctx, e)
	return &registrationv1.CreateEditionResponse{Edition: out}, err
}

// UpdateEdition changes an edition.
func (g *GRPC) UpdateEdition(ctx context.Context, req *registrationv1.UpdateEditionRequest) (*registrationv1.UpdateEditionResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	e, err := g.app.UpdateEdition(ctx, p, editionInput(req.GetEdition()))
	if err != nil {
		return nil, err
	}
	out, err := g.editionToProto(ctx, e)
	return &registrationv1.UpdateEditionResponse{Edition: out}, err
}

// CreateUnit registers a unit.
func (g *GRPC) CreateUnit(ctx context.Context, req *registrationv1.CreateUnitRequest) (*registrationv1.CreateUnitResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	u, err := g.app.CreateUnit(ctx, p, req.GetName(), req.GetCountyCode(), convert.UnitKindFromProto(req.GetKind()))
	if err != nil {
		return nil, err
	}
	return &registrationv1.CreateUnitResponse{Unit: convert.UnitToProto(u)}, nil
}

// GetUnit returns a unit.
func (g *GRPC) GetUnit(ctx context.Context, req *registrationv1.GetUnitRequest) (*registrationv1.GetUnitResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	id, err := rpc.ParseUUID(req.GetUnitId(), "unit_id")
	if err != nil {
		return nil, err
	}
	u, err := g.app.GetUnit(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &registrationv1.GetUnitResponse{Unit: convert.UnitToProto(u)}, nil
}

// ListUnits lists units.
func (g *GRPC) ListUnits(ctx context.Context, req *registrationv1.ListUnitsRequest) (*registrationv1.ListUnitsResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	offset, limit, err := rpc.Page(req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	list, err := g.app.ListUnits(ctx, p, req.GetCountyCode(), offset, limit)
	if err != nil {
		return nil, err
	}
	out := &registrationv1.ListUnitsResponse{NextPageToken: rpc.NextPageToken(offset, limit, len(list))}
	for _, u := range list {
		out.Units = append(out.Units, convert.UnitToProto(u))
	}
	return out, nil
}

// Login signs a person in.
func (g *GRPC) Login(ctx context.Context, req *registrationv1.LoginRequest) (*registrationv1.LoginResponse, error) {
	tok, exp, acc, err := g.app.Login(ctx, req.GetUsername(), req.GetPassword())
	if err != nil {
		return nil, err
	}
	out := &registrationv1.LoginResponse{AccessToken: tok, ExpiresAt: timestamppb.New(exp), Role: string(acc.Role), CountyCode: acc.CountyCode,
		DisplayName: acc.DisplayName, Username: acc.Username}
	if acc.UnitID != uuid.Nil {
		out.UnitId = acc.UnitID.String()
	}
	return out, nil
}

// GetTokenKeys returns the public key that verifies access tokens.
func (g *GRPC) GetTokenKeys(context.Context, *registrationv1.GetTokenKeysRequest) (*registrationv1.GetTokenKeysResponse, error) {
	if len(g.publicKey) != ed25519.PublicKeySize {
		return nil, errs.E(errs.Internal, "token key not loaded")
	}
	return &registrationv1.GetTokenKeysResponse{Ed25519PublicKeys: [][]byte{g.publicKey}}, nil
}

// WhoAmI returns the caller's account.
func (g *GRPC) WhoAmI(ctx context.Context, _ *registrationv1.WhoAmIRequest) (*registrationv1.WhoAmIResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	a, err := g.app.WhoAmI(ctx, p)
	if err != nil {
		return nil, err
	}
	return &registrationv1.WhoAmIResponse{Account: convert.AccountToProto(a)}, nil
}

// CreateAccount creates an account.
func (g *GRPC) CreateAccount(ctx context.Context, req *registrationv1.CreateAccountRequest) (*registrationv1.CreateAccountResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	unit, err := optionalUUID(req.GetUnitId(), "unit_id")
	if err != nil {
		return nil, err
	}
	a, err := g.app.CreateAccount(ctx, p, req.GetUsername(), req.GetPassword(), auth.Role(req.GetRole()), req.GetCountyCode(), unit, req.GetDisplayName())
	if err != nil {
		return nil, err
	}
	return &registrationv1.CreateAccountResponse{Account: convert.AccountToProto(a)}, nil
}

// ListAccounts lists accounts.
func (g *GRPC) ListAccounts(ctx context.Context, req *registrationv1.ListAccountsRequest) (*registrationv1.ListAccountsResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	list, err := g.app.ListAccounts(ctx, p, req.GetCountyCode())
	if err != nil {
		return nil, err
	}
	out := &registrationv1.ListAccountsResponse{}
	for _, a := range list {
		out.Accounts = append(out.Accounts, convert.AccountToProto(a))
	}
	return out, nil
}

// NominateActivity nominates an activity for the featured list.
func (g *GRPC) NominateActivity(ctx context.Context, req *registrationv1.NominateActivityRequest) (*registrationv1.NominateActivityResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	id, err := rpc.ParseUUID(req.GetActivityId(), "activity_id")
	if err != nil {
		return nil, err
	}
	n, err := g.app.NominateActivity(ctx, p, id, req.GetRecommendation())
	if err != nil {
		return nil, err
	}
	return &registrationv1.NominateActivityResponse{Nomination: convert.NominationToProto(n)}, nil
}

// DecideNomination accepts or declines a nomination.
func (g *GRPC) DecideNomination(ctx context.Context, req *registrationv1.DecideNominationRequest) (*registrationv1.DecideNominationResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	id, err := rpc.ParseUUID(req.GetActivityId(), "activity_id")
	if err != nil {
		return nil, err
	}
	n, err := g.app.DecideNomination(ctx, p, id, req.GetAccept(), req.GetNote())
	if err != nil {
		return nil, err
	}
	return &registrationv1.DecideNominationResponse{Nomination: convert.NominationToProto(n)}, nil
}

// ListNominations lists nominations.
func (g *GRPC) ListNominations(ctx context.Context, req *registrationv1.ListNominationsRequest) (*registrationv1.ListNominationsResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	list, err := g.app.ListNominations(ctx, p, req.GetEditionId(), req.GetCountyCode(), convert.NominationStatusFromProto(req.GetStatus()))
	if err != nil {
		return nil, err
	}
	out := &registrationv1.ListNominationsResponse{}
	for _, n := range list {
		out.Nominations = append(out.Nominations, convert.NominationToProto(n))
	}
	return out, nil
}

// ExportFeatured returns the featured list as XLSX.
func (g *GRPC) ExportFeatured(ctx context.Context, req *registrationv1.ExportFeaturedRequest) (*registrationv1.ExportFeaturedResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	b, name, err := g.app.ExportFeatured(ctx, p, req.GetEditionId())
	if err != nil {
		return nil, err
	}
	return &registrationv1.ExportFeaturedResponse{File: &registrationv1.File{Name: name, ContentType: xlsx, Content: b}}, nil
}
