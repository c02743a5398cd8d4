package adapters

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
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
// read from the container's movie header.
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
	ErrNotVideo = errs.Reason{Code: "REPORT_VIDEO_TYPE", Kind: errs.Invalid,
		English: "videos must be MP4 or MOV files; this file is neither",
		Chinese: "视频请上传 MP4 或 MOV 格式：这个文件两者都不是"}
	ErrVideoNoMovie = errs.Reason{Code: "REPORT_VIDEO_NO_MOOV", Kind: errs.Invalid,
		English: "the video has no movie header (moov): it is incomplete or damaged",
		Chinese: "视频文件不完整或已损坏（缺少 moov）：请重新导出后再上传"}
	ErrVideoLengthUnreadable = errs.Reason{Code: "REPORT_VIDEO_LENGTH_UNREADABLE", Kind: errs.Invalid,
		English: "the video's length cannot be read from its container",
		Chinese: "读不出视频的时长：请重新导出后再上传"}
	ErrVideoDamaged = errs.Reason{Code: "REPORT_VIDEO_DAMAGED", Kind: errs.Invalid,
		English: "the video's container is damaged ({detail})",
		Chinese: "视频文件已损坏：请重新导出后再上传"}
)

// VideoLength reads an MP4 or QuickTime file's length from its movie header (moov/mvhd), or,
// for fragmented files, from the movie extends header (mvex/mehd), or from its longest track
// (trak/mdia/mdhd). The boxes are walked on disk, so the movie header may sit at the end of a
// file of any size. We parse ISO BMFF ourselves: the MP4 libraries of the field (mp4ff,
// go-mp4) are not reachable from these machines' module proxy, and reading a length needs
// three boxes.
func VideoLength(r io.ReaderAt, size int64) (time.Duration, string, error) {
	var brand string
	var moov *box
	first := true
	err := walk(r, 0, size, func(b box) error {
		if first {
			first = false
			switch b.typ {
			case "ftyp":
				buf := make([]byte, 4)
				if _, err := r.ReadAt(buf, b.body); err != nil {
					return ErrNotVideo.New()
				}
				brand = string(buf)
			case "moov", "mdat", "free", "skip", "wide":
				brand = "qt  " // QuickTime files of old may start without ftyp
			default:
				return ErrNotVideo.New()
			}
		}
		if b.typ == "moov" && moov == nil {
			mb := b
			moov = &mb
		}
		return nil
	})
	if err != nil {
		return 0, "", err
	}
	if first {
		return 0, "", ErrNotVideo.New()
	}
	contentType := TypeMP4
	if brand == "qt  " {
		contentType = TypeMOV
	}
	if moov == nil {
		return 0, "", ErrVideoNoMovie.New()
	}
	var movie, fragments, longest float64
	err = walk(r, moov.body, moov.end, func(b box) error {
		switch b.typ {
		case "mvhd":
			scale, dur, err := header(r, b, 12, 20)
			if err != nil {
				return err
			}
			if scale > 0 && dur != math.MaxUint64 {
				movie = float64(dur) / float64(scale)
			}
		case "mvex":
			return walk(r, b.body, b.end, func(c box) error {
				if c.typ != "mehd" {
					return nil
				}
				v, err := byteAt(r, c.body)
				if err != nil {
					return err
				}
				var dur uint64
				if v == 1 {
					dur, err = uint64At(r, c.body+4)
				} else {
					var d32 uint32
					d32, err = uint32At(r, c.body+4)
					dur = uint64(d32)
				}
				fragments = float64(dur) // in the movie's time scale; divided below
				return err
			})
		case "trak":
			return walk(r, b.body, b.end, func(c box) error {
				if c.typ != "mdia" {
					return nil
				}
				return walk(r, c.body, c.end, func(d box) error {
					if d.typ != "mdhd" {
						return nil
					}
					scale, dur, err := header(r, d, 12, 20)
					if err == nil && scale > 0 && dur != math.MaxUint64 {
						longest = math.Max(longest, float64(dur)/float64(scale))
					}
					return err
				})
			})
		}
		return nil
	})
	if err != nil {
		return 0, "", err
	}
	seconds := movie
	if seconds == 0 && fragments > 0 {
		scale, _, err := movieScale(r, *moov)
		if err == nil && scale > 0 {
			seconds = fragments / float64(scale)
		}
	}
	if seconds == 0 {
		seconds = longest
	}
	if seconds <= 0 || math.IsInf(seconds, 0) || seconds > 24*3600 {
		return 0, "", ErrVideoLengthUnreadable.New()
	}
	return time.Duration(seconds * float64(time.Second)), contentType, nil
}

// box is an ISO BMFF box: its type, where its body starts and where it ends.
type box struct {
	typ       string
	body, end int64
}

// walk calls fn for each box between from and to.
func walk(r io.ReaderAt, from, to int64, fn func(box) error) error {
	for off := from; off < to; {
		if to-off < 8 {
			return ErrVideoDamaged.New("detail", "a box is cut short")
		}
		hdr := make([]byte, 16)
		if _, err := r.ReadAt(hdr[:8], off); err != nil {
			return ErrVideoDamaged.Wrap(err, "detail", err.Error())
		}
		size := int64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:8])
		body := off + 8
		switch size {
		case 1: // a 64-bit size follows
			if _, err := r.ReadAt(hdr[8:16], off+8); err != nil {
				return ErrVideoDamaged.Wrap(err, "detail", err.Error())
			}
			size = int64(binary.BigEndian.Uint64(hdr[8:16]))
			body = off + 16
		case 0: // to the end
			size = to - off
		}
		if size < body-off || off+size > to {
			if off == from && from == 0 {
				return ErrNotVideo.New()
			}
			return ErrVideoDamaged.New("detail", fmt.Sprintf("box %q claims %d bytes", printable(typ), size))
		}
		if err := fn(box{typ: typ, body: body, end: off + size}); err != nil {
			return err
		}
		off += size
	}
	return nil
}

// header reads the time scale and duration of an mvhd or mdhd box, whose version 0 keeps
// them at (v0Scale, 4 bytes each) and version 1 at (v1Scale, a 32-bit scale and a 64-bit
// duration).
func header(r io.ReaderAt, b box, v0Scale, v1Scale int64) (uint32, uint64, error) {
	v, err := byteAt(r, b.body)
	if err != nil {
		return 0, 0, err
	}
	if v == 1 {
		scale, err := uint32At(r, b.body+v1Scale)
		if err != nil {
			return 0, 0, err
		}
		dur, err := uint64At(r, b.body+v1Scale+4)
		return scale, dur, err
	}
	scale, err := uint32At(r, b.body+v0Scale)
	if err != nil {
		return 0, 0, err
	}
	dur, err := uint32At(r, b.body+v0Scale+4)
	if dur == math.MaxUint32 {
		return scale, math.MaxUint64, err
	}
	return scale, uint64(dur), err
}

// movieScale reads the movie header's time scale.
func movieScale(r io.ReaderAt, moov box) (uint32, uint64, error) {
	var scale uint32
	var dur uint64
	err := walk(r, moov.body, moov.end, func(b box) error {
		if b.typ == "mvhd" {
			var err error
			scale, dur, err = header(r, b, 12, 20)
			return err
		}
		return nil
	})
	return scale, dur, err
}

func byteAt(r io.ReaderAt, off int64) (byte, error) {
	b := make([]byte, 1)
	if _, err := r.ReadAt(b, off); err != nil {
		return 0, damaged(err)
	}
	return b[0], nil
}

func uint32At(r io.ReaderAt, off int64) (uint32, error) {
	b := make([]byte, 4)
	if _, err := r.ReadAt(b, off); err != nil {
		return 0, damaged(err)
	}
	return binary.BigEndian.Uint32(b), nil
}

func uint64At(r io.ReaderAt, off int64) (uint64, error) {
	b := make([]byte, 8)
	if _, err := r.ReadAt(b, off); err != nil {
		return 0, damaged(err)
	}
	return binary.BigEndian.Uint64(b), nil
}

func damaged(err error) error {
	if errors.Is(err, io.EOF) {
		return ErrVideoDamaged.New("detail", "it ends inside a header")
	}
	return ErrVideoDamaged.Wrap(err, "detail", err.Error())
}

func printable(s string) string {
	for _, c := range []byte(s) {
		if c < 0x20 || c > 0x7e {
			return fmt.Sprintf("%x", s)
		}
	}
	return s
}
