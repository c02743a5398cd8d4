package adapters

import (
	"archive/zip"
	"bytes"
	"io"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/app"
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
		return Inspected{}, ErrSummaryType.New()
	case domain.FileImage:
		switch {
		case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
			return Inspected{ContentType: TypeJPEG}, nil
		case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
			return Inspected{ContentType: TypePNG}, nil
		case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
			return Inspected{ContentType: TypeWebP}, nil
		}
		return Inspected{}, ErrImageType.New()
	case domain.FileVideo:
		d, contentType, err := VideoLength(r, size)
		if err != nil {
			return Inspected{}, err
		}
		return Inspected{ContentType: contentType, Duration: d}, nil
	}
	return Inspected{}, app.ErrFileKind.New()
}

// The refusals of a report's file by what its bytes are.
var (
	ErrSummaryType = errs.Reason{Code: "REPORT_SUMMARY_TYPE", Kind: errs.Invalid,
		English: "the summary report must be a PDF or a Word (DOCX) file",
		Chinese: "总结报告请上传 PDF 或 Word（.docx）文件"}
	ErrImageType = errs.Reason{Code: "REPORT_IMAGE_TYPE", Kind: errs.Invalid,
		English: "images must be JPEG, PNG or WebP",
		Chinese: "图片请上传 JPEG、PNG 或 WebP 格式"}
)
