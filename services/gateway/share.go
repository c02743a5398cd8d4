package gateway

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
)

// shareTimeout bounds the look-up behind a shared page: a slow registration service must not
// hold the page, which then comes without its card and works all the same.
const shareTimeout = 3 * time.Second

// shareMeta is what a chat app shows of a link: the page's title, a description, and where the
// link leads.
type shareMeta struct {
	Title, Description, SiteName, URL string
}

var titleTag = regexp.MustCompile(`(?is)<title>.*?</title>`)

// withShareMeta puts the activity's title, description and Open Graph tags into the console's
// index.html. Chat apps (WeChat, QQ, DingTalk) read these from the HTML and run no script, so
// the single-page app's own document.title never reaches them. Every value is HTML-escaped: an
// activity's title is an organizer's free text.
func withShareMeta(index []byte, m shareMeta) []byte {
	var b strings.Builder
	b.WriteString("<title>" + html.EscapeString(m.Title) + "</title>")
	meta := func(attr, key, value string) {
		if value != "" {
			fmt.Fprintf(&b, "\n    <meta %s=\"%s\" content=\"%s\" />", attr, key, html.EscapeString(value))
		}
	}
	meta("name", "description", m.Description)
	meta("property", "og:type", "website")
	meta("property", "og:locale", "zh_CN")
	meta("property", "og:site_name", m.SiteName)
	meta("property", "og:title", m.Title)
	meta("property", "og:description", m.Description)
	meta("property", "og:url", m.URL)
	// No og:image: an activity has no picture of its own, and the app's SVG icon is not an
	// image chat apps show; without one they show the title and description.
	head := b.String()
	if loc := titleTag.FindIndex(index); loc != nil {
		out := make([]byte, 0, len(index)+len(head))
		out = append(out, index[:loc[0]]...)
		out = append(out, head...)
		return append(out, index[loc[1]:]...)
	}
	if i := bytes.Index(index, []byte("</head>")); i >= 0 {
		return append(append(append([]byte{}, index[:i]...), head+"\n  "...), index[i:]...)
	}
	return index
}

// activityShareMeta describes a public activity for a chat app's card: when, where and who, and
// the start of its description.
func activityShareMeta(a *registrationv1.PublicActivity, ed *registrationv1.Edition, pageURL string) shareMeta {
	site := ed.GetName()
	if site == "" {
		site = "科技活动周"
	}
	loc, err := time.LoadLocation(ed.GetTimeZone())
	if err != nil || ed.GetTimeZone() == "" {
		loc = time.FixedZone("CST", 8*3600)
	}
	d := a.GetDetails()
	var parts []string
	if s := d.GetSessions(); len(s) > 0 {
		start, end := s[0].GetStartsAt().AsTime().In(loc), s[0].GetEndsAt().AsTime().In(loc)
		when := start.Format("2006-01-02 15:04") + "–" + end.Format("15:04")
		if end.Format(time.DateOnly) != start.Format(time.DateOnly) {
			when = start.Format("2006-01-02 15:04") + " 至 " + end.Format("2006-01-02 15:04")
		}
		if len(s) > 1 {
			when += fmt.Sprintf(" 等 %d 场", len(s))
		}
		parts = append(parts, when)
	}
	county := a.GetCountyCode()
	for _, c := range ed.GetCounties() {
		if c.GetCode() == county {
			county = c.GetName()
		}
	}
	place := county
	if a.GetVenueName() != "" {
		place += " · " + a.GetVenueName()
	}
	parts = append(parts, place)
	if a.GetOrganizer() != "" {
		parts = append(parts, "主办："+a.GetOrganizer())
	}
	if d.GetRequiresSignup() {
		parts = append(parts, "在线报名")
	}
	desc := strings.Join(parts, "｜")
	if text := strings.Join(strings.Fields(d.GetDescription()), " "); text != "" {
		desc += "。" + truncateRunes(text, 80)
	}
	return shareMeta{Title: d.GetTitle() + " · " + site, Description: desc, SiteName: site, URL: pageURL}
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// activityPage answers /public/activities/{id} with the console's page carrying the activity's
// share card. An id that names no public activity gets the same page without the card, as 404,
// and the app shows its own "not found"; when the look-up fails otherwise (the service slow or
// down) the page comes without the card and the app tries again itself.
func (g *gateway) activityPage(index func() ([]byte, error), next http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page, err := index()
		if err != nil {
			next.ServeHTTP(w, r) // the console is not built in: it says so
			return
		}
		ctx, cancel := context.WithTimeout(g.outgoing(r), shareTimeout)
		defer cancel()
		id := r.PathValue("id")
		code := http.StatusOK
		resp, err := g.signups.GetPublicActivity(ctx, &registrationv1.GetPublicActivityRequest{ActivityId: id})
		switch status.Code(err) {
		case codes.OK:
			ed, _ := g.editions.GetEdition(ctx, &registrationv1.GetEditionRequest{EditionId: resp.GetActivity().GetEditionId()})
			url := g.scheme(r) + "://" + g.host(r) + "/public/activities/" + resp.GetActivity().GetId()
			page = withShareMeta(page, activityShareMeta(resp.GetActivity(), ed.GetEdition(), url))
		case codes.NotFound, codes.InvalidArgument:
			code = http.StatusNotFound
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(code)
		if r.Method != http.MethodHead {
			_, _ = w.Write(page)
		}
	}
}
