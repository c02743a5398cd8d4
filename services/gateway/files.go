package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	qrcode "github.com/skip2/go-qrcode"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
)

// maxUpload bounds an import upload: the spreadsheet (8 MiB) and the form around it.
const maxUpload = 9 << 20

// outgoing returns the request's context with the caller's credential as gRPC metadata.
func outgoing(r *http.Request) context.Context {
	if cred := credential(r); cred != "" {
		return metadata.AppendToOutgoingContext(r.Context(), "authorization", "Bearer "+cred)
	}
	return r.Context()
}

// uploadActivities takes a spreadsheet as a multipart form and imports it (see
// ActivityService.ImportActivities): file, dry_run, target, encoding, header_mapping (JSON).
func (g *gateway) uploadActivities(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	file, head, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, status.Error(codes.InvalidArgument, "the file is larger than 8 MiB; split it"))
			return
		}
		writeError(w, status.Error(codes.InvalidArgument, "send the spreadsheet as the multipart field \"file\""))
		return
	}
	defer file.Close()
	content, err := io.ReadAll(file)
	if err != nil {
		writeError(w, status.Error(codes.InvalidArgument, "the upload was cut off; send it again"))
		return
	}
	req := &registrationv1.ImportActivitiesRequest{
		EditionId: r.URL.Query().Get("edition_id"), FileName: head.Filename, Content: content,
		DryRun: r.FormValue("dry_run") == "true", Encoding: r.FormValue("encoding"),
	}
	if t, ok := registrationv1.ImportTarget_value[r.FormValue("target")]; ok {
		req.Target = registrationv1.ImportTarget(t)
	}
	if m := r.FormValue("header_mapping"); m != "" {
		if err := json.Unmarshal([]byte(m), &req.HeaderMapping); err != nil {
			writeError(w, status.Error(codes.InvalidArgument, "header_mapping must be a JSON object of file header to field key"))
			return
		}
	}
	resp, err := g.activities.ImportActivities(outgoing(r), req)
	if err != nil {
		writeError(w, err)
		return
	}
	b, err := g.marshaler.Marshal(resp)
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(b)
}

// download serves a generated file as an attachment.
func (g *gateway) download(get func(context.Context, url.Values) (*registrationv1.File, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := get(outgoing(r), r.URL.Query())
		if err != nil {
			writeError(w, err)
			return
		}
		w.Header().Set("Content-Type", f.GetContentType())
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"download.xlsx\"; filename*=UTF-8''%s", url.PathEscape(f.GetName())))
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(f.GetContent())
	}
}

// qrCode draws data (a ticket's payload) as a QR code PNG at error-correction level M.
func qrCode(w http.ResponseWriter, r *http.Request) {
	data := r.URL.Query().Get("data")
	if data == "" || len(data) > 1024 {
		writeError(w, status.Error(codes.InvalidArgument, "data must have 1 to 1024 characters"))
		return
	}
	size, err := strconv.Atoi(r.URL.Query().Get("size"))
	if err != nil || size < 64 || size > 1024 {
		size = 280
	}
	png, err := qrcode.Encode(data, qrcode.Medium, size)
	if err != nil {
		writeError(w, status.Error(codes.InvalidArgument, "data cannot be drawn as a QR code"))
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store") // a ticket is personal
	_, _ = w.Write(png)
}
