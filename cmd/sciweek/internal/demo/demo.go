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
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
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
	StaffPassword      string `json:"staff_password"`
	OrganizerUsername  string `json:"organizer_username"`
	TerminalCredential string `json:"terminal_credential"`
	VenueID            string `json:"venue_id"`
	VenueName          string `json:"venue_name"`
	ActivityID         string `json:"activity_id"`
	ActivityTitle      string `json:"activity_title"`
	LiveEdition        string `json:"live_edition"`
}

// Accounts sets accounts; the registration service does it for operators.
type Accounts interface {
	SetAccount(ctx context.Context, username, password string, role auth.Role, county string, unitID uuid.UUID, displayName string) error
}

// Conns are connections to the services the demo data goes through. Check-in and reporting
// are needed only by History and Trickle.
type Conns struct {
	Registration, Venue, Checkin, Reporting grpc.ClientConnInterface
}

// LiveEdition is the demo's second edition: it runs from today for a week, so its activities
// take sign-ups and its tickets admit now.
const LiveEdition = "demo"

// Ensure makes sure the demo data and the demo accounts exist and returns how to use them. The
// passwords are generated on first start and kept in <dataDir>/demo.json (mode 0600).
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
	if info.StaffPassword == "" {
		info.StaffPassword = randomPassword()
	}
	if err := accounts.SetAccount(ctx, info.AdminUsername, info.AdminPassword, auth.RoleCityAdmin, "", uuid.Nil, "市科技局管理员"); err != nil {
		return Info{}, err
	}
	login, err := registrationv1.NewAccountServiceClient(conns.Registration).Login(ctx,
		&registrationv1.LoginRequest{Username: info.AdminUsername, Password: info.AdminPassword})
	if err != nil {
		return Info{}, err
	}
	c := clients{
		as:        grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken())),
		venues:    venuev1.NewVenueServiceClient(conns.Venue),
		terminals: venuev1.NewTerminalServiceClient(conns.Venue),
		acts:      registrationv1.NewActivityServiceClient(conns.Registration),
		units:     registrationv1.NewUnitServiceClient(conns.Registration),
		editions:  registrationv1.NewEditionServiceClient(conns.Registration),
		accounts:  registrationv1.NewAccountServiceClient(conns.Registration),
	}
	existing, err := c.venues.ListVenues(ctx, &venuev1.ListVenuesRequest{PageSize: 1}, c.as)
	if err != nil {
		return Info{}, err
	}
	if len(existing.GetVenues()) == 0 {
		if err := c.seed(ctx, &info); err != nil {
			return Info{}, err
		}
		info.TerminalCredential = ""
	}
	if info.TerminalCredential == "" {
		if err := c.provision(ctx, &info); err != nil {
			return Info{}, err
		}
	}
	b, _ := json.MarshalIndent(info, "", "  ")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return Info{}, err
	}
	return info, nil
}

type clients struct {
	as        grpc.CallOption
	venues    venuev1.VenueServiceClient
	terminals venuev1.TerminalServiceClient
	acts      registrationv1.ActivityServiceClient
	units     registrationv1.UnitServiceClient
	editions  registrationv1.EditionServiceClient
	accounts  registrationv1.AccountServiceClient
}

// randomPassword makes a 16-character password that meets the password rules (letters and
// digits both).
func randomPassword() string {
	for {
		b := make([]byte, 10)
		_, _ = rand.Read(b)
		s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:16]
		if strings.ContainsAny(s, "234567") && strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			return s
		}
	}
}

// seed registers venues, organizer units and their activities in the 2024 edition (approved),
// opens the live demo edition with sign-up activities, and creates the staff accounts.
func (c clients) seed(ctx context.Context, info *Info) error {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return err
	}
	if err := c.openLiveEdition(ctx, loc); err != nil {
		return err
	}
	rng := mrand.New(mrand.NewPCG(2024, 525)) // the same demo every time
	type job struct {
		c    county
		v    venueSpec
		past []activitySpec
		live []activitySpec
	}
	var jobs []job
	week2024 := time.Date(2024, 5, 25, 0, 0, 0, 0, loc)
	now := time.Now().In(loc)
	tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, loc)
	today := tomorrow.AddDate(0, 0, -1)
	for _, ct := range counties {
		for i, v := range ct.venues() {
			j := job{c: ct, v: v, past: activities(rng, week2024, 8, 4, ct, v)}
			if i == 0 { // each county's first venue also runs two activities of the live week
				j.live = activities(rng, tomorrow, 6, 2, ct, v)
			}
			// Every venue opens its doors for the whole live week: tickets to it admit at any
			// hour the demo runs, so terminals and the load generator have something to scan.
			j.live = append(j.live, openDay(ct, v, today))
			jobs = append(jobs, j)
		}
	}
	var mu sync.Mutex
	firstVenue, openDay := make([]string, len(jobs)), make([]string, len(jobs))
	unitOf := map[string]string{} // county + unit name -> id
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i, j := range jobs {
		g.Go(func() error {
			ctx := gctx
			v, err := c.venues.CreateVenue(ctx, &venuev1.CreateVenueRequest{Details: &venuev1.VenueDetails{
				Name: j.v.name, Kind: j.v.kind, CountyCode: j.c.code, Address: j.v.address, SafeCapacity: j.v.capacity,
				SafetyPlanOnFile: j.v.capacity >= 1000}}, c.as)
			if err != nil {
				return fmt.Errorf("venue %s: %w", describe(j.c, j.v), err)
			}
			firstVenue[i] = v.GetVenue().GetId()
			for _, a := range j.past {
				unit, err := c.unit(ctx, &mu, unitOf, j.c.code, a.organizer, unitKind(j.v))
				if err != nil {
					return err
				}
				if _, err := c.approved(ctx, "2024", unit, v.GetVenue().GetId(), a); err != nil {
					return err
				}
			}
			for _, a := range j.live {
				unit, err := c.unit(ctx, &mu, unitOf, j.c.code, a.organizer, unitKind(j.v))
				if err != nil {
					return err
				}
				if a.places == 0 {
					a.places = 30
				}
				id, err := c.approved(ctx, LiveEdition, unit, v.GetVenue().GetId(), a)
				if err != nil {
					return err
				}
				openDay[i] = id // the last is the venue's open day, in session whenever the demo runs

			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// The demo terminal records into the edition that runs this week: a walk-in recorded today
	// for the 2024 week would be refused as out of its time.
	info.VenueID, info.ActivityID, info.LiveEdition = firstVenue[0], openDay[0], LiveEdition
	return c.staff(ctx, info, unitOf)
}

// unit returns the id of a county's unit of that name, registering it the first time.
func (c clients) unit(ctx context.Context, mu *sync.Mutex, known map[string]string, county, name string, kind registrationv1.UnitKind) (string, error) {
	mu.Lock()
	defer mu.Unlock() // units are few; registering them one at a time keeps names unique
	key := county + "/" + name
	if id, ok := known[key]; ok {
		return id, nil
	}
	u, err := c.units.CreateUnit(ctx, &registrationv1.CreateUnitRequest{Name: name, CountyCode: county, Kind: kind}, c.as)
	if err != nil {
		return "", fmt.Errorf("unit %s: %w", name, err)
	}
	known[key] = u.GetUnit().GetId()
	return known[key], nil
}

// approved registers an activity, submits and approves it, and returns its id.
func (c clients) approved(ctx context.Context, edition, unit, venue string, a activitySpec) (string, error) {
	d := &registrationv1.ActivityDetails{
		Title: a.title, Form: a.form, TargetGroups: a.groups, VenueId: venue, RequiresSignup: a.places > 0, MajorDemonstration: a.major,
		WorkersDayJoint: a.starts.Month() == time.May && a.starts.Day() == 30,
		Sessions:        []*registrationv1.Session{{StartsAt: timestamppb.New(a.starts), EndsAt: timestamppb.New(a.ends), Places: a.places}},
		Description:     "面向公众开放，欢迎参加。",
	}
	if a.major { // a major demonstration activity is approved only with its safety plan
		d.SafetyPlan = &registrationv1.SafetyPlan{Person: "安全负责人", Phone: "0351-4222068", CapacityControl: "按场馆安全容量分时段入场，满员即停止入场",
			EvacuationRoute: "按场馆疏散指示从最近的安全出口撤离", MedicalPoint: "入口服务台旁", EmergencyPlan: "发生险情时由安全负责人统一指挥疏散，同时拨打 110、119、120。"}
	}
	created, err := c.acts.CreateActivity(ctx, &registrationv1.CreateActivityRequest{EditionId: edition, UnitId: unit, Details: d}, c.as)
	if err != nil {
		return "", fmt.Errorf("activity %q: %w", a.title, err)
	}
	id := created.GetActivity().GetId()
	if _, err := c.acts.SubmitActivity(ctx, &registrationv1.SubmitActivityRequest{ActivityId: id}, c.as); err != nil {
		return "", err
	}
	if _, err := c.acts.ApproveActivity(ctx, &registrationv1.ApproveActivityRequest{ActivityId: id}, c.as); err != nil {
		return "", err
	}
	return id, nil
}

// openLiveEdition opens the demo edition that runs from today for a week.
func (c clients) openLiveEdition(ctx context.Context, loc *time.Location) error {
	now := time.Now().In(loc)
	ed := &registrationv1.Edition{
		Id: LiveEdition, Name: "科技活动周（演示）", Theme: "演示：报名、电子票与现场签到", TimeZone: loc.String(),
		StartsOn: now.Format(time.DateOnly), EndsOn: now.AddDate(0, 0, 7).Format(time.DateOnly), ReportDeadline: now.AddDate(0, 0, 17).Format(time.DateOnly),
		MaxVideoSeconds: 180,
	}
	for _, ct := range counties {
		ed.Counties = append(ed.Counties, &registrationv1.County{Code: ct.code, Name: ct.name})
	}
	_, err := c.editions.CreateEdition(ctx, &registrationv1.CreateEditionRequest{Edition: ed}, c.as)
	if status.Code(err) == codes.AlreadyExists {
		return nil
	}
	return err
}

// staff creates an admin account per county and an organizer account for the demo venue's unit.
func (c clients) staff(ctx context.Context, info *Info, units map[string]string) error {
	for _, ct := range counties {
		_, err := c.accounts.CreateAccount(ctx, &registrationv1.CreateAccountRequest{Username: "county-" + ct.code, Password: info.StaffPassword,
			Role: "county_admin", CountyCode: ct.code, DisplayName: ct.name + "科技局"}, c.as)
		if err != nil && status.Code(err) != codes.AlreadyExists {
			return fmt.Errorf("account of %s: %w", ct.name, err)
		}
	}
	first := counties[0]
	unit := units[first.code+"/"+first.landmarks[0].name]
	info.OrganizerUsername = "organizer-demo"
	_, err := c.accounts.CreateAccount(ctx, &registrationv1.CreateAccountRequest{Username: info.OrganizerUsername, Password: info.StaffPassword,
		Role: "organizer", CountyCode: first.code, UnitId: unit, DisplayName: first.landmarks[0].name}, c.as)
	if err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("organizer account: %w", err)
	}
	return nil
}

// provision gives the demo venue a terminal. After a lost demo.json it picks the first approved
// activity of the live edition and its venue.
func (c clients) provision(ctx context.Context, info *Info) error {
	if info.VenueID == "" {
		list, err := c.acts.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: LiveEdition, Status: registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED, PageSize: 1}, c.as)
		if err != nil {
			return err
		}
		if len(list.GetActivities()) == 0 {
			return errors.New("demo: the registry has venues but no approved activity to check in to")
		}
		info.VenueID, info.ActivityID = list.GetActivities()[0].GetDetails().GetVenueId(), list.GetActivities()[0].GetId()
	}
	v, err := c.venues.GetVenue(ctx, &venuev1.GetVenueRequest{VenueId: info.VenueID}, c.as)
	if err != nil {
		return err
	}
	a, err := c.acts.GetActivity(ctx, &registrationv1.GetActivityRequest{ActivityId: info.ActivityID}, c.as)
	if err != nil {
		return err
	}
	t, err := c.terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: info.VenueID, Name: "演示终端（东门）"}, c.as)
	if err != nil {
		return err
	}
	// The demo plays the device too: it types the setup code in at once.
	act, err := c.terminals.ActivateTerminal(ctx, &venuev1.ActivateTerminalRequest{SetupCode: t.GetSetupCode()})
	if err != nil {
		return err
	}
	info.TerminalCredential = act.GetCredential()
	info.VenueName, info.ActivityTitle = v.GetVenue().GetName(), a.GetActivity().GetDetails().GetTitle()
	return nil
}
