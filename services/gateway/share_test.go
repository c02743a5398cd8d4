package gateway

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
)

// shareRegistration answers the two look-ups behind a shared page with fixed data, over real
// gRPC, so the test runs the gateway's handler as it runs in production.
type shareRegistration struct {
	registrationv1.UnimplementedSignupServiceServer
	registrationv1.UnimplementedEditionServiceServer
	activities map[string]*registrationv1.PublicActivity
}

func (s *shareRegistration) GetPublicActivity(_ context.Context, req *registrationv1.GetPublicActivityRequest) (*registrationv1.GetPublicActivityResponse, error) {
	switch id := req.GetActivityId(); {
	case id == "0190a1b2-0000-7000-8000-0000000000ff":
		return nil, status.Error(codes.Unavailable, "registration is restarting")
	case len(id) != 36:
		return nil, status.Error(codes.InvalidArgument, "activity_id: value must be a valid UUID")
	case s.activities[id] != nil:
		return &registrationv1.GetPublicActivityResponse{Activity: s.activities[id]}, nil
	}
	return nil, status.Error(codes.NotFound, "activity not found")
}

func (s *shareRegistration) GetEdition(_ context.Context, req *registrationv1.GetEditionRequest) (*registrationv1.GetEditionResponse, error) {
	if req.GetEditionId() != "2024" {
		return nil, status.Error(codes.NotFound, "edition not found")
	}
	return &registrationv1.GetEditionResponse{Edition: &registrationv1.Edition{Id: "2024", Name: "2024年太原市科技活动周", TimeZone: "Asia/Shanghai",
		Counties: []*registrationv1.County{{Code: "140105", Name: "小店区"}}}}, nil
}

const testIndex = `<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="UTF-8" />
    <title>科技活动周管理平台</title>
    <script type="module" crossorigin src="/assets/index-abc.js"></script>
  </head>
  <body><div id="app"></div></body>
</html>
`

// head reads the title and the meta tags of a page as a browser or a chat app parses them.
func head(t *testing.T, page string) (title string, metas map[string]string, titles int) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	metas = map[string]string{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "title" {
			titles++
			if n.FirstChild != nil {
				title = n.FirstChild.Data
			}
		}
		if n.Type == html.ElementNode && n.Data == "meta" {
			var key, content string
			for _, a := range n.Attr {
				switch a.Key {
				case "name", "property":
					key = a.Val
				case "content":
					content = a.Val
				}
			}
			if key != "" {
				metas[key] = content
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return title, metas, titles
}

// TestSharedActivityPageCarriesItsCard checks the page a chat app fetches for a shared activity
// link: the console's index.html with the activity's title, description and Open Graph tags,
// escaped so that an organizer's title with markup and quotes stays text; an unknown or
// malformed id gets the plain page as 404 (the app shows its own "not found"); a registration
// service that fails still gets people the app.
func TestSharedActivityPageCarriesItsCard(t *testing.T) {
	t.Parallel()
	const id = "0190a1b2-0000-7000-8000-000000000001"
	hostile := `<script>alert("x")</script> 机器人 & 'AI' 课堂`
	start := time.Date(2024, 5, 26, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	reg := &shareRegistration{activities: map[string]*registrationv1.PublicActivity{
		id: {Id: id, EditionId: "2024", CountyCode: "140105", Organizer: "太原市科技馆", VenueName: "科技馆一层报告厅",
			Details: &registrationv1.ActivityDetails{Title: hostile, RequiresSignup: true, Description: "带孩子认识 \"机器人\"：</title><b>动手</b>",
				Sessions: []*registrationv1.Session{{StartsAt: timestamppb.New(start), EndsAt: timestamppb.New(start.Add(2 * time.Hour))}}}},
	}}
	srv := grpc.NewServer()
	registrationv1.RegisterSignupServiceServer(srv, reg)
	registrationv1.RegisterEditionServiceServer(srv, reg)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	g := &gateway{signups: registrationv1.NewSignupServiceClient(conn), editions: registrationv1.NewEditionServiceClient(conn)}
	index := func() ([]byte, error) { return []byte(testIndex), nil }
	fallback := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	mux := http.NewServeMux()
	mux.Handle("GET /public/activities/{id}", g.activityPage(index, fallback))

	get := func(method, id string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "http://kjz.example.cn/public/activities/"+id, nil)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec
	}

	t.Run("activity", func(t *testing.T) {
		t.Parallel()
		rec := get(http.MethodGet, id)
		page := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		if strings.Contains(page, "<script>alert") || strings.Contains(page, "<b>动手") || strings.Count(page, "</title>") != 1 {
			t.Fatalf("the organizer's markup reached the page unescaped:\n%s", page)
		}
		title, metas, titles := head(t, page)
		wantTitle := hostile + " · 2024年太原市科技活动周"
		if titles != 1 || title != wantTitle || metas["og:title"] != wantTitle {
			t.Errorf("%d titles, title %q, og:title %q; want one, %q", titles, title, metas["og:title"], wantTitle)
		}
		desc := metas["description"]
		for _, want := range []string{"2024-05-26 09:00–11:00", "小店区 · 科技馆一层报告厅", "主办：太原市科技馆", "在线报名", `带孩子认识 "机器人"：</title><b>动手</b>`} {
			if !strings.Contains(desc, want) {
				t.Errorf("description %q lacks %q", desc, want)
			}
		}
		if metas["og:description"] != desc || metas["og:site_name"] != "2024年太原市科技活动周" || metas["og:type"] != "website" {
			t.Errorf("og tags: %v", metas)
		}
		if metas["og:url"] != "http://kjz.example.cn/public/activities/"+id {
			t.Errorf("og:url %q", metas["og:url"])
		}
		if _, ok := metas["og:image"]; ok {
			t.Errorf("og:image %q: an activity has no picture to show", metas["og:image"])
		}
		if !strings.Contains(page, `<script type="module" crossorigin src="/assets/index-abc.js"></script>`) || metas[""] != "" {
			t.Error("the app's own tags did not survive")
		}
	})

	for _, tc := range []struct {
		name, id string
		code     int
	}{
		{"unknown id", "0190a1b2-0000-7000-8000-000000000002", http.StatusNotFound},
		{"not an id", "not-a-uuid", http.StatusNotFound},
		{"registration unavailable", "0190a1b2-0000-7000-8000-0000000000ff", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := get(http.MethodGet, tc.id)
			if rec.Code != tc.code || rec.Body.String() != testIndex {
				t.Errorf("%d, want %d with the plain page:\n%s", rec.Code, tc.code, rec.Body.String())
			}
		})
	}

	t.Run("HEAD", func(t *testing.T) {
		t.Parallel()
		if rec := get(http.MethodHead, id); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
			t.Errorf("HEAD: %d with %d bytes", rec.Code, rec.Body.Len())
		}
	})

	t.Run("console not built", func(t *testing.T) {
		t.Parallel()
		h := g.activityPage(func() ([]byte, error) { return nil, net.ErrClosed }, fallback)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/public/activities/"+id, nil))
		if rec.Code != http.StatusTeapot {
			t.Errorf("got %d, want the console's own answer", rec.Code)
		}
	})
}

// TestShareMetaWithoutTitleTag puts the card before </head> when the page has no title.
func TestShareMetaWithoutTitleTag(t *testing.T) {
	t.Parallel()
	out := string(withShareMeta([]byte("<html><head></head><body></body></html>"), shareMeta{Title: "a&b"}))
	if !strings.Contains(out, "<title>a&amp;b</title>") || strings.Contains(out, `name="description"`) {
		t.Fatal(out)
	}
}
