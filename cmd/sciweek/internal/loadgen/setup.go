package loadgen

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// Setup says how to build the simulated terminals in a running system, through its APIs as
// the bureau and the public would: an admin provisions terminals at venues, the devices
// activate themselves with their setup codes, and people sign up for tickets.
type Setup struct {
	// Registration, Venue and Checkin are connections to the services.
	Registration, Venue, Checkin grpc.ClientConnInterface
	// Username and Password are a city admin's login.
	Username, Password string
	// Edition is the edition whose activities are in session now (the demo's live edition).
	Edition string
	// Terminals, Venues and Tickets are how many of each the run uses.
	Terminals, Venues, Tickets int
	// Log, if set, hears what setup is doing.
	Log io.Writer
	// RunID makes the simulated people's names and phone numbers distinct between runs.
	RunID uint32
}

// World is the terminals of a run, and how to retire them.
type World struct {
	// Terminals are the simulated devices.
	Terminals []Terminal
	// Venues counts the venues the terminals stand at.
	Venues int
	// Counties counts the counties of those venues.
	Counties int

	revoke func(ctx context.Context) error
}

// Close revokes the run's terminals, so the registry does not keep devices that no longer
// exist.
func (w *World) Close(ctx context.Context) error {
	if w.revoke == nil {
		return nil
	}
	return w.revoke(ctx)
}

type candidate struct {
	venue, county string
	activity      *registrationv1.Activity
	session       *registrationv1.Session
}

// Prepare builds the world: terminals provisioned and activated, tickets signed up for.
func Prepare(ctx context.Context, s Setup) (*World, error) {
	logf := func(format string, args ...any) {
		if s.Log != nil {
			fmt.Fprintf(s.Log, format+"\n", args...)
		}
	}
	login, err := registrationv1.NewAccountServiceClient(s.Registration).Login(ctx, &registrationv1.LoginRequest{Username: s.Username, Password: s.Password})
	if err != nil {
		return nil, fmt.Errorf("log in as %s: %w", s.Username, err)
	}
	admin := grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))

	// Venues with an approved activity in session now, one per venue, spread over counties.
	now := time.Now()
	byVenue := map[string]candidate{}
	acts := registrationv1.NewActivityServiceClient(s.Registration)
	for token := ""; ; {
		page, err := acts.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: s.Edition,
			Status: registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED, PageSize: 1000, PageToken: token}, admin)
		if err != nil {
			return nil, fmt.Errorf("list the activities of %s: %w", s.Edition, err)
		}
		for _, a := range page.GetActivities() {
			venue := a.GetDetails().GetVenueId()
			if _, seen := byVenue[venue]; seen || venue == "" {
				continue
			}
			for _, ss := range a.GetDetails().GetSessions() {
				if ss.GetStartsAt().AsTime().Before(now) && ss.GetEndsAt().AsTime().After(now.Add(time.Hour)) {
					byVenue[venue] = candidate{venue: venue, county: a.GetCountyCode(), activity: a, session: ss}
					break
				}
			}
		}
		if token = page.GetNextPageToken(); token == "" {
			break
		}
	}
	if len(byVenue) == 0 {
		return nil, fmt.Errorf("edition %s has no approved activity in session now (the demo's open days run all week from the first `make run`)", s.Edition)
	}
	venues := spread(byVenue, s.Venues)
	counties := map[string]bool{}
	for _, v := range venues {
		counties[v.county] = true
	}
	logf("setup: %d terminals at %d venues in %d counties, %d tickets", s.Terminals, len(venues), len(counties), s.Tickets)

	// Terminals: provisioned by the admin, activated by the device with its setup code.
	terminals := make([]Terminal, s.Terminals)
	ids := make([]string, s.Terminals)
	reg := venuev1.NewTerminalServiceClient(s.Venue)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range terminals {
		v := venues[i%len(venues)]
		g.Go(func() error {
			p, err := reg.ProvisionTerminal(gctx, &venuev1.ProvisionTerminalRequest{VenueId: v.venue, Name: fmt.Sprintf("负载模拟终端 %d-%04d", s.RunID%10000, i+1)}, admin)
			if err != nil {
				return fmt.Errorf("provision a terminal: %w", err)
			}
			a, err := reg.ActivateTerminal(gctx, &venuev1.ActivateTerminalRequest{SetupCode: p.GetSetupCode()})
			if err != nil {
				return fmt.Errorf("activate a terminal: %w", err)
			}
			terminals[i] = Terminal{Credential: a.GetCredential(), VenueID: v.venue}
			ids[i] = p.GetTerminal().GetId()
			return nil
		})
	}
	world := &World{Venues: len(venues), Counties: len(counties)}
	world.revoke = func(ctx context.Context) error {
		var errs []error
		for _, id := range ids {
			if id == "" {
				continue
			}
			if _, err := reg.RevokeTerminal(ctx, &venuev1.RevokeTerminalRequest{TerminalId: id}, admin); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
	if err := g.Wait(); err != nil {
		_ = world.Close(context.WithoutCancel(ctx))
		return nil, err
	}

	// Tickets: people sign up on the public pages; each venue's tickets go to its terminals.
	signups := registrationv1.NewSignupServiceClient(s.Registration)
	tickets := make([][]string, len(venues))
	var mu sync.Mutex
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(8)
	for j := range s.Tickets {
		vi := j % len(venues)
		v := venues[vi]
		g.Go(func() error {
			age := registrationv1.AgeGroup_AGE_GROUP_ADULT
			if j%2 == 0 {
				age = registrationv1.AgeGroup_AGE_GROUP_MINOR
			}
			su, err := signups.SignUp(gctx, &registrationv1.SignUpRequest{ActivityId: v.activity.GetId(), SessionId: v.session.GetId(),
				Name: fmt.Sprintf("模拟观众%d-%05d", s.RunID%10000, j+1), Phone: fmt.Sprintf("139%08d", (uint64(s.RunID)*1000003+uint64(j))%100000000), AgeGroup: age})
			if err != nil {
				return fmt.Errorf("sign up for %q: %w", v.activity.GetDetails().GetTitle(), err)
			}
			if p := su.GetSignup().GetTicket().GetPayload(); p != "" {
				mu.Lock()
				tickets[vi] = append(tickets[vi], p)
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		_ = world.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	perVenue := make([]int, len(venues))
	for i := range terminals {
		perVenue[i%len(venues)]++
	}
	for i := range terminals {
		vi := i % len(venues)
		share := tickets[vi]
		k, n := i/len(venues), perVenue[vi]
		for t := k; t < len(share); t += n {
			terminals[i].Tickets = append(terminals[i].Tickets, share[t])
		}
	}

	// Each device says hello until check-in knows it, and learns today's activities.
	checkin := checkinv1.NewCheckinServiceClient(s.Checkin)
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range terminals {
		g.Go(func() error {
			deadline := time.Now().Add(30 * time.Second)
			for {
				h, err := checkin.Hello(gctx, &checkinv1.HelloRequest{}, grpc.PerRPCCredentials(rpc.BearerCredential(terminals[i].Credential)))
				if err == nil {
					for _, a := range h.GetActivities() {
						terminals[i].Activities = append(terminals[i].Activities, a.GetActivityId())
					}
					if len(terminals[i].Activities) > 0 {
						return nil
					}
					err = errors.New("no activity today at its venue yet")
				}
				if time.Now().After(deadline) {
					return fmt.Errorf("terminal at venue %s: check-in does not know it after 30s: %w", terminals[i].VenueID, err)
				}
				select {
				case <-gctx.Done():
					return gctx.Err()
				case <-time.After(200 * time.Millisecond):
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		_ = world.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	world.Terminals = terminals
	return world, nil
}

// spread picks up to n venues, taking one from each county in turn so the load reaches many
// counties' figures.
func spread(byVenue map[string]candidate, n int) []candidate {
	byCounty := map[string][]candidate{}
	for _, c := range byVenue {
		byCounty[c.county] = append(byCounty[c.county], c)
	}
	var counties []string
	for k, cs := range byCounty {
		counties = append(counties, k)
		slices.SortFunc(cs, func(a, b candidate) int { return cmp.Compare(a.venue, b.venue) })
	}
	slices.Sort(counties)
	if n <= 0 {
		n = len(byVenue)
	}
	var out []candidate
	for round := 0; len(out) < n; round++ {
		added := false
		for _, k := range counties {
			if round < len(byCounty[k]) && len(out) < n {
				out = append(out, byCounty[k][round])
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out
}
