package main

import (
	"context"
	"encoding/base32"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	qrcode "github.com/skip2/go-qrcode"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/pkg/ticket"
)

// setVenueCapacity changes a venue's safe capacity in the registry, as its county admin would.
func setVenueCapacity(t testing.TB, venues venuev1.VenueServiceClient, admin grpc.CallOption, venueID string, n uint32) {
	t.Helper()
	ctx := context.Background()
	v, err := venues.GetVenue(ctx, &venuev1.GetVenueRequest{VenueId: venueID}, admin)
	if err != nil {
		t.Fatal(err)
	}
	cur := v.GetVenue()
	details := &venuev1.VenueDetails{Name: cur.GetName(), Kind: cur.GetKind(), CountyCode: cur.GetCountyCode(), Address: cur.GetAddress(),
		Coordinates: cur.GetCoordinates(), SafeCapacity: n, ContactName: cur.GetContactName(), ContactPhone: cur.GetContactPhone(),
		SafetyPlanOnFile: cur.GetSafetyPlanOnFile()}
	if _, err := venues.UpdateVenue(ctx, &venuev1.UpdateVenueRequest{VenueId: venueID, Details: details}, admin); err != nil {
		t.Fatal(err)
	}
}

// dialTest connects to a service of the test's system.
func dialTest(t testing.TB, addr string) *grpc.ClientConn {
	t.Helper()
	c, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// qrPNG draws text's QR code as a real ticket's would be, in the test's folder.
func qrPNG(t testing.TB, text string) (dir, png string) {
	t.Helper()
	dir = t.TempDir()
	png = filepath.Join(dir, "qr.png")
	if err := qrcode.WriteFile(text, qrcode.Medium, 400, png); err != nil {
		t.Fatal(err)
	}
	return dir, png
}

// qrVideo makes the video Chromium's fake camera plays: text's QR code, looped for a few seconds
// into a y4m file.
func qrVideo(t testing.TB, text string) string {
	t.Helper()
	dir, png := qrPNG(t, text)
	y4m := filepath.Join(dir, "qr.y4m")
	testkit.FFmpeg(t, "-loop", "1", "-i", png, "-t", "3", "-r", "10",
		"-vf", "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2:white", "-pix_fmt", "yuv420p", y4m)
	return y4m
}

// doorBrowser is a phone-sized Chromium whose camera shows video (if set).
func doorBrowser(t testing.TB, video string) context.Context {
	t.Helper()
	// The door tests run beside the others under the race detector: give them time.
	return doorBrowserFor(t, 5*time.Minute, video)
}

// doorBrowserFor is doorBrowser for a session of at most d.
func doorBrowserFor(t testing.TB, d time.Duration, video string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{chromedp.Flag("use-fake-ui-for-media-stream", true), chromedp.Flag("autoplay-policy", "no-user-gesture-required")}
	if video != "" {
		opts = append(opts, chromedp.Flag("use-fake-device-for-media-stream", true), chromedp.Flag("use-file-for-fake-video-capture", video))
	}
	return chromiumFor(t, d, 390, 844, opts...)
}

// offline cuts the page's network (service worker included) or gives it back, as DevTools'
// network panel does.
func offline(t testing.TB, ctx context.Context, off bool) {
	t.Helper()
	yes := true
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			EmulateOfflineServiceWorker: &yes,
			MatchedNetworkConditions:    []*network.Conditions{{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}},
		}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
	if err != nil {
		t.Fatalf("network offline=%v: %v", off, err)
	}
}

// evalString runs a script in the page and returns its string value.
// ticketIDs reads a payload's activity, session and ticket ids (pkg/ticket's layout: version,
// edition, then the three ids), without checking its signature.
func ticketIDs(t testing.TB, payload string) (activity, session, id uuid.UUID) {
	t.Helper()
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimPrefix(payload, ticket.Prefix))
	if err != nil || len(raw) < 2 || len(raw) < 2+int(raw[1])+48 {
		t.Fatalf("ticket %q: %v", payload, err)
	}
	at := 2 + int(raw[1])
	copy(activity[:], raw[at:at+16])
	copy(session[:], raw[at+16:at+32])
	copy(id[:], raw[at+32:at+48])
	return activity, session, id
}

// ticketActivityOf names the activity and session a ticket admits to.
func ticketActivityOf(t testing.TB, payload string) (activity, session string) {
	t.Helper()
	a, s, _ := ticketIDs(t, payload)
	return a.String(), s.String()
}

// shortCodeOf is the short code printed under a ticket's QR code.
func shortCodeOf(t testing.TB, payload string) string {
	t.Helper()
	_, _, id := ticketIDs(t, payload)
	return ticket.ShortCode(id)
}

func evalString(t testing.TB, ctx context.Context, js string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitFor polls a condition in the page; on a timeout it says what the door shows.
func doorWait(t testing.TB, ctx context.Context, what, cond string, d time.Duration) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(d))); err != nil {
		t.Fatalf("door: %s: %v\nstatus: %s\nanswer: %s", what, err, text(ctx, "#status-bar"), text(ctx, "#answer"))
	}
}

// answer waits for the door's answer after the nth and returns its outcome and reason code.
func answer(t testing.TB, ctx context.Context, after int) (outcome, reason string, n int) {
	t.Helper()
	doorWait(t, ctx, fmt.Sprintf("answer %d", after+1), fmt.Sprintf(`Number(document.querySelector('#answer')?.dataset.count ?? 0) > %d`, after), 20*time.Second)
	got := evalString(t, ctx, `(() => { const a = document.querySelector('#answer'); return [a.dataset.outcome, a.dataset.reason, a.dataset.count].join('|') })()`)
	parts := strings.Split(got, "|")
	n, _ = strconv.Atoi(parts[2])
	return parts[0], parts[1], n
}

func answers(t testing.TB, ctx context.Context) int {
	t.Helper()
	n, _ := strconv.Atoi(evalString(t, ctx, `document.querySelector('#answer')?.dataset.count ?? '0'`))
	return n
}

// pair opens the door app with a setup code in its address, as scanning the console's QR code
// with a phone's camera does, and waits until it is paired and synced.
func pair(t testing.TB, ctx context.Context, base, code string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/door/?setup="+code)); err != nil {
		t.Fatal(err)
	}
	doorWait(t, ctx, "paired and synced", `document.body.dataset.ready === 'scan'`, 30*time.Second)
}

// click clicks an element as a tap would, wherever the page has it.
func click(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	evalString(t, ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) throw new Error('no %s'); e.click(); return '' })()`, sel, sel))
}

// waitingRecords lists what the door's IndexedDB queue holds that is not uploaded, oldest
// first, one line each, for a failure message: a count that is off says which record it was.
func waitingRecords(t testing.TB, ctx context.Context) string {
	t.Helper()
	return evalString(t, ctx, `new Promise((resolve) => {
		const req = indexedDB.open('sciweek-door')
		req.onerror = () => resolve('cannot open the queue: ' + req.error)
		req.onsuccess = () => {
			const all = req.result.transaction('queue').objectStore('queue').getAll()
			all.onerror = () => resolve('cannot read the queue: ' + all.error)
			all.onsuccess = () => resolve(all.result.filter((r) => !r.uploaded).slice(-8).map((r) =>
				[r.sequence, r.kind, new Date(r.occurredAt).toISOString(), r.local?.outcome, r.local?.reason ?? '', (r.payload ?? '').slice(0, 24), r.failed ?? ''].join(' ')).join('\n'))
		}
	})`)
}

func pendingCount(t testing.TB, ctx context.Context) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(evalString(t, ctx, `document.querySelector('#pending-count')?.textContent ?? ''`)))
	if err != nil {
		t.Fatalf("pending count: %v", err)
	}
	return n
}

// TestDoorAppInChromium is the door as venue staff use it, in real Chromium against the whole
// system: a phone pairs with a setup code, scans a signed ticket by camera (admitted, then
// "already admitted"), goes offline and keeps counting through a reload, comes back and every
// record counts once; two doors admit one ticket offline and the second is told of the double
// entry; a hardware scanner's burst of keys is read as one code; at the alarm level each
// admission asks first; a revoked door stops. Screenshots of each answer go to ScreenshotsDir.
func TestDoorAppInChromium(t *testing.T) {
	t.Parallel()
	s := startDemo(t)
	ctx := context.Background()
	venueConn := dialTest(t, s.st.Addrs.Venue)
	terminals := venuev1.NewTerminalServiceClient(venueConn)
	venues := venuev1.NewVenueServiceClient(venueConn)

	// The venue of the first simulated terminal, and its tickets from the public sign-up.
	door := s.world.Terminals[0]
	if len(door.Tickets) < 5 {
		t.Fatalf("the demo gave the venue %d tickets, want 5", len(door.Tickets))
	}
	provision := func(name string) (id, code string) {
		p, err := terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: door.VenueID, Name: name}, s.admin)
		if err != nil {
			t.Fatal(err)
		}
		return p.GetTerminal().GetId(), p.GetSetupCode()
	}
	door2ID, code2 := provision("2号门")

	participations := func() int64 {
		resp, err := s.stats.GetDashboard(ctx, &reportingv1.GetDashboardRequest{EditionId: demo.LiveEdition}, s.admin)
		if err != nil {
			t.Fatal(err)
		}
		return resp.GetDashboard().GetTotals().GetParticipations()
	}
	waitCounted := func(want int64) {
		t.Helper()
		testkit.Eventually(t, 20*time.Second, func() error {
			if got := participations(); got != want {
				return fmt.Errorf("dashboard shows %d participations, want %d", got, want)
			}
			return nil
		})
	}
	base := participations()
	setCapacity := func(n uint32) { setVenueCapacity(t, venues, s.admin, door.VenueID, n) }
	// A large hall first, so the 200 offline walk-ins below stay under its alarm level.
	setCapacity(100000)

	// Door 1 is registered on the console's venue page, which shows its setup code and the QR
	// code a phone's camera opens the door app with.
	desk := chromiumFor(t, 5*time.Minute, 1440, 1000) // the venue page is read again at the end
	signIn(t, desk, s.base, s.info.AdminUsername, s.info.AdminPassword)
	if err := chromedp.Do(desk, chromedp.Navigate(s.base+"/venues/"+door.VenueID), chromedp.WaitVisible(`#provision-terminal`)); err != nil {
		t.Fatal(err)
	}
	click(t, desk, "#provision-terminal")
	// The form suggests a name; the admin types their own over it.
	if err := chromedp.Do(desk, chromedp.WaitVisible(`#terminal-name`),
		chromedp.Evaluate[chromedp.Void](`(() => { const i = document.querySelector('#terminal-name'); i.value = ''; i.dispatchEvent(new Event('input', {bubbles: true})) })()`),
		chromedp.SendKeys(`#terminal-name`, "1号门")); err != nil {
		t.Fatal(err)
	}
	click(t, desk, "#provision-submit")
	doorWait(t, desk, "setup code shown", `(document.querySelector('#setup-code')?.textContent ?? '').trim().length >= 4 && !!document.querySelector('#setup-qr')?.complete`, 20*time.Second)
	code1 := strings.TrimSpace(text(desk, "#setup-code"))
	qrSrc := evalString(t, desk, `document.querySelector('#setup-qr').getAttribute('src')`)
	qrURL, err := url.Parse(qrSrc)
	if err != nil {
		t.Fatal(err)
	}
	pairURL := qrURL.Query().Get("data")
	if !strings.HasSuffix(pairURL, "/door/?setup="+url.QueryEscape(code1)) && !strings.HasSuffix(pairURL, "/door/?setup="+code1) {
		t.Fatalf("the console's QR code says %q for setup code %q", pairURL, code1)
	}
	screenshot(t, desk, "console-setup-code.png")

	// A visitor signs up on the public page, on a phone, for a session at the venue; the page
	// shows the ticket's QR code and its short code.
	activityID, sessionID := ticketActivityOf(t, door.Tickets[0])
	visitor := chromium(t, 390, 844)
	if err := chromedp.Do(visitor, chromedp.Navigate(s.base+"/public/activities/"+activityID),
		chromedp.WaitVisible(fmt.Sprintf(`[data-session="%s"] button`, sessionID))); err != nil {
		t.Fatal(err)
	}
	click(t, visitor, fmt.Sprintf(`[data-session="%s"] button`, sessionID))
	if err := chromedp.Do(visitor, chromedp.WaitVisible(`#signup-name`), chromedp.SendKeys(`#signup-name`, "王小明"),
		chromedp.SendKeys(`#signup-phone`, fmt.Sprintf("137%08d", time.Now().UnixNano()%100000000)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('input[value="AGE_GROUP_MINOR"]').closest('label').click()`)); err != nil {
		t.Fatal(err)
	}
	click(t, visitor, "#signup-submit")
	doorWait(t, visitor, "the ticket shown", `!!document.querySelector('#ticket-qr')?.complete && !!document.querySelector('#ticket-code')`, 20*time.Second)
	ticketSrc, err := url.Parse(evalString(t, visitor, `document.querySelector('#ticket-qr').getAttribute('src')`))
	if err != nil {
		t.Fatal(err)
	}
	visitorTicket := ticketSrc.Query().Get("data")
	if code := strings.ReplaceAll(text(visitor, "#ticket-code"), " ", ""); code != shortCodeOf(t, visitorTicket) {
		t.Fatalf("the ticket page shows the code %q, want %q", code, shortCodeOf(t, visitorTicket))
	}
	screenshot(t, visitor, "public-ticket.png")

	// Door 1: a phone whose camera sees the visitor's ticket opens what the console's QR code says.
	phone := doorBrowser(t, qrVideo(t, visitorTicket))
	if err := chromedp.Do(phone, chromedp.Navigate(pairURL)); err != nil {
		t.Fatal(err)
	}
	doorWait(t, phone, "paired and synced", `document.body.dataset.ready === 'scan'`, 30*time.Second)
	screenshot(t, phone, "door-ready.png")
	click(t, phone, "#camera-start")
	outcome, reason, n := answer(t, phone, 0)
	if outcome != "admitted" {
		t.Fatalf("first scan of the ticket: %s %s (%s)", outcome, reason, text(phone, "#answer"))
	}
	screenshot(t, phone, "door-admitted.png")
	// The door does not read a code again while it stays in view; shown again after a moment
	// (the camera closed and opened), the same ticket is already in.
	click(t, phone, "#camera-stop")
	time.Sleep(2 * time.Second)
	click(t, phone, "#camera-start")
	outcome, reason, _ = answer(t, phone, n)
	if outcome != "refused" || reason != "ALREADY_CHECKED_IN" || !strings.Contains(text(phone, "#answer-reason"), "已入场") {
		t.Fatalf("second scan of the ticket: %s %s (%s)", outcome, reason, text(phone, "#answer"))
	}
	screenshot(t, phone, "door-already-admitted.png")
	click(t, phone, "#camera-stop")
	doorWait(t, phone, "uploaded", `document.querySelector('#pending-count')?.textContent.trim() === '0'`, 20*time.Second)
	waitCounted(base + 1)

	// Offline: 200 walk-ins, the page reloaded in the middle, a ticket's short code typed in.
	// The door has its venue's tickets from its syncs before the network goes.
	doorWait(t, phone, "the venue's tickets synced", fmt.Sprintf(`Number(document.querySelector('#tickets-known')?.textContent) >= %d`, len(door.Tickets)), 20*time.Second)
	// Nothing of the online part still on its way: a scan the camera read as it stopped is
	// uploaded before the network goes (see the closing note's open question on lost taps).
	time.Sleep(2 * time.Second)
	doorWait(t, phone, "nothing left to upload", `document.querySelector('#pending-count')?.textContent.trim() === '0'`, 20*time.Second)
	offline(t, phone, true)
	doorWait(t, phone, "offline shown", `document.querySelector('#status-online')?.dataset.online === 'false'`, 10*time.Second)
	// Each tap is counted before the next (a volunteer's taps queue the same way, tapQueue); a
	// tap may wait long for its strictly durable IndexedDB write on a busy disk (CI's), so each
	// has 30 s rather than a fixed number of polls.
	tap := func(k int) {
		t.Helper()
		before := pendingCount(t, phone)
		evalString(t, phone, fmt.Sprintf(`(async () => {
			const b = document.querySelector('#walkin-young'), p = document.querySelector('#pending-count')
			for (let i = 0; i < %d; i++) {
				const want = %d + i + 1
				b.click()
				for (const until = Date.now() + 30000; Number(p.textContent) < want; ) {
					if (Date.now() > until) throw new Error('walk-in ' + want + ' not queued: ' + p.textContent)
					await new Promise(r => setTimeout(r, 5))
				}
			}
			return p.textContent
		})()`, k, before))
		if n := pendingCount(t, phone); n != before+k {
			t.Fatalf("after %d taps %d records wait, want %d; the last of them:\n%s", k, n, before+k, waitingRecords(t, phone))
		}
	}
	tap(100)
	if err := chromedp.Do(phone, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	doorWait(t, phone, "reopened offline", `document.body.dataset.ready === 'scan'`, 30*time.Second)
	// The camera the volunteer stopped stays stopped: reopened, the page must not scan the
	// ticket still held up to it (an extra refused record among the walk-ins).
	if on := evalString(t, phone, `String(!document.querySelector('#camera-stop').hidden) + ' ' + localStorage.getItem('door.camera')`); on != "false null" {
		t.Fatalf("after the reload the camera is %q (shown, remembered), want it stopped", on)
	}
	if n := pendingCount(t, phone); n != 100 {
		t.Fatalf("after the reload %d records wait, want 100; the last of them:\n%s", n, waitingRecords(t, phone))
	}
	tap(100)
	typeTicket := func(ctx context.Context, payload string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.SetValue(`#ticket-input`, payload)); err != nil {
			t.Fatal(err)
		}
		click(t, ctx, "#ticket-submit") // the button itself, whatever answer is on screen
	}
	n = answers(t, phone)
	// As a volunteer types what the person reads out: lower case, with a dash.
	typed := strings.ToLower(shortCodeOf(t, door.Tickets[1]))
	typeTicket(phone, typed[:4]+"-"+typed[4:])
	if outcome, reason, n = answer(t, phone, n); outcome != "admitted" {
		t.Fatalf("short code typed offline: %s %s (%s)", outcome, reason, text(phone, "#answer"))
	}
	screenshot(t, phone, "door-offline.png")
	// A code read out wrong is refused with what to do, and nothing is recorded.
	typeTicket(phone, "0000 0000")
	if outcome, reason, _ = answer(t, phone, n); outcome != "refused" || reason != "CODE_UNKNOWN" || !strings.Contains(text(phone, "#answer-reason"), "请核对或扫码") {
		t.Fatalf("unknown short code: %s %s (%s)", outcome, reason, text(phone, "#answer"))
	}
	screenshot(t, phone, "door-code-unknown.png")
	if got := pendingCount(t, phone); got != 201 {
		t.Fatalf("%d records wait, want 201; the last of them:\n%s", got, waitingRecords(t, phone))
	}
	if participations() != base+1 {
		t.Fatal("offline records reached the dashboard")
	}
	offline(t, phone, false)
	doorWait(t, phone, "all uploaded", `document.querySelector('#pending-count')?.textContent.trim() === '0'`, 30*time.Second)
	waitCounted(base + 1 + 200 + 1)

	// Two doors offline admit the same ticket: it counts once, and the door that was second
	// to upload shows the double entry.
	tablet := doorBrowser(t, "")
	pair(t, tablet, s.base, code2)
	offline(t, phone, true)
	offline(t, tablet, true)
	doorWait(t, tablet, "offline shown", `document.querySelector('#status-online')?.dataset.online === 'false'`, 10*time.Second)
	shared := door.Tickets[2]
	for _, c := range []context.Context{phone, tablet} {
		k := answers(t, c)
		typeTicket(c, shared)
		if outcome, reason, _ := answer(t, c, k); outcome != "admitted" {
			t.Fatalf("offline admission of the shared ticket: %s %s", outcome, reason)
		}
	}
	offline(t, phone, false)
	doorWait(t, phone, "uploaded", `document.querySelector('#pending-count')?.textContent.trim() === '0'`, 30*time.Second)
	offline(t, tablet, false)
	doorWait(t, tablet, "uploaded", `document.querySelector('#pending-count')?.textContent.trim() === '0'`, 30*time.Second)
	doorWait(t, tablet, "double entry shown", `document.querySelectorAll('#double-entries [data-ticket]').length === 1`, 20*time.Second)
	if w := text(tablet, "#double-entries"); !strings.Contains(w, "双重入场") || !strings.Contains(w, "已在 1号门") {
		t.Fatalf("the double-entry warning says %q", w)
	}
	screenshot(t, tablet, "door-double-entry.png")
	waitCounted(base + 1 + 200 + 1 + 1)

	// The venue page counts the participations door by door (check-in's table through
	// reporting), in the edition the doors scan for: 1号门 admitted some, and the doors' rows add
	// up to the venue's figure.
	if err := chromedp.Do(desk, chromedp.Navigate(s.base+"/venues/"+door.VenueID+"?edition="+demo.LiveEdition), chromedp.WaitVisible(`#door-figure-list`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(desk, chromedp.Poll[bool](`(() => {
		const rows = [...document.querySelectorAll('#door-figure-list tr[data-terminal-id]')]
		const n = (r, f) => Number(r.querySelector('[data-field="' + f + '"]').textContent.replace(/[^0-9]/g, ''))
		const first = rows.find((r) => r.textContent.includes('1号门'))
		const sum = rows.reduce((s, r) => s + n(r, 'participations'), 0)
		return !!first && n(first, 'participations') > 0 && sum === Number(document.querySelector('#door-figure-list').dataset.participations)
	})()`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the venue page's door figures: %v\n%s\n%s", err, text(desk, "#door-figures"),
			evalString(t, desk, `performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/doors')).join(' ')`))
	}
	screenshot(t, desk, "console-door-figures.png")

	// A hardware scanner types the code in a burst and presses Enter, with no field focused.
	// Each key carries the time a scanner would have sent it (scannerPace), so a loaded machine
	// that stalls the DevTools calls does not stretch the burst as the door sees it. Should a
	// burst still come out cut, the door reads the tail as a bad code and says so, and the
	// scanner's user would scan again, as the test does.
	for attempt := 1; ; attempt++ {
		k := answers(t, tablet)
		if err := chromedp.Do(tablet, chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur()`), chromedp.KeyEvent(door.Tickets[3]+"\r", scannerPace())); err != nil {
			t.Fatal(err)
		}
		// A stall can also cut the burst short of a code's length, which the door ignores as
		// noise: no answer at all. Then too the user scans again.
		answered := false
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if answers(t, tablet) > k {
				answered = true
				break
			}
		}
		if !answered && attempt < 8 {
			t.Logf("scanner burst %d brought no answer; scanning again", attempt)
			continue
		}
		outcome, reason, _ := answer(t, tablet, k)
		if outcome == "admitted" {
			break
		}
		if reason != "INVALID_SIGNATURE" || attempt == 8 {
			t.Fatalf("scanner burst %d: %s %s", attempt, outcome, reason)
		}
		t.Logf("scanner burst %d was cut by a stall; scanning again", attempt)
		doorWait(t, tablet, "answer gone", `document.querySelector('#answer').hidden`, 5*time.Second)
	}

	// The venue now holds 50 safely, and more than that came in today: each further admission
	// asks first.
	setCapacity(50)
	doorWait(t, tablet, "alarm level shown", `!document.querySelector('#capacity-banner')?.hidden`, 30*time.Second)
	// A tap on the button itself (a tap on the screen would first close the scan's answer).
	click(t, tablet, "#walkin-adult")
	doorWait(t, tablet, "asks before admitting", `!document.querySelector('#capacity-confirm')?.hidden`, 10*time.Second)
	screenshot(t, tablet, "door-capacity-confirm.png")
	click(t, tablet, "#capacity-confirm-yes")
	doorWait(t, tablet, "uploaded", `document.querySelector('#pending-count')?.textContent.trim() === '0'`, 30*time.Second)
	// The bureau sees which door admitted over capacity.
	testkit.Eventually(t, 10*time.Second, func() error {
		resp, err := s.stats.ListOccupancy(ctx, &reportingv1.ListOccupancyRequest{}, s.admin)
		if err != nil {
			return err
		}
		for _, v := range resp.GetVenues() {
			if v.GetVenueId() == door.VenueID {
				if d := v.GetOverCapacityDoors(); len(d) == 1 && d[0].GetTerminalId() == door2ID && d[0].GetAdmitted() == 1 {
					return nil
				}
				return fmt.Errorf("venue %v", v)
			}
		}
		return fmt.Errorf("venue not listed")
	})

	// The venue's admin revokes door 2: it says so and stops scanning.
	if _, err := terminals.RevokeTerminal(ctx, &venuev1.RevokeTerminalRequest{TerminalId: door2ID}, s.admin); err != nil {
		t.Fatal(err)
	}
	doorWait(t, tablet, "revocation shown", `!document.querySelector('#revoked-banner')?.hidden`, 30*time.Second)
	if w := text(tablet, "#revoked-banner"); !strings.Contains(w, "停用") {
		t.Fatalf("the revoked door says %q", w)
	}
	screenshot(t, tablet, "door-revoked.png")
}

// scannerPace stamps each key event of a chromedp.KeyEvent with the time a hardware scanner
// would have sent it, 1 ms after the event before (3 ms a key: down, char, up). The page's
// KeyboardEvent.timeStamp follows Input.dispatchKeyEvent's timestamp, so the burst the door
// measures is the scanner's, whatever the machine running the test does between the calls.
func scannerPace() chromedp.KeyOption {
	at := float64(time.Now().UnixMicro()) / 1e6
	return func(p *input.DispatchKeyEventParams) {
		at += 0.001
		p.Timestamp = input.TimeSinceEpoch(at)
	}
}
