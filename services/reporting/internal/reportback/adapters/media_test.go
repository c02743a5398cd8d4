package adapters_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/adapters"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/domain"
)

// mp4 is a test video built box by box: a file type box, a movie header of the given length,
// one video track with its media header, and some media data, in the order asked for. It
// covers what ffmpeg does not write (64-bit headers at small sizes, an unknown mvhd length);
// TestVideoLengthOfRealFiles reads what a real muxer writes.
type mp4 struct {
	seconds   float64
	scale     uint32
	version1  bool   // 64-bit times in the headers
	moovLast  bool   // the movie header after the media data, as cameras write it
	largeMdat bool   // the media data box with a 64-bit size
	brand     string // "isom", or "qt  " for QuickTime
	noMvhd    bool   // a fragmented file: the length is in mvex/mehd
}

func boxOf(typ string, body ...[]byte) []byte {
	n := 8
	for _, b := range body {
		n += len(b)
	}
	out := make([]byte, 8, n)
	binary.BigEndian.PutUint32(out, uint32(n))
	copy(out[4:], typ)
	for _, b := range body {
		out = append(out, b...)
	}
	return out
}

func (m mp4) headerBody(dur uint64) []byte {
	if m.version1 {
		b := make([]byte, 4+8+8+4+8)
		b[0] = 1
		binary.BigEndian.PutUint32(b[20:], m.scale)
		binary.BigEndian.PutUint64(b[24:], dur)
		return append(b, make([]byte, 80)...)
	}
	b := make([]byte, 4+4+4+4+4)
	binary.BigEndian.PutUint32(b[12:], m.scale)
	binary.BigEndian.PutUint32(b[16:], uint32(dur))
	return append(b, make([]byte, 80)...)
}

func (m mp4) bytes() []byte {
	if m.scale == 0 {
		m.scale = 600
	}
	if m.brand == "" {
		m.brand = "isom"
	}
	dur := uint64(m.seconds * float64(m.scale))
	ftyp := boxOf("ftyp", []byte(m.brand), make([]byte, 4), []byte("isommp41"))
	tkhd := make([]byte, 84)
	binary.BigEndian.PutUint32(tkhd[12:], 1) // track 1
	handler := []byte("\x00\x00\x00\x00\x00\x00\x00\x00vide\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	trackDur := dur
	if m.noMvhd {
		trackDur = 0
	}
	trak := boxOf("trak", boxOf("tkhd", tkhd), boxOf("mdia", boxOf("mdhd", m.headerBody(trackDur)[:36]), boxOf("hdlr", handler)))
	var moov []byte
	if m.noMvhd {
		mehd := make([]byte, 8)
		binary.BigEndian.PutUint32(mehd[4:], uint32(dur))
		// mvhd present with an unknown length, as live encoders write it.
		unknown := m.headerBody(0)
		binary.BigEndian.PutUint32(unknown[16:], 0xFFFFFFFF)
		moov = boxOf("moov", boxOf("mvhd", unknown), trak, boxOf("mvex", boxOf("mehd", mehd)))
	} else {
		moov = boxOf("moov", boxOf("mvhd", m.headerBody(dur)), trak)
	}
	payload := bytes.Repeat([]byte{0x42}, 4096)
	mdat := boxOf("mdat", payload)
	if m.largeMdat {
		mdat = make([]byte, 16, 16+len(payload))
		binary.BigEndian.PutUint32(mdat, 1)
		copy(mdat[4:], "mdat")
		binary.BigEndian.PutUint64(mdat[8:], uint64(16+len(payload)))
		mdat = append(mdat, payload...)
	}
	if m.moovLast {
		return bytes.Join([][]byte{ftyp, mdat, moov}, nil)
	}
	return bytes.Join([][]byte{ftyp, moov, mdat}, nil)
}

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
		{"a 2m59s MP4", domain.FileVideo, mp4{seconds: 179}.bytes(), adapters.TypeMP4, 179, 0},
		{"a 4-minute MP4", domain.FileVideo, mp4{seconds: 240}.bytes(), adapters.TypeMP4, 240, 0},
		{"the movie header at the end", domain.FileVideo, mp4{seconds: 61.5, moovLast: true}.bytes(), adapters.TypeMP4, 61.5, 0},
		{"64-bit headers and sizes", domain.FileVideo, mp4{seconds: 30, version1: true, largeMdat: true, scale: 90000}.bytes(), adapters.TypeMP4, 30, 0},
		{"a QuickTime MOV", domain.FileVideo, mp4{seconds: 12, brand: "qt  "}.bytes(), adapters.TypeMOV, 12, 0},
		{"a fragmented MP4", domain.FileVideo, mp4{seconds: 95, noMvhd: true}.bytes(), adapters.TypeMP4, 95, 0},
		{"a text file called .mp4", domain.FileVideo, []byte("this is not a video, whatever its name says"), "", 0, errs.Invalid},
		{"an MP4 cut short", domain.FileVideo, mp4{seconds: 10}.bytes()[:60], "", 0, errs.Invalid},
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
	for _, m := range []mp4{{seconds: 180}, {seconds: 2, version1: true}, {seconds: 65, moovLast: true, largeMdat: true}, {seconds: 30, brand: "qt  "},
		{seconds: 240, noMvhd: true}} {
		f.Add(m.bytes())
	}
	// What a real muxer writes, short so the fuzzer mutates it quickly.
	for _, layout := range []testkit.VideoLayout{testkit.VideoFragmented, testkit.VideoCMAF, testkit.VideoMOV, testkit.AudioOnlyM4A} {
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
		if errs.KindOf(err) != errs.Invalid || !strings.Contains(err.Error(), "没有视频轨道") {
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
