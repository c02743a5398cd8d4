package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
)

// maxUpload bounds an upload: a spreadsheet (8 MiB) or a safety plan (10 MiB) and the form
// around it.
const maxUpload = 11 << 20

// outgoing returns the request's context with the caller's credential and address as gRPC
// metadata.
func (g *gateway) outgoing(r *http.Request) context.Context {
	md := g.clientMetadata(r)
	if cred := credential(r); cred != "" {
		md = append(md, "authorization", "Bearer "+cred)
	}
	return metadata.AppendToOutgoingContext(r.Context(), md...)
}

// upload reads the multipart field "file" of a request, at most maxUpload bytes, whole: the
// spreadsheets and plans it carries are a few megabytes and go on in one gRPC message.
func upload(w http.ResponseWriter, r *http.Request) (string, []byte, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	file, head, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeErrorStatus(w, ErrUploadTooLarge.New(), http.StatusRequestEntityTooLarge)
			return "", nil, false
		}
		writeError(w, ErrUploadNoFile.New())
		return "", nil, false
	}
	defer file.Close()
	content, err := io.ReadAll(file)
	if err != nil {
		writeError(w, ErrUploadCutOff.New())
		return "", nil, false
	}
	return head.Filename, content, true
}

func mapping(w http.ResponseWriter, r *http.Request) (map[string]string, bool) {
	m := r.FormValue("header_mapping")
	if m == "" {
		return nil, true
	}
	var out map[string]string
	if err := json.Unmarshal([]byte(m), &out); err != nil {
		writeError(w, ErrHeaderMappingInvalid.New())
		return nil, false
	}
	return out, true
}

func (g *gateway) writeJSON(w http.ResponseWriter, msg proto.Message, err error) {
	if err != nil {
		writeError(w, err)
		return
	}
	b, err := g.marshaler.Marshal(msg)
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(b)
}

// sheetImport is what an import's multipart form carries besides what it imports into.
type sheetImport struct {
	name, encoding string
	content        []byte
	dryRun         bool
	mapping        map[string]string
}

// importForm reads an import's multipart form: file, dry_run, encoding, header_mapping (JSON).
// False means the refusal is written.
func importForm(w http.ResponseWriter, r *http.Request) (sheetImport, bool) {
	name, content, ok := upload(w, r)
	if !ok {
		return sheetImport{}, false
	}
	m, ok := mapping(w, r)
	if !ok {
		return sheetImport{}, false
	}
	return sheetImport{name: name, content: content, dryRun: r.FormValue("dry_run") == "true", encoding: r.FormValue("encoding"), mapping: m}, true
}

// uploadActivities imports activity plans from a multipart form (see
// ActivityService.ImportActivities): file, dry_run, target, encoding, header_mapping (JSON).
func (g *gateway) uploadActivities(w http.ResponseWriter, r *http.Request) {
	f, ok := importForm(w, r)
	if !ok {
		return
	}
	req := &registrationv1.ImportActivitiesRequest{EditionId: r.URL.Query().Get("edition_id"), FileName: f.name, Content: f.content,
		DryRun: f.dryRun, Encoding: f.encoding, HeaderMapping: f.mapping}
	if t, ok := registrationv1.ImportTarget_value[r.FormValue("target")]; ok {
		req.Target = registrationv1.ImportTarget(t)
	}
	resp, err := g.activities.ImportActivities(g.outgoing(r), req)
	g.writeJSON(w, resp, err)
}

// uploadVenues imports venues from a multipart form (see VenueService.ImportVenues).
func (g *gateway) uploadVenues(w http.ResponseWriter, r *http.Request) {
	f, ok := importForm(w, r)
	if !ok {
		return
	}
	resp, err := g.venues.ImportVenues(g.outgoing(r), &venuev1.ImportVenuesRequest{FileName: f.name, Content: f.content,
		DryRun: f.dryRun, Encoding: f.encoding, HeaderMapping: f.mapping})
	g.writeJSON(w, resp, err)
}

// uploadSafetyPlan attaches a venue's safety plan from a multipart form.
func (g *gateway) uploadSafetyPlan(w http.ResponseWriter, r *http.Request) {
	name, content, ok := upload(w, r)
	if !ok {
		return
	}
	resp, err := g.venues.AttachSafetyPlan(g.outgoing(r), &venuev1.AttachSafetyPlanRequest{VenueId: r.URL.Query().Get("venue_id"), FileName: name, Content: content})
	g.writeJSON(w, resp, err)
}

// file is what the downloads serve.
type file interface {
	GetName() string
	GetContentType() string
	GetContent() []byte
}

// download serves a generated file as an attachment.
func (g *gateway) download(get func(context.Context, url.Values) (file, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := get(g.outgoing(r), r.URL.Query())
		if err != nil {
			writeError(w, err)
			return
		}
		w.Header().Set("Content-Type", f.GetContentType())
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"%s\"; filename*=UTF-8''%s", asciiName(f.GetName()), url.PathEscape(f.GetName())))
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(f.GetContent())
	}
}

// qrCode draws data (a ticket's payload) as a QR code PNG at error-correction level M.
func qrCode(w http.ResponseWriter, r *http.Request) {
	data := r.URL.Query().Get("data")
	if data == "" || len(data) > 1024 {
		writeError(w, ErrQRDataLength.New())
		return
	}
	size, err := strconv.Atoi(r.URL.Query().Get("size"))
	if err != nil || size < 64 || size > 1024 {
		size = 280
	}
	png, err := qrcode.Encode(data, qrcode.Medium, size)
	if err != nil {
		writeError(w, ErrQRDataUndrawable.New())
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store") // a ticket is personal
	_, _ = w.Write(png)
}

// asciiName is the fallback file name for browsers that ignore filename*: the name with every
// character outside printable ASCII (and quotes) replaced, keeping the extension.
func asciiName(name string) string {
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	var b strings.Builder
	for _, r := range base {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			r = '_'
		}
		b.WriteRune(r)
	}
	out := strings.Trim(b.String(), "_")
	if out == "" {
		out = "download"
	}
	return out + ext
}
