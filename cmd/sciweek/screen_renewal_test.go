package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/loadgen"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
)

// watchLiveIndicator, run in every new document, counts the event streams' openings
// (reconnections included) and writes down each text the live indicator shows, however briefly:
// the page polls nothing itself, so a short "reconnecting" between two frames would otherwise
// go unseen.
const watchLiveIndicator = `(() => {
  window.__opens = 0
  window.__texts = []
  const Native = window.EventSource
  window.EventSource = class extends Native {
    constructor(url, init) {
      super(url, init)
      this.addEventListener('open', () => { window.__opens++ })
    }
  }
  let last = ''
  setInterval(() => {
    const t = document.querySelector('#live-text')?.textContent?.trim() ?? ''
    if (t && t !== last) { window.__texts.push(t); last = t }
  }, 10)
})()`

// TestWallScreenStaysLiveThroughItsRenewal leaves the big screen open across its sign-in
// token's half-life, when the gateway ends the event stream on purpose so that the reconnection
// renews the cookie: the screen reconnects without ever showing 正在重新连接…, and what the
// doors record afterwards still reaches it.
func TestWallScreenStaysLiveThroughItsRenewal(t *testing.T) {
	t.Parallel()
	// Long enough for the demo's set-up to finish with its own tokens on a busy machine, short
	// enough for a test: the screen's stream ends 30 s after signing in.
	const life = time.Minute
	s := startDemoWith(t, func(o *stack.Options) { o.TokenLifetime = life })
	scan := func() {
		t.Helper()
		sum, err := loadgen.Run(context.Background(), loadgen.Config{Conns: s.checks, Terminals: s.world.Terminals, Duration: time.Second, Rate: 50, Batch: 2})
		if err != nil || sum.Unacknowledged > 0 || sum.People() == 0 {
			t.Fatalf("scanning: %v (%d unacknowledged, %d people)", err, sum.Unacknowledged, sum.People())
		}
	}
	scan()
	ctx := chromium(t, 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watchLiveIndicator})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	signedIn := time.Now()
	signIn(t, ctx, s.base, s.info.AdminUsername, s.info.AdminPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/screen?edition="+demo.LiveEdition)); err != nil {
		t.Fatal(err)
	}
	shownPosition(t, ctx, "#screen", 1)
	opened, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__opens`))
	if err != nil || time.Since(signedIn) > life/2-time.Second {
		t.Fatalf("the screen was not showing figures well before its token's half-life (%v, %v)", err, time.Since(signedIn))
	}
	// The stream ends at the token's half-life; the reconnection is the next opening.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`window.__opens > %v`, opened), chromedp.WithPollingTimeout(life))); err != nil {
		t.Fatalf("the screen did not reconnect within the token's life: %v", err)
	}
	t.Logf("the screen reconnected %v after signing in", time.Since(signedIn).Round(time.Millisecond))
	// Records made after the renewal reach the screen through the new stream.
	before, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`Number(document.querySelector('#screen').dataset.streamPosition)`))
	if err != nil {
		t.Fatal(err)
	}
	scan()
	shownPosition(t, ctx, "#screen", uint64(before)+1)
	texts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__texts`))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(texts, "正在重新连接…") || len(texts) == 0 || texts[len(texts)-1] != "实时" {
		t.Fatalf("the live indicator showed %q across the renewal, want it live throughout", texts)
	}
	t.Logf("the live indicator showed %q across the renewal; the screen after it: %s", texts, screenshot(t, ctx, "screen-renewed.png"))
}
