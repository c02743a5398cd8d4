package main

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
)

// noOverflow fails when the page is wider than the phone: nothing may scroll sideways.
func noOverflow(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	got := evalString(t, ctx, `(() => { const d = document.documentElement; return d.scrollWidth + '/' + window.innerWidth })()`)
	var scroll, inner int
	if _, err := fmt.Sscanf(got, "%d/%d", &scroll, &inner); err != nil {
		t.Fatalf("%s: %q: %v", page, got, err)
	}
	if inner != 375 || scroll > inner {
		t.Errorf("%s: the page is %d px wide in a %d px window (want a phone's 375 and no sideways scroll)", page, scroll, inner)
	}
}

// pageWait polls a condition in a public page; on a timeout it says where the page is.
func pageWait(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("%s: %v\nat %s\n%s", what, err, evalString(t, ctx, `location.href`), text(ctx, "main"))
	}
}

// TestPublicPagesOnAPhone is the public side on a 375 px phone in real Chromium against the whole
// system: the list filtered by county (the select) and by day (the calendar), the filter kept in
// the address and restored from it, an activity's page with its poster whose QR code is the
// page's address, a sign-up, and the sign-up found again by phone number and manage code. No
// page scrolls sideways. The shared link's HTML carries the activity's card for chat apps.
// Screenshots go to ScreenshotsDir.
func TestPublicPagesOnAPhone(t *testing.T) {
	t.Parallel()
	s := startDemo(t)
	ctx := context.Background()
	reg := dialTest(t, s.st.Addrs.Registration)
	ed, err := registrationv1.NewEditionServiceClient(reg).GetEdition(ctx, &registrationv1.GetEditionRequest{EditionId: demo.LiveEdition})
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation(ed.GetEdition().GetTimeZone())
	if err != nil {
		t.Fatal(err)
	}

	// An activity of the running week that takes sign-ups, with a session still ahead.
	list, err := registrationv1.NewSignupServiceClient(reg).ListPublicActivities(ctx, &registrationv1.ListPublicActivitiesRequest{
		EditionId: demo.LiveEdition, SignupOnly: true, PageSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	var (
		act     *registrationv1.PublicActivity
		session *registrationv1.Session
	)
	for _, a := range list.GetActivities() {
		for _, ses := range a.GetDetails().GetSessions() {
			if act == nil && ses.GetStartsAt().AsTime().After(time.Now().Add(time.Hour)) {
				act, session = a, ses
			}
		}
	}
	if act == nil {
		t.Fatalf("none of the %d public activities of %s has a session ahead to sign up for", len(list.GetActivities()), demo.LiveEdition)
	}
	day := session.GetStartsAt().AsTime().In(loc).Format(time.DateOnly)
	county := act.GetCountyCode()
	countyName := county
	for _, c := range ed.GetEdition().GetCounties() {
		if c.GetCode() == county {
			countyName = c.GetName()
		}
	}

	// Headless Chromium's window is at least 500 px wide: the viewport is set to a phone's.
	phone := chromiumFor(t, 3*time.Minute, 375, 812)
	// The list, then the county from its select and the day from the calendar.
	if err := chromedp.Do(phone, chromedp.EmulateViewport(375, 812), chromedp.Navigate(s.base+"/public?edition="+demo.LiveEdition)); err != nil {
		t.Fatal(err)
	}
	pageWait(t, phone, "the calendar and the list", fmt.Sprintf(`!!document.querySelector('.calendar [data-day=%q]') && document.querySelectorAll('[data-activity]').length > 0`, day))
	noOverflow(t, phone, "the list")
	screenshot(t, phone, "public-list.png")
	click(t, phone, "#filter-county")
	pageWait(t, phone, "the county's option", fmt.Sprintf(`[...document.querySelectorAll('.el-select-dropdown__item')].some((li) => li.textContent.trim() === %q && li.offsetParent !== null)`, countyName))
	evalString(t, phone, fmt.Sprintf(`(() => { [...document.querySelectorAll('.el-select-dropdown__item')].find((li) => li.textContent.trim() === %q && li.offsetParent !== null).click(); return '' })()`, countyName))
	pageWait(t, phone, "the county in the address", fmt.Sprintf(`new URLSearchParams(location.search).get('county') === %q`, county))
	click(t, phone, fmt.Sprintf(`.calendar [data-day=%q]`, day))
	card := fmt.Sprintf(`[data-activity=%q]`, act.GetId())
	pageWait(t, phone, "the day's list with the activity", fmt.Sprintf(`new URLSearchParams(location.search).get('day') === %q && !!document.querySelector(%q) && document.querySelector('.calendar [data-day=%q]').classList.contains('active')`, day, card, day))
	// Every card shown is of the county and has a session that day.
	shown := evalString(t, phone, `[...document.querySelectorAll('[data-activity]')].map((c) => c.dataset.activity).join(',')`)
	for _, id := range strings.Split(shown, ",") {
		var found *registrationv1.PublicActivity
		for _, a := range list.GetActivities() {
			if a.GetId() == id {
				found = a
			}
		}
		if found != nil && found.GetCountyCode() != county {
			t.Errorf("the list filtered to %s shows %s of %s", county, id, found.GetCountyCode())
		}
	}
	if got := text(phone, "#list-summary"); !strings.Contains(got, countyName) {
		t.Errorf("the summary says %q, want the county %s", got, countyName)
	}
	noOverflow(t, phone, "the filtered list")
	screenshot(t, phone, "public-list-county-day.png")

	// The filtered list is a link: opened again, it shows the same filter.
	shared := evalString(t, phone, `location.href`)
	if err := chromedp.Do(phone, chromedp.Navigate(shared)); err != nil {
		t.Fatal(err)
	}
	pageWait(t, phone, "the shared link's list", fmt.Sprintf(`!!document.querySelector(%q) && document.querySelector('.calendar [data-day=%q]')?.classList.contains('active')`, card, day))
	if got := text(phone, "#list-summary"); !strings.Contains(got, countyName) {
		t.Errorf("the shared link's summary says %q, want the county %s", got, countyName)
	}

	// The activity's page and its poster: the QR code is the page's address.
	click(t, phone, card)
	pageWait(t, phone, "the poster", `(document.querySelector('#poster')?.getAttribute('src') ?? '').startsWith('data:image/png') && document.querySelector('#poster').naturalWidth === 750`)
	pageURL := s.base + "/public/activities/" + act.GetId()
	if got := evalString(t, phone, `document.querySelector('#poster').dataset.url`); got != pageURL {
		t.Errorf("the poster links to %q, want %q", got, pageURL)
	}
	qrSrc, err := url.Parse(evalString(t, phone, `document.querySelector('#poster').dataset.qr`))
	if err != nil {
		t.Fatal(err)
	}
	if qrSrc.Query().Get("data") != pageURL {
		t.Errorf("the poster's QR code says %q, want %q", qrSrc.Query().Get("data"), pageURL)
	}
	// The QR code drawn on the poster is the gateway's, byte for byte the page address's code.
	resp, err := http.Get(s.base + qrSrc.String())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	size, err := strconv.Atoi(qrSrc.Query().Get("size"))
	if err != nil {
		t.Fatalf("the poster's QR image has no size: %s", qrSrc)
	}
	want, err := qrcode.Encode(pageURL, qrcode.Medium, size)
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(got, want) {
		t.Errorf("the poster's QR image (%d, %d bytes) is not the QR code of %s (%v)", resp.StatusCode, len(got), pageURL, err)
	}
	if save := evalString(t, phone, `document.querySelector('#poster-save')?.getAttribute('download') ?? ''`); !strings.HasSuffix(save, "-海报.png") {
		t.Errorf("the save button downloads %q", save)
	}
	noOverflow(t, phone, "the activity")
	screenshot(t, phone, "public-activity-poster.png")

	// The shared link's HTML, as a chat app fetches it, has the activity's card.
	resp, err = http.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	og := fmt.Sprintf(`<meta property="og:title" content="%s" />`, html.EscapeString(act.GetDetails().GetTitle()+" · "+ed.GetEdition().GetName()))
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(og)) || !bytes.Contains(body, []byte(`<meta property="og:url" content="`+pageURL+`" />`)) {
		t.Errorf("the shared link's page lacks %s:\n%s", og, body)
	}

	// Sign up for the session.
	click(t, phone, fmt.Sprintf(`[data-session=%q] button`, session.GetId()))
	mobile := fmt.Sprintf("136%08d", time.Now().UnixNano()%100000000)
	if err := chromedp.Do(phone, chromedp.WaitVisible(`#signup-name`), chromedp.SendKeys(`#signup-name`, "张小华"),
		chromedp.SendKeys(`#signup-phone`, mobile),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('input[value="AGE_GROUP_ADULT"]').closest('label').click()`)); err != nil {
		t.Fatal(err)
	}
	click(t, phone, "#signup-submit")
	pageWait(t, phone, "the sign-up's manage code", `(document.querySelector('#manage-code')?.textContent ?? '').trim().length > 0 && !!document.querySelector('#signup-id')`)
	code := strings.TrimSpace(text(phone, "#manage-code"))
	signupID := strings.TrimSpace(text(phone, "#signup-id"))
	noOverflow(t, phone, "the sign-up")
	screenshot(t, phone, "public-signup-done.png")

	// "My sign-ups": the phone number and the manage code find it again.
	if err := chromedp.Do(phone, chromedp.Navigate(s.base+"/public/lookup"), chromedp.WaitVisible(`#lookup-phone`),
		chromedp.SendKeys(`#lookup-phone`, mobile[:3]+" "+mobile[3:7]+" "+mobile[7:]), chromedp.SendKeys(`#lookup-code`, code)); err != nil {
		t.Fatal(err)
	}
	noOverflow(t, phone, "the lookup")
	screenshot(t, phone, "public-lookup.png")
	click(t, phone, "#lookup-submit")
	pageWait(t, phone, "the sign-up found", fmt.Sprintf(`location.pathname === '/public/signups/%s' && (document.querySelector('#signup-status')?.textContent ?? '').trim() !== ''`, signupID))
	noOverflow(t, phone, "the sign-up found")
	screenshot(t, phone, "public-lookup-found.png")

	// A wrong code finds nothing, and says so.
	if err := chromedp.Do(phone, chromedp.Navigate(s.base+"/public/lookup"), chromedp.WaitVisible(`#lookup-phone`),
		chromedp.SendKeys(`#lookup-phone`, mobile), chromedp.SendKeys(`#lookup-code`, "WRONGCODE")); err != nil {
		t.Fatal(err)
	}
	click(t, phone, "#lookup-submit")
	pageWait(t, phone, "the refusal", `(document.querySelector('#lookup-error')?.textContent ?? '').includes('没有找到')`)
}
