package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/loadgen"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// TrickleRate is the live trickle's check-ins per second over all its doors.
const TrickleRate = 3

// trickleDoors is how many venues of the live edition the trickle's doors stand at.
const trickleDoors = 6

// trickleDoor is a trickle terminal kept in <dataDir>/trickle.json, so a restart uses the same
// doors rather than provisioning more.
type trickleDoor struct {
	Credential string `json:"credential"`
	VenueID    string `json:"venue_id"`
	ActivityID string `json:"activity_id"`
	// Ends is when the open day ends: the trickle stops then, rather than send scans the
	// edition refuses as out of its time.
	Ends time.Time `json:"ends"`
}

// Trickle keeps a slow stream of check-ins going into the live demo edition, a few a second
// at the open days of a few venues, until ctx ends or the demo week is over (after it check-in
// would refuse every scan as out of the edition's time): the dashboard moves while someone watches.
// The records go through check-in like any door's (walk-ins, a few school classes, check-outs).
func Trickle(ctx context.Context, dataDir string, info Info, conns Conns) error {
	doors, err := trickleTerminals(ctx, dataDir, info, conns)
	if err != nil {
		return err
	}
	until := doors[0].Ends
	for _, d := range doors {
		if d.Ends.After(until) {
			until = d.Ends
		}
	}
	if time.Until(until) <= 0 {
		return errors.New("the demo edition's week is over; delete the data folder for a new one")
	}
	terminals := make([]loadgen.Terminal, len(doors))
	for i, d := range doors {
		// Sequences follow the clock, so a restart never reuses one the door sent before.
		terminals[i] = loadgen.Terminal{Credential: d.Credential, VenueID: d.VenueID, Activities: []string{d.ActivityID},
			Sequence: uint64(time.Now().UnixMicro())}
	}
	_, err = loadgen.Run(ctx, loadgen.Config{Conns: []grpc.ClientConnInterface{conns.Checkin}, Terminals: terminals,
		Duration: time.Until(until), Rate: TrickleRate, Batch: 1, Mix: loadgen.Mix{Group: 0.005, Checkout: 0.3}})
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// trickleTerminals returns the trickle's doors, provisioning them at the first start.
func trickleTerminals(ctx context.Context, dataDir string, info Info, conns Conns) ([]trickleDoor, error) {
	path := filepath.Join(dataDir, "trickle.json")
	var doors []trickleDoor
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &doors); err == nil && len(doors) > 0 && !doors[0].Ends.IsZero() {
			return doors, nil
		}
	}
	login, err := registrationv1.NewAccountServiceClient(conns.Registration).Login(ctx,
		&registrationv1.LoginRequest{Username: info.AdminUsername, Password: info.AdminPassword})
	if err != nil {
		return nil, err
	}
	as := grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	acts := registrationv1.NewActivityServiceClient(conns.Registration)
	terminals := venuev1.NewTerminalServiceClient(conns.Venue)
	seen := map[string]bool{}
	for token := ""; len(doors) < trickleDoors; {
		page, err := acts.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: LiveEdition,
			Status: registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED, PageSize: 1000, PageToken: token}, as)
		if err != nil {
			return nil, err
		}
		for _, a := range page.GetActivities() {
			if len(doors) == trickleDoors || !strings.HasPrefix(a.GetDetails().GetTitle(), OpenDayTitlePrefix) || seen[a.GetCountyCode()] {
				continue
			}
			seen[a.GetCountyCode()] = true // one venue per county, so several counties move
			p, err := terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: a.GetDetails().GetVenueId(), Name: "演示客流终端"}, as)
			if err != nil {
				return nil, err
			}
			act, err := terminals.ActivateTerminal(ctx, &venuev1.ActivateTerminalRequest{SetupCode: p.GetSetupCode()})
			if err != nil {
				return nil, err
			}
			var ends time.Time
			for _, ss := range a.GetDetails().GetSessions() {
				if e := ss.GetEndsAt().AsTime(); e.After(ends) {
					ends = e
				}
			}
			doors = append(doors, trickleDoor{Credential: act.GetCredential(), VenueID: a.GetDetails().GetVenueId(), ActivityID: a.GetId(), Ends: ends})
		}
		if token = page.GetNextPageToken(); token == "" {
			break
		}
	}
	if len(doors) == 0 {
		return nil, fmt.Errorf("edition %s has no open day to send the trickle to", LiveEdition)
	}
	return doors, writeJSON(path, doors)
}
