// Package auth says who a caller is (a Principal) and what their role lets them reach. It
// issues and verifies the signed access tokens people use, and the credentials terminals use.
// It knows nothing about gRPC: pkg/rpc applies it at the port.
package auth

import (
	"context"
	"slices"
)

// Role is what a caller is allowed to do, before the scope of their county, unit or venue.
type Role string

// The roles of the system.
const (
	// RoleCityAdmin is the bureau: sees and changes everything.
	RoleCityAdmin Role = "city_admin"
	// RoleCountyAdmin is a county's science and technology department: one county.
	RoleCountyAdmin Role = "county_admin"
	// RoleOrganizer is an organizer unit's staff: their unit's activities.
	RoleOrganizer Role = "organizer"
	// RoleTerminal is a check-in device: records at its own venue, nothing else.
	RoleTerminal Role = "terminal"
	// RoleViewer sees the city's statistics and changes nothing.
	RoleViewer Role = "viewer"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleCityAdmin, RoleCountyAdmin, RoleOrganizer, RoleTerminal, RoleViewer:
		return true
	}
	return false
}

// Principal is an authenticated caller.
type Principal struct {
	// Subject is the user name, or the terminal's id.
	Subject string
	// Role is the caller's role.
	Role Role
	// CountyCode scopes county admins, organizers and terminals to one county.
	CountyCode string
	// UnitID scopes organizers to their unit.
	UnitID string
	// VenueID scopes terminals to their venue.
	VenueID string
	// DisplayName is the caller's name for people to read.
	DisplayName string
	// TokenVersion is the account's token version the caller's token carries; a person's
	// session ends when the account's version rises above it.
	TokenVersion int64
	// MustChangePassword says the caller signed in with a one-time password and may only
	// change it (Policy.BeforePasswordChange).
	MustChangePassword bool
}

// Is reports whether the principal has one of the roles.
func (p Principal) Is(roles ...Role) bool { return slices.Contains(roles, p.Role) }

// SeesAllCounties reports whether the principal's view spans the whole city.
func (p Principal) SeesAllCounties() bool { return p.Is(RoleCityAdmin, RoleViewer) }

// CanSeeCounty reports whether the principal may see data of the county.
func (p Principal) CanSeeCounty(code string) bool {
	return p.SeesAllCounties() || (code != "" && p.CountyCode == code)
}

// CanAdministerCounty reports whether the principal may change data of the county.
func (p Principal) CanAdministerCounty(code string) bool {
	return p.Is(RoleCityAdmin) || (p.Is(RoleCountyAdmin) && code != "" && p.CountyCode == code)
}

type principalKey struct{}

// WithPrincipal returns a context that carries p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal of the call, if it was authenticated.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Authenticator turns a bearer credential into a principal. It returns an errs.Unauthenticated
// error for a credential that is malformed, unknown, expired or revoked.
type Authenticator interface {
	Authenticate(ctx context.Context, credential string) (Principal, error)
}

// AuthenticatorFunc adapts a function to Authenticator.
type AuthenticatorFunc func(ctx context.Context, credential string) (Principal, error)

// Authenticate calls f.
func (f AuthenticatorFunc) Authenticate(ctx context.Context, credential string) (Principal, error) {
	return f(ctx, credential)
}

// Policy lists, per full RPC method name, the roles that may call it. Methods missing from the
// policy are refused, so a new RPC is closed until someone decides who may call it.
type Policy struct {
	// Public methods need no credential.
	Public []string
	// Roles maps a method to the roles allowed to call it.
	Roles map[string][]Role
	// BeforePasswordChange are the methods a person who holds a one-time password may call
	// (changing it, signing out); everything else refuses them until the password is changed.
	BeforePasswordChange []string
	// Reads are methods that change nothing and hand out no file of personal data or report:
	// the audit trail leaves them out. Every other method is audited, so a new RPC is recorded
	// until someone decides it is a plain read.
	Reads []string
	// SelfRecorded are methods whose every call is already its own record and is too frequent
	// to audit one by one: terminals' check-in uploads (each record carries the terminal, its
	// sequence number and the time, in the check-in table).
	SelfRecorded []string
}

// AllowsBeforePasswordChange reports whether a person holding a one-time password may call
// method.
func (p Policy) AllowsBeforePasswordChange(method string) bool {
	return slices.Contains(p.BeforePasswordChange, method)
}

// Audited reports whether calls of method go into the audit trail.
func (p Policy) Audited(method string) bool {
	return !slices.Contains(p.Reads, method) && !slices.Contains(p.SelfRecorded, method)
}

// Merge adds q's methods to p (services that serve several contracts keep one policy per
// contract).
func (p *Policy) Merge(q Policy) {
	p.Public = append(p.Public, q.Public...)
	if p.Roles == nil {
		p.Roles = map[string][]Role{}
	}
	for m, r := range q.Roles {
		p.Roles[m] = r
	}
	p.Reads = append(p.Reads, q.Reads...)
	p.SelfRecorded = append(p.SelfRecorded, q.SelfRecorded...)
	p.BeforePasswordChange = append(p.BeforePasswordChange, q.BeforePasswordChange...)
}

// IsPublic reports whether method needs no credential.
func (p Policy) IsPublic(method string) bool { return slices.Contains(p.Public, method) }

// Allows reports whether role may call method.
func (p Policy) Allows(method string, role Role) bool {
	return slices.Contains(p.Roles[method], role)
}

// roleLabels are the roles as the console names them.
var roleLabels = map[Role]string{
	RoleCityAdmin:   "市级管理员",
	RoleCountyAdmin: "县（市、区）管理员",
	RoleOrganizer:   "组织单位",
	RoleTerminal:    "签到终端",
	RoleViewer:      "数据查看",
}

// Label names the role in Chinese, as the console does.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return "未知角色"
}
