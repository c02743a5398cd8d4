package demo

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// Info is what a person needs to try the demo; it is kept in the data folder between starts.
type Info struct {
	AdminUsername      string `json:"admin_username"`
	AdminPassword      string `json:"admin_password"`
	TerminalCredential string `json:"terminal_credential"`
	VenueID            string `json:"venue_id"`
	VenueName          string `json:"venue_name"`
	ActivityID         string `json:"activity_id"`
	ActivityTitle      string `json:"activity_title"`
}

// Accounts sets accounts; the registration service does it for operators.
type Accounts interface {
	SetAccount(ctx context.Context, username, password string, role auth.Role, county, displayName string) error
}

// Conns are connections to the services the demo data goes through.
type Conns struct {
	Registration, Venue grpc.ClientConnInterface
}

// Ensure makes sure the demo data and the demo accounts exist and returns how to use them. The
// admin password is generated on first start and kept in <dataDir>/demo.json (mode 0600).
func Ensure(ctx context.Context, dataDir string, accounts Accounts, conns Conns) (Info, error) {
	path := filepath.Join(dataDir, "demo.json")
	var info Info
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &info); err != nil {
			return Info{}, fmt.Errorf("%s is damaged (%v); delete it to start over", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return Info{}, err
	}
	if info.AdminPassword == "" {
		info.AdminUsername, info.AdminPassword = "admin", randomPassword()
	}
	if err := accounts.SetAccount(ctx, info.AdminUsername, info.AdminPassword, auth.RoleCityAdmin, "", "市科技局管理员"); err != nil {
		return Info{}, err
	}
	login, err := registrationv1.NewAccountServiceClient(conns.Registration).Login(ctx,
		&registrationv1.LoginRequest{Username: info.AdminUsername, Password: info.AdminPassword})
	if err != nil {
		return Info{}, err
	}
	as := grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	venues := venuev1.NewVenueServiceClient(conns.Venue)
	acts := registrationv1.NewActivityServiceClient(conns.Registration)
	existing, err := venues.ListVenues(ctx, &venuev1.ListVenuesRequest{PageSize: 1}, as)
	if err != nil {
		return Info{}, err
	}
	if len(existing.GetVenues()) == 0 {
		if info.VenueID, info.ActivityID, err = seed(ctx, venues, acts, as); err != nil {
			return Info{}, err
		}
		info.TerminalCredential = ""
	}
	if info.TerminalCredential == "" {
		if err := provision(ctx, &info, venues, venuev1.NewTerminalServiceClient(conns.Venue), acts, as); err != nil {
			return Info{}, err
		}
	}
	b, _ := json.MarshalIndent(info, "", "  ")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return Info{}, err
	}
	return info, nil
}

func randomPassword() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:16]
}

// seed registers the venues and activities and approves the activities; it returns the first
// venue and its first activity, where the demo terminal goes.
func seed(ctx context.Context, venues venuev1.VenueServiceClient, acts registrationv1.ActivityServiceClient, as grpc.CallOption) (string, string, error) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return "", "", err
	}
	rng := mrand.New(mrand.NewPCG(2024, 525)) // the same demo every time
	type job struct {
		c county
		v venueSpec
		a []activitySpec
	}
	var jobs []job
	for _, c := range counties {
		for _, v := range c.venues() {
			jobs = append(jobs, job{c, v, activities(rng, loc, c, v)})
		}
	}
	firstVenue, firstActivity := make([]string, len(jobs)), make([]string, len(jobs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i, j := range jobs {
		g.Go(func() error {
			v, err := venues.CreateVenue(ctx, &venuev1.CreateVenueRequest{
				Name: j.v.name, Kind: j.v.kind, CountyCode: j.c.code, Address: j.v.address, SafeCapacity: j.v.capacity}, as)
			if err != nil {
				return fmt.Errorf("venue %s: %w", describe(j.c, j.v), err)
			}
			firstVenue[i] = v.GetVenue().GetId()
			for k, a := range j.a {
				created, err := acts.CreateActivity(ctx, &registrationv1.CreateActivityRequest{
					EditionId: "2024", CountyCode: j.c.code, VenueId: v.GetVenue().GetId(), Title: a.title, Organizer: a.organizer, Form: a.form,
					Sessions: []*registrationv1.Session{{StartsAt: timestamppb.New(a.starts), EndsAt: timestamppb.New(a.ends), Places: a.places}},
				}, as)
				if err != nil {
					return fmt.Errorf("activity %q: %w", a.title, err)
				}
				id := created.GetActivity().GetId()
				if _, err := acts.SubmitActivity(ctx, &registrationv1.SubmitActivityRequest{ActivityId: id}, as); err != nil {
					return err
				}
				if _, err := acts.ApproveActivity(ctx, &registrationv1.ApproveActivityRequest{ActivityId: id}, as); err != nil {
					return err
				}
				if k == 0 {
					firstActivity[i] = id
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return "", "", err
	}
	return firstVenue[0], firstActivity[0], nil
}

// provision gives the demo venue a terminal. After a lost demo.json it picks the first venue in
// the registry and one of its approved activities.
func provision(ctx context.Context, info *Info, venues venuev1.VenueServiceClient, terminals venuev1.TerminalServiceClient, acts registrationv1.ActivityServiceClient, as grpc.CallOption) error {
	if info.VenueID == "" {
		list, err := acts.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: "2024", Status: registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED, PageSize: 1}, as)
		if err != nil {
			return err
		}
		if len(list.GetActivities()) == 0 {
			return errors.New("demo: the registry has venues but no approved activity to check in to")
		}
		info.VenueID, info.ActivityID = list.GetActivities()[0].GetVenueId(), list.GetActivities()[0].GetId()
	}
	v, err := venues.GetVenue(ctx, &venuev1.GetVenueRequest{VenueId: info.VenueID}, as)
	if err != nil {
		return err
	}
	a, err := acts.GetActivity(ctx, &registrationv1.GetActivityRequest{ActivityId: info.ActivityID}, as)
	if err != nil {
		return err
	}
	t, err := terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: info.VenueID, Name: "演示终端（东门）"}, as)
	if err != nil {
		return err
	}
	info.TerminalCredential = t.GetCredential()
	info.VenueName, info.ActivityTitle = v.GetVenue().GetName(), a.GetActivity().GetTitle()
	return nil
}
