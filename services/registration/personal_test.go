package registration_test

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/pkg/auth"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/registration"
)

// movable is a clock the test moves forward.
type movable struct{ ahead atomic.Int64 }

func (m *movable) Now() time.Time          { return time.Now().Add(time.Duration(m.ahead.Load())) }
func (m *movable) Forward(d time.Duration) { m.ahead.Add(int64(d)) }
func clock(m *movable) func(*registration.Config) {
	return func(c *registration.Config) { c.Now = m.Now }
}

// TestPhonesShowOnlyToThoseWhoManageTheActivity: 138****8001 only for the activity's organizer
// unit, its county's admins and the city admin; the public sign-up's answers show 1**********,
// and the refusal of a second sign-up names no phone (#12: "phone 138****8001 already holds a
// place in this session").
func TestPhonesShowOnlyToThoseWhoManageTheActivity(t *testing.T) {
	t.Parallel()
	f := start(t)
	a, session := f.liveActivity(0)
	resp, err := f.signUp(a.GetId(), session, "13800138001")
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.GetSignup().GetPhoneMasked(); got != "1**********" {
		t.Fatalf("the public answer shows %q", got)
	}
	_, err = f.signUp(a.GetId(), session, "138 0013 8001")
	if status.Code(err) != codes.AlreadyExists || strings.Contains(err.Error(), "138") || strings.Contains(err.Error(), "8001") {
		t.Fatalf("a second sign-up with the phone: %v", err)
	}
	list := func(p auth.Principal) (string, error) {
		resp, err := f.signups.ListSignups(context.Background(), &registrationv1.ListSignupsRequest{ActivityId: a.GetId()}, f.as(p))
		if err != nil {
			return "", err
		}
		return resp.GetSignups()[0].GetPhoneMasked(), nil
	}
	for _, tt := range []struct {
		name string
		p    auth.Principal
		want string
		code codes.Code
	}{
		{"its organizer unit", auth.Principal{Subject: "org-own", Role: auth.RoleOrganizer, CountyCode: "140105", UnitID: a.GetUnitId()}, "138****8001", codes.OK},
		{"its county's admin", testkit.CountyAdmin("140105"), "138****8001", codes.OK},
		{"the city admin", testkit.CityAdmin(), "138****8001", codes.OK},
		{"another unit's organizer", auth.Principal{Subject: "org-other", Role: auth.RoleOrganizer, CountyCode: "140105", UnitID: f.unit("140105", "别的单位").GetId()}, "", codes.NotFound},
		{"another county's admin", testkit.CountyAdmin("140106"), "", codes.NotFound},
		{"a viewer", auth.Principal{Subject: "viewer", Role: auth.RoleViewer}, "", codes.PermissionDenied},
	} {
		got, err := list(tt.p)
		if status.Code(err) != tt.code || got != tt.want {
			t.Errorf("%s sees %q (%v), want %q (%v)", tt.name, got, err, tt.want, tt.code)
		}
	}
}

// TestPersonalDataIsErasedAndTheCountsStay reproduces #12's finding (names and phones of
// sign-ups, many of them minors, kept forever): the city admin erases an edition's personal
// data once its week is over, the retention rule does it on its own after the retention days,
// and the sign-ups and every count stay.
func TestPersonalDataIsErasedAndTheCountsStay(t *testing.T) {
	t.Parallel()
	clk := &movable{}
	f := start(t, clock(clk), func(c *registration.Config) { c.RetentionEvery = 20 * time.Millisecond })
	ctx := context.Background()
	a, session := f.liveActivity(2)
	for _, phone := range []string{"13800138001", "13800138002", "13800138003"} {
		if _, err := f.signUp(a.GetId(), session, phone); err != nil {
			t.Fatal(err)
		}
	}
	erase := func(as auth.Principal) (*registrationv1.ErasePersonalDataResponse, error) {
		return f.editions.ErasePersonalData(ctx, &registrationv1.ErasePersonalDataRequest{EditionId: "live"}, f.as(as))
	}
	if _, err := erase(testkit.CityAdmin()); status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("erasing during the week: %v", err)
	}
	clk.Forward(9 * 24 * time.Hour) // the week is over, the reports are not in
	if _, err := erase(testkit.CountyAdmin("140105")); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("a county admin erasing: %v", err)
	}
	resp, err := erase(testkit.CityAdmin())
	if err != nil || resp.GetErasedSignups() != 3 || resp.GetEdition().GetPersonalDataErasedAt() == nil {
		t.Fatalf("erasure: %v %v", resp, err)
	}
	list, err := f.signups.ListSignups(ctx, &registrationv1.ListSignupsRequest{ActivityId: a.GetId()}, f.city)
	if err != nil || len(list.GetSignups()) != 3 {
		t.Fatalf("sign-ups after the erasure: %v %v", list, err)
	}
	statuses := map[registrationv1.SignupStatus]int{}
	for _, s := range list.GetSignups() {
		statuses[s.GetStatus()]++
		if s.GetName() != "" || s.GetPhoneMasked() != "" {
			t.Fatalf("a sign-up kept %q %q", s.GetName(), s.GetPhoneMasked())
		}
	}
	got, err := f.activities.GetActivity(ctx, &registrationv1.GetActivityRequest{ActivityId: a.GetId()}, f.city)
	ses := got.GetActivity().GetDetails().GetSessions()[0]
	if err != nil || statuses[registrationv1.SignupStatus_SIGNUP_STATUS_CONFIRMED] != 2 || statuses[registrationv1.SignupStatus_SIGNUP_STATUS_WAITING] != 1 ||
		ses.GetConfirmed() != 2 || ses.GetWaiting() != 1 {
		t.Fatalf("counts after the erasure: %v, session %v (%v)", statuses, ses, err)
	}

	// The retention rule erases on its own, 30 days (by default) after the report deadline.
	later := &movable{}
	g := start(t, clock(later), func(c *registration.Config) { c.RetentionEvery = 20 * time.Millisecond })
	b, s := g.liveActivity(0)
	if _, err := g.signUp(b.GetId(), s, "13900139001"); err != nil {
		t.Fatal(err)
	}
	later.Forward(47 * 24 * time.Hour) // the report deadline (14 days on), its day and 30 days more: due
	testkit.Eventually(t, 5*time.Second, func() error {
		list, err := g.signups.ListSignups(ctx, &registrationv1.ListSignupsRequest{ActivityId: b.GetId()}, g.city)
		if err != nil {
			return err
		}
		if n := list.GetSignups()[0].GetName(); n != "" {
			return status.Errorf(codes.FailedPrecondition, "name %q kept", n)
		}
		return nil
	})
}

// TestThePhoneKeyLeavesTheDatabase: hashes made with the key the database used to hold are
// re-keyed with the key from outside at start, and the stored key is deleted.
func TestThePhoneKeyLeavesTheDatabase(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	a, session := f.liveActivity(0)
	resp, err := f.signUp(a.GetId(), session, "13700137001")
	if err != nil {
		t.Fatal(err)
	}
	// As before: the key in signing_keys, the hash made with it.
	seed := make([]byte, ed25519.SeedSize)
	copy(seed, "an old phone key kept in the db!")
	old := hmac.New(sha256.New, seed)
	old.Write([]byte("13700137001"))
	if _, err := f.pool.Exec(ctx, `INSERT INTO signing_keys (purpose, private_key) VALUES ('phone-hash', $1)`, seed); err != nil {
		t.Fatal(err)
	}
	if _, err := f.pool.Exec(ctx, `UPDATE signups SET phone_hash = $2 WHERE id = $1`, resp.GetSignup().GetId(), old.Sum(nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := registration.New(ctx, f.cfg); err != nil {
		t.Fatal(err)
	}
	var stored []byte
	var keys int
	if err := f.pool.QueryRow(ctx, `SELECT phone_hash, (SELECT count(*) FROM signing_keys WHERE purpose = 'phone-hash') FROM signups WHERE id = $1`,
		resp.GetSignup().GetId()).Scan(&stored, &keys); err != nil {
		t.Fatal(err)
	}
	fresh := hmac.New(sha256.New, f.cfg.PhoneKey)
	fresh.Write([]byte("13700137001"))
	if keys != 0 || !hmac.Equal(stored, fresh.Sum(nil)) {
		t.Fatalf("after the start: %d stored keys, hash re-keyed: %v", keys, hmac.Equal(stored, fresh.Sum(nil)))
	}
	// The phone still holds its one place.
	if _, err := f.signUp(a.GetId(), session, "13700137001"); status.Code(err) != codes.AlreadyExists {
		t.Fatalf("the same phone again: %v", err)
	}
}
