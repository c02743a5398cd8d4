package rpc_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// TestListPage pages through a list as a list RPC does: the token of one page starts the next,
// the last page has no token, a foreign token and the use case's error stop before any item.
func TestListPage(t *testing.T) {
	t.Parallel()
	items := []int{1, 2, 3, 4, 5}
	list := func(offset, limit int) ([]int, error) {
		return items[min(offset, len(items)):min(offset+limit, len(items))], nil
	}
	refused := errors.New("refused")
	cases := []struct {
		name      string
		size      int32
		token     string
		list      func(offset, limit int) ([]int, error)
		want      []string
		wantToken bool
		wantErr   func(error) bool
	}{
		{name: "first page", size: 2, list: list, want: []string{"1", "2"}, wantToken: true},
		{name: "whole list under the default size", list: list, want: []string{"1", "2", "3", "4", "5"}},
		{name: "foreign token", size: 2, token: "x", list: list, wantErr: func(err error) bool { return errs.Is(err, rpc.ErrPageToken) }},
		{name: "use case refuses", size: 2, list: func(int, int) ([]int, error) { return nil, refused }, wantErr: func(err error) bool { return errors.Is(err, refused) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, next, err := rpc.ListPage(tc.size, tc.token, tc.list, strconv.Itoa)
			if tc.wantErr != nil {
				if !tc.wantErr(err) || got != nil || next != "" {
					t.Fatalf("ListPage = %v, %q, %v; want only the case's error", got, next, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) || (next != "") != tc.wantToken {
				t.Fatalf("ListPage = %v, %q, %v; want %v with a next token %v", got, next, err, tc.want, tc.wantToken)
			}
		})
	}

	t.Run("the next token continues", func(t *testing.T) {
		t.Parallel()
		var all []string
		token := ""
		for range 5 {
			page, next, err := rpc.ListPage(2, token, list, strconv.Itoa)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if token = next; token == "" {
				break
			}
		}
		if want := []string{"1", "2", "3", "4", "5"}; !slices.Equal(all, want) {
			t.Fatalf("pages gave %v, want %v", all, want)
		}
	})
}

// TestPrincipalAndID checks the caller before the id, as the handlers did one after the other.
func TestPrincipalAndID(t *testing.T) {
	t.Parallel()
	id := uuid.New()
	signedIn := auth.WithPrincipal(context.Background(), auth.Principal{Subject: "u1", Role: auth.RoleCityAdmin})
	cases := []struct {
		name string
		ctx  context.Context
		id   string
		want *errs.Reason
	}{
		{name: "signed in with an id", ctx: signedIn, id: id.String()},
		{name: "signed in with no id", ctx: signedIn, id: "venue-1", want: &rpc.ErrNotUUID},
		{name: "no caller and no id", ctx: context.Background(), id: "venue-1", want: &rpc.ErrMissingCredential},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, got, err := rpc.PrincipalAndID(tc.ctx, tc.id, "venue_id")
			if tc.want != nil {
				if !errs.Is(err, *tc.want) {
					t.Fatalf("PrincipalAndID error %v, want %s", err, tc.want.Code)
				}
				return
			}
			if err != nil || got != id || p.Subject != "u1" {
				t.Fatalf("PrincipalAndID = %v, %v, %v; want u1, %v", p, got, err, id)
			}
		})
	}
}

// TestParseOptionalUUID: an empty field names none (uuid.Nil); a filled one must be a UUID.
func TestParseOptionalUUID(t *testing.T) {
	t.Parallel()
	id := uuid.New()
	cases := []struct {
		name    string
		s       string
		want    uuid.UUID
		invalid bool
	}{
		{name: "empty names none", s: "", want: uuid.Nil},
		{name: "a UUID", s: id.String(), want: id},
		{name: "not a UUID", s: "venue-1", invalid: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := rpc.ParseOptionalUUID(tc.s, "venue_id")
			if tc.invalid {
				if !errs.Is(err, rpc.ErrNotUUID) {
					t.Fatalf("ParseOptionalUUID(%q) error %v, want %s", tc.s, err, rpc.ErrNotUUID.Code)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseOptionalUUID(%q) = %v, %v; want %v", tc.s, got, err, tc.want)
			}
		})
	}
}
