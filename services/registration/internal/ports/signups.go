package ports

import (
	"context"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/registration/internal/app"
	"github.com/sciweek/sciweek/services/registration/internal/convert"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

func publicActivity(a domain.Activity) *registrationv1.PublicActivity {
	d := a.Details
	d.SafetyPlan = domain.SafetyPlan{} // names a staff member and a phone: for the reviewers, not the public
	return &registrationv1.PublicActivity{Id: a.ID.String(), CountyCode: a.CountyCode, Organizer: a.Organizer, Details: convert.DetailsToProto(d),
		VenueName: a.Details.VenueName, EditionId: a.EditionID}
}

// ListPublicActivities lists approved activities for the public.
func (g *GRPC) ListPublicActivities(ctx context.Context, req *registrationv1.ListPublicActivitiesRequest) (*registrationv1.ListPublicActivitiesResponse, error) {
	list, next, err := rpc.ListPage(req.GetPageSize(), req.GetPageToken(), func(offset, limit int) ([]domain.Activity, error) {
		return g.app.PublicActivities(ctx, app.PublicFilter{EditionID: req.GetEditionId(), CountyCode: req.GetCountyCode(),
			SignupOnly: req.GetSignupOnly(), Form: convert.FormFromProto(req.GetForm()),
			TargetGroup: convert.GroupFromProto(req.GetTargetGroup()), Day: req.GetDay()}, offset, limit)
	}, publicActivity)
	if err != nil {
		return nil, err
	}
	return &registrationv1.ListPublicActivitiesResponse{Activities: list, NextPageToken: next}, nil
}

// GetPublicActivity returns an approved activity.
func (g *GRPC) GetPublicActivity(ctx context.Context, req *registrationv1.GetPublicActivityRequest) (*registrationv1.GetPublicActivityResponse, error) {
	id, err := rpc.ParseUUID(req.GetActivityId(), "activity_id")
	if err != nil {
		return nil, err
	}
	a, err := g.app.PublicActivity(ctx, id)
	if err != nil {
		return nil, err
	}
	return &registrationv1.GetPublicActivityResponse{Activity: publicActivity(a)}, nil
}

// SignUp takes a place in a session.
func (g *GRPC) SignUp(ctx context.Context, req *registrationv1.SignUpRequest) (*registrationv1.SignUpResponse, error) {
	aid, err := rpc.ParseUUID(req.GetActivityId(), "activity_id")
	if err != nil {
		return nil, err
	}
	sid, err := rpc.ParseUUID(req.GetSessionId(), "session_id")
	if err != nil {
		return nil, err
	}
	age := domain.AgeAdult
	if req.GetAgeGroup() == registrationv1.AgeGroup_AGE_GROUP_MINOR {
		age = domain.AgeMinor
	}
	s, code, err := g.app.SignUp(ctx, aid, sid, req.GetName(), req.GetPhone(), age, rpc.ClientAddress(ctx))
	if err != nil {
		return nil, err
	}
	return &registrationv1.SignUpResponse{Signup: convert.SignupToProto(s, true), ManageCode: code}, nil
}

// GetSignup returns a sign-up to the holder of its code.
func (g *GRPC) GetSignup(ctx context.Context, req *registrationv1.GetSignupRequest) (*registrationv1.GetSignupResponse, error) {
	id, err := rpc.ParseUUID(req.GetSignupId(), "signup_id")
	if err != nil {
		return nil, err
	}
	s, err := g.app.GetSignup(ctx, id, req.GetManageCode())
	if err != nil {
		return nil, err
	}
	return &registrationv1.GetSignupResponse{Signup: convert.SignupToProto(s, true)}, nil
}

// FindSignup returns the sign-up a phone number and its manage code name.
func (g *GRPC) FindSignup(ctx context.Context, req *registrationv1.FindSignupRequest) (*registrationv1.FindSignupResponse, error) {
	s, err := g.app.FindSignup(ctx, req.GetPhone(), req.GetManageCode())
	if err != nil {
		return nil, err
	}
	return &registrationv1.FindSignupResponse{Signup: convert.SignupToProto(s, true)}, nil
}

// CancelSignup gives a place back.
func (g *GRPC) CancelSignup(ctx context.Context, req *registrationv1.CancelSignupRequest) (*registrationv1.CancelSignupResponse, error) {
	id, err := rpc.ParseUUID(req.GetSignupId(), "signup_id")
	if err != nil {
		return nil, err
	}
	s, promoted, err := g.app.CancelSignup(ctx, id, req.GetManageCode())
	if err != nil {
		return nil, err
	}
	out := &registrationv1.CancelSignupResponse{Signup: convert.SignupToProto(s, false)}
	if promoted != nil {
		out.PromotedSignupId = promoted.ID.String()
	}
	return out, nil
}

// ListSignups lists an activity's sign-ups, phones masked and without tickets.
func (g *GRPC) ListSignups(ctx context.Context, req *registrationv1.ListSignupsRequest) (*registrationv1.ListSignupsResponse, error) {
	p, aid, err := rpc.PrincipalAndID(ctx, req.GetActivityId(), "activity_id")
	if err != nil {
		return nil, err
	}
	sid, err := optionalUUID(req.GetSessionId(), "session_id")
	if err != nil {
		return nil, err
	}
	_, list, err := g.app.ListSignups(ctx, p, aid, sid)
	if err != nil {
		return nil, err
	}
	out := &registrationv1.ListSignupsResponse{}
	for _, s := range list {
		out.Signups = append(out.Signups, convert.SignupToProto(s, false))
	}
	return out, nil
}

// ExportSignups returns an activity's sign-ups as XLSX.
func (g *GRPC) ExportSignups(ctx context.Context, req *registrationv1.ExportSignupsRequest) (*registrationv1.ExportSignupsResponse, error) {
	p, aid, err := rpc.PrincipalAndID(ctx, req.GetActivityId(), "activity_id")
	if err != nil {
		return nil, err
	}
	b, name, err := g.app.ExportSignups(ctx, p, aid)
	if err != nil {
		return nil, err
	}
	return &registrationv1.ExportSignupsResponse{File: &registrationv1.File{Name: name, ContentType: xlsx, Content: b}}, nil
}

// GetTicketKeys returns the key that verifies an edition's tickets.
func (g *GRPC) GetTicketKeys(ctx context.Context, req *registrationv1.GetTicketKeysRequest) (*registrationv1.GetTicketKeysResponse, error) {
	k, err := g.app.TicketKey(ctx, req.GetEditionId())
	if err != nil {
		return nil, err
	}
	return &registrationv1.GetTicketKeysResponse{Ed25519PublicKey: k}, nil
}
