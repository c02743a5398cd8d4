package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
)

// uploadReportFile streams a report's file from the browser's multipart body to the reporting
// service in chunks of 512 KiB: a video of hundreds of megabytes never sits whole in the
// gateway's memory. The query names the edition, the county, the unit (for a unit's own
// report) and the kind (FILE_KIND_SUMMARY, FILE_KIND_IMAGE or FILE_KIND_VIDEO).
func (g *gateway) uploadReportFile(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	kind, ok := reportingv1.FileKind_value[q.Get("kind")]
	if !ok || kind == 0 {
		writeError(w, ErrReportFileKindUnknown.New())
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, ErrUploadNoFile.New())
		return
	}
	var part interface {
		io.Reader
		FileName() string
	}
	for {
		p, err := mr.NextPart()
		if err != nil {
			writeError(w, ErrUploadNoFile.New())
			return
		}
		if p.FormName() == "file" {
			part = p
			break
		}
	}
	ctx, cancel := context.WithCancel(g.outgoing(r))
	defer cancel() // a broken upload cancels the stream, and the service keeps nothing
	stream, err := g.reports.UploadReportFile(ctx)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := stream.Send(&reportingv1.UploadReportFileRequest{Part: &reportingv1.UploadReportFileRequest_Header{Header: &reportingv1.UploadReportFileRequest_FileHeader{
		EditionId: q.Get("edition"), CountyCode: q.Get("county"), UnitId: q.Get("unit"), Kind: reportingv1.FileKind(kind), Name: part.FileName()}}}); err != nil {
		_, err = stream.CloseAndRecv()
		writeError(w, err)
		return
	}
	buf := make([]byte, 512<<10)
	for {
		n, err := io.ReadFull(part, buf)
		if n > 0 {
			if sendErr := stream.Send(&reportingv1.UploadReportFileRequest{Part: &reportingv1.UploadReportFileRequest_Chunk{Chunk: buf[:n]}}); sendErr != nil {
				// The service refused (the file is too big, say): its reason is in the close.
				_, err := stream.CloseAndRecv()
				writeError(w, err)
				return
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			cancel()
			writeError(w, ErrUploadCutOff.New())
			return
		}
	}
	resp, err := stream.CloseAndRecv()
	g.writeJSON(w, resp, err)
}

// downloadReportFile streams a report's file from the reporting service to the browser.
func (g *gateway) downloadReportFile(w http.ResponseWriter, r *http.Request) {
	stream, err := g.reports.DownloadReportFile(g.outgoing(r), &reportingv1.DownloadReportFileRequest{FileId: r.URL.Query().Get("id")})
	if err != nil {
		writeError(w, err)
		return
	}
	first, err := stream.Recv()
	if err != nil {
		writeError(w, err)
		return
	}
	f := first.GetFile()
	w.Header().Set("Content-Type", f.GetContentType())
	w.Header().Set("Content-Length", fmt.Sprint(f.GetSize()))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"%s\"; filename*=UTF-8''%s", asciiName(f.GetName()), url.PathEscape(f.GetName())))
	w.Header().Set("Cache-Control", "no-store")
	for {
		msg, err := stream.Recv()
		if err != nil {
			return // io.EOF at the end; otherwise the browser sees a short file and may retry
		}
		if _, err := w.Write(msg.GetChunk()); err != nil {
			return
		}
	}
}
