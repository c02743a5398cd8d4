package adapters_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/adapters"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/domain"
)

func docx(t *testing.T, withDocument bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	name := "word/document.xml"
	if !withDocument {
		name = "xl/workbook.xml"
	}
	w, _ := zw.Create(name)
	_, _ = w.Write([]byte("<w:document/>"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestInspect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		kind        domain.FileKind
		content     []byte
		contentType string
		seconds     float64
		want        errs.Kind
	}{
		{"a text file called .mp4", domain.FileVideo, []byte("this is not a video, whatever its name says"), "", 0, errs.Invalid},
		{"an MP4 cut short", domain.FileVideo, testkit.Video(t, 10, testkit.VideoFaststart)[:60], "", 0, errs.Invalid},
		{"a PNG as a video", domain.FileVideo, []byte("\x89PNG\r\n\x1a\n0000000000000000"), "", 0, errs.Invalid},
		{"a PDF summary", domain.FileSummary, []byte("%PDF-1.7\n%…"), adapters.TypePDF, 0, 0},
		{"a DOCX summary", domain.FileSummary, docx(t, true), adapters.TypeDOCX, 0, 0},
		{"an XLSX as a summary", domain.FileSummary, docx(t, false), "", 0, errs.Invalid},
		{"a JPEG", domain.FileImage, []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, adapters.TypeJPEG, 0, 0},
		{"a WebP", domain.FileImage, []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), adapters.TypeWebP, 0, 0},
		{"an executable as an image", domain.FileImage, []byte("\x7fELF\x02\x01\x01"), "", 0, errs.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := adapters.Inspect(tt.kind, bytes.NewReader(tt.content), int64(len(tt.content)))
			if tt.want != 0 {
				if errs.KindOf(err) != tt.want {
					t.Fatalf("err = %v, want kind %v", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ContentType != tt.contentType || got.Duration.Round(time.Millisecond) != time.Duration(tt.seconds*float64(time.Second)) {
				t.Fatalf("got %+v, want %s of %vs", got, tt.contentType, tt.seconds)
			}
		})
	}
}

// FuzzVideoLength: whatever a county uploads as a video, reading its length never panics or
// runs away, and a file it cannot read is refused as Invalid.
func FuzzVideoLength(f *testing.F) {
	// What a real muxer writes, short so the fuzzer mutates it quickly.
	for _, layout := range []testkit.VideoLayout{testkit.VideoMoovLast, testkit.VideoFaststart, testkit.VideoFragmented, testkit.VideoFragmentedEmptyMoov,
		testkit.VideoCMAF, testkit.VideoMOV, testkit.AudioOnlyM4A} {
		f.Add(testkit.Video(f, 6, layout))
	}
	f.Add([]byte("not a video"))
	f.Add([]byte{0, 0, 0, 8, 'f', 't', 'y', 'p'})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, _, err := adapters.VideoLength(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if k := errs.KindOf(err); k != errs.Invalid {
				t.Fatalf("refused with %v (%v); an unreadable video is Invalid", k, err)
			}
			return
		}
		if d < 0 {
			t.Fatalf("length %v", d)
		}
	})
}

// TestVideoLengthOfRealFiles reads files that Debian's ffmpeg writes in every layout the world
// sends: a video's length is the whole recording's whatever the layout (a fragmented file's
// first movie header describes only its first fragment), and a file with sound and no picture
// is refused.
func TestVideoLengthOfRealFiles(t *testing.T) {
	t.Parallel()
	layouts := []testkit.VideoLayout{testkit.VideoMoovLast, testkit.VideoFaststart, testkit.VideoFragmented,
		testkit.VideoFragmentedEmptyMoov, testkit.VideoCMAF, testkit.VideoMOV}
	for _, layout := range layouts {
		for _, seconds := range []float64{179, 240} {
			t.Run(fmt.Sprintf("%s of %vs", layout, seconds), func(t *testing.T) {
				t.Parallel()
				b := testkit.Video(t, seconds, layout)
				got, contentType, err := adapters.VideoLength(bytes.NewReader(b), int64(len(b)))
				if err != nil {
					t.Fatal(err)
				}
				// The sound may run a frame of AAC (128 ms at 8 kHz) past the picture.
				if d := got.Seconds() - seconds; d < -0.01 || d > 0.2 {
					t.Fatalf("read %v, want %vs", got, seconds)
				}
				want := adapters.TypeMP4
				if layout == testkit.VideoMOV {
					want = adapters.TypeMOV
				}
				if contentType != want {
					t.Fatalf("content type %s, want %s", contentType, want)
				}
			})
		}
	}
	t.Run("a four-minute fragmented video is refused at upload", func(t *testing.T) {
		t.Parallel()
		b := testkit.Video(t, 240, testkit.VideoFragmented)
		got, err := adapters.Inspect(domain.FileVideo, bytes.NewReader(b), int64(len(b)))
		if err != nil || got.Duration < 239*time.Second {
			t.Fatalf("got %+v, %v: a fragmented file must not pass for its first fragment", got, err)
		}
	})
	t.Run("an audio-only M4A", func(t *testing.T) {
		t.Parallel()
		b := testkit.Video(t, 30, testkit.AudioOnlyM4A)
		_, _, err := adapters.VideoLength(bytes.NewReader(b), int64(len(b)))
		if !errs.Is(err, adapters.ErrNoVideoTrack) || !strings.Contains(errs.Chinese(err), "没有视频轨道") {
			t.Fatalf("err = %v, want Invalid: no video track", err)
		}
	})
	t.Run("a real video cut short", func(t *testing.T) {
		t.Parallel()
		b := testkit.Video(t, 20, testkit.VideoFaststart)
		b = b[:len(b)/2]
		if _, _, err := adapters.VideoLength(bytes.NewReader(b), int64(len(b))); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("err = %v, want Invalid", err)
		}
	})
}
