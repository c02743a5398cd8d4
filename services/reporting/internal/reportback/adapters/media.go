package adapters

import (
	"archive/zip"
	"bytes"
	"io"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/domain"
)

// Inspected is what a file turned out to be, read from its content.
type Inspected struct {
	ContentType string
	Duration    time.Duration // videos
}

// Media types of the files a report takes.
const (
	TypePDF  = "application/pdf"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
	TypeMP4  = "video/mp4"
	TypeMOV  = "video/quicktime"
)

// Inspect reads what a file is from its own bytes, never from its name or the client's word:
// summaries must be PDF or DOCX, images JPEG, PNG or WebP, videos MP4 or MOV, whose length is
// read from everything the container says (VideoLength).
func Inspect(kind domain.FileKind, r io.ReaderAt, size int64) (Inspected, error) {
	head := make([]byte, 16)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	switch kind {
	case domain.FileSummary:
		switch {
		case bytes.HasPrefix(head, []byte("%PDF-")):
			return Inspected{ContentType: TypePDF}, nil
		case bytes.HasPrefix(head, []byte("PK\x03\x04")):
			zr, err := zip.NewReader(r, size)
			if err == nil {
				for _, f := range zr.File {
					if f.Name == "word/document.xml" {
						return Inspected{ContentType: TypeDOCX}, nil
					}
				}
			}
		}
		return Inspected{}, errs.E(errs.Invalid, "the summary report must be a PDF or a Word (DOCX) file")
	case domain.FileImage:
		switch {
		case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
			return Inspected{ContentType: TypeJPEG}, nil
		case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
			return Inspected{ContentType: TypePNG}, nil
		case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
			return Inspected{ContentType: TypeWebP}, nil
		}
		return Inspected{}, errs.E(errs.Invalid, "images must be JPEG, PNG or WebP")
	case domain.FileVideo:
		d, contentType, err := VideoLength(r, size)
		if err != nil {
			return Inspected{}, err
		}
		return Inspected{ContentType: contentType, Duration: d}, nil
	}
	return Inspected{}, errs.E(errs.Invalid, "a report's file is a summary, an image or a video")
}
