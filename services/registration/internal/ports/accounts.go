package ports

import (
	"context"
	"crypto/ed25519"
	"errors"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/audit"
	"github.com/sciweek/sciweek/pkg/auth"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/registration/internal/convert"
)

// Login signs a person in.
func (g *GRPC) Login(ctx context.Context, req *registrationv1.LoginRequest) (*registrationv1.LoginResponse, error) {
	// A sign-in is audited under the name it claimed, and on success under the account's role
	// and scope.
	audit.SetActor(ctx, req.GetUsername(), "", "", "")
	tok, exp, acc, err := g.app.Login(ctx, req.GetUsername(), req.GetPassword(), rpc.ClientAddress(ctx))
	if err != nil {
		return nil, err
	}
	unit := ""
	if acc.UnitID != uuid.Nil {
		unit = acc.UnitID.String()
	}
	audit.SetActor(ctx, acc.Username, string(acc.Role), acc.CountyCode, unit)
	out := &registrationv1.LoginResponse{AccessToken: tok, ExpiresAt: timestamppb.New(exp), Role: string(acc.Role), CountyCode: acc.CountyCode,
		DisplayName: acc.DisplayName, Username: acc.Username, MustChangePassword: acc.MustChangePassword}
	if acc.UnitID != uuid.Nil {
		out.UnitId = acc.UnitID.String()
	}
	return out, nil
}

// GetTokenKeys returns the public key that verifies access tokens.
func (g *GRPC) GetTokenKeys(context.Context, *registrationv1.GetTokenKeysRequest) (*registrationv1.GetTokenKeysResponse, error) {
	if len(g.publicKey) != ed25519.PublicKeySize {
		return nil, errors.New("registration: the token key is not loaded")
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

// UnlockAccount lifts an account's sign-in lock.
func (g *GRPC) UnlockAccount(ctx context.Context, req *registrationv1.UnlockAccountRequest) (*registrationv1.UnlockAccountResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	was, err := g.app.UnlockAccount(ctx, p, req.GetUsername())
	if err != nil {
		return nil, err
	}
	return &registrationv1.UnlockAccountResponse{WasLocked: was}, nil
}

// ChangePassword replaces the caller's password and returns a token for the new session.
func (g *GRPC) ChangePassword(ctx context.Context, req *registrationv1.ChangePasswordRequest) (*registrationv1.ChangePasswordResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	tok, exp, err := g.app.ChangePassword(ctx, p, req.GetOldPassword(), req.GetNewPassword())
	if err != nil {
		return nil, err
	}
	return &registrationv1.ChangePasswordResponse{AccessToken: tok, ExpiresAt: timestamppb.New(exp)}, nil
}

// Logout ends the caller's sessions.
func (g *GRPC) Logout(ctx context.Context, _ *registrationv1.LogoutRequest) (*registrationv1.LogoutResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	if err := g.app.Logout(ctx, p); err != nil {
		return nil, err
	}
	return &registrationv1.LogoutResponse{}, nil
}

// RenewSession renews the caller's token.
func (g *GRPC) RenewSession(ctx context.Context, _ *registrationv1.RenewSessionRequest) (*registrationv1.RenewSessionResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	tok, exp, err := g.app.RenewSession(ctx, p)
	if err != nil {
		return nil, err
	}
	return &registrationv1.RenewSessionResponse{AccessToken: tok, ExpiresAt: timestamppb.New(exp)}, nil
}

// ResetPassword gives an account a one-time password.
func (g *GRPC) ResetPassword(ctx context.Context, req *registrationv1.ResetPasswordRequest) (*registrationv1.ResetPasswordResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	a, otp, err := g.app.ResetPassword(ctx, p, req.GetUsername())
	if err != nil {
		return nil, err
	}
	return &registrationv1.ResetPasswordResponse{Account: convert.AccountToProto(a), OneTimePassword: otp}, nil
}

// SetAccountDisabled disables or enables an account.
func (g *GRPC) SetAccountDisabled(ctx context.Context, req *registrationv1.SetAccountDisabledRequest) (*registrationv1.SetAccountDisabledResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	a, err := g.app.SetAccountDisabled(ctx, p, req.GetUsername(), req.GetDisabled())
	if err != nil {
		return nil, err
	}
	return &registrationv1.SetAccountDisabledResponse{Account: convert.AccountToProto(a)}, nil
}
