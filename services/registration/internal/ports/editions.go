package ports

import (
	"context"

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
		ReportDeadline: e.GetReportDeadline(), TimeZone: e.GetTimeZone(), MaxVideoSeconds: int(e.GetMaxVideoSeconds()),
		RetentionDays: int(e.GetPersonalDataRetentionDays())}
	if c := e.GetContact(); c != nil {
		in.Contact = domain.Contact{Office: c.GetOffice(), Person: c.GetPerson(), Phone: c.GetPhone(), Email: c.GetEmail()}
	}
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

// ErasePersonalData erases an edition's sign-ups' names and phone numbers now.
func (g *GRPC) ErasePersonalData(ctx context.Context, req *registrationv1.ErasePersonalDataRequest) (*registrationv1.ErasePersonalDataResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	n, e, err := g.app.ErasePersonalData(ctx, p, req.GetEditionId())
	if err != nil {
		return nil, err
	}
	key, err := g.app.TicketKey(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	return &registrationv1.ErasePersonalDataResponse{ErasedSignups: int32(n), Edition: convert.EditionToProto(e, key)}, nil
}
