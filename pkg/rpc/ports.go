package rpc

import (
	"context"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
)

// Principal returns the authenticated caller of an RPC. The server's interceptor has put it in
// the context of every call that is not public.
func Principal(ctx context.Context) (auth.Principal, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return auth.Principal{}, ErrMissingCredential.New()
	}
	return p, nil
}

// ParseUUID parses a request field that must hold a UUID; field names it in the error.
func ParseUUID(s, field string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, ErrNotUUID.New("field", field, "value", s)
	}
	return id, nil
}

// ParseOptionalUUID parses a field that may be left empty: empty is uuid.Nil (none named, as a
// filter for all or an online activity with no venue); anything else must be a UUID.
func ParseOptionalUUID(s, field string) (uuid.UUID, error) {
	if s == "" {
		return uuid.Nil, nil
	}
	return ParseUUID(s, field)
}

// ErrNotUUID is a request field that must hold an id and holds something else.
var ErrNotUUID = errs.Reason{Code: "ID_NOT_UUID", Kind: errs.Invalid,
	English: "{field} {value} is not a UUID",
	Chinese: "编号“{value}”无效，请从列表中重新选择"}

// PrincipalAndID returns the caller and the UUID a request names in field: how every handler
// acting on one record begins. The caller is checked first, as a handler doing both in turn would.
func PrincipalAndID(ctx context.Context, s, field string) (auth.Principal, uuid.UUID, error) {
	p, err := Principal(ctx)
	if err != nil {
		return auth.Principal{}, uuid.Nil, err
	}
	id, err := ParseUUID(s, field)
	if err != nil {
		return auth.Principal{}, uuid.Nil, err
	}
	return p, id, nil
}
