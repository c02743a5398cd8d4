package testkit

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// FFmpeg runs Debian's ffmpeg (installed by `make browser`) with args, bounded in time: a
// missing input makes its -loop spin for ever. A test that needs it fails, never skips, when it
// is missing.
func FFmpeg(t testing.TB, args ...string) {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg is needed to make real media files for the tests: run `make browser` (apt-get install ffmpeg)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, ffmpeg, append([]string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg %v: %v: %s", args, err, out)
	}
}

// VideoLayout is how a muxer lays a video file out; each is one that cameras, phones, editors,
// recorders or streaming tools write.
type VideoLayout int

// The layouts ffmpeg writes.
const (
	// VideoMoovLast is ffmpeg's plain MP4: the media data first, the movie header at the end,
	// as cameras and phones write it.
	VideoMoovLast VideoLayout = iota
	// VideoFaststart moves the movie header to the front for playing while downloading
	// (-movflags +faststart), as editors export for the web.
	VideoFaststart
	// VideoFragmented is fragmented at every keyframe after a movie header that describes
	// only the first fragment (-movflags frag_keyframe), as many recorders and streaming
	// tools write.
	VideoFragmented
	// VideoFragmentedEmptyMoov has an empty movie header and every sample in fragments
	// (-movflags frag_keyframe+empty_moov), as live encoders write.
	VideoFragmentedEmptyMoov
	// VideoCMAF is fragmented with a segment index and fragments that carry their decode times
	// (frag_keyframe+empty_moov+default_base_moof+global_sidx), as DASH and CMAF packagers write.
	VideoCMAF
	// VideoMOV is a QuickTime movie, as iPhones and Macs write.
	VideoMOV
	// AudioOnlyM4A is an MP4 container with sound and no picture, as voice recorders write.
	AudioOnlyM4A
)

// String names the layout.
func (l VideoLayout) String() string {
	return [...]string{"moov at the end", "faststart", "fragmented (frag_keyframe)", "fragmented, empty moov", "CMAF with sidx",
		"QuickTime MOV", "audio-only M4A"}[l]
}

// Video makes a real video file of the given length with Debian's ffmpeg (a tiny test
// pattern, H.264, a keyframe every five seconds, with AAC sound), laid out as asked, and
// returns its bytes. Nothing binary is committed: the muxer that the world uses writes it.
func Video(t testing.TB, seconds float64, layout VideoLayout) []byte {
	t.Helper()
	dir := t.TempDir()
	length := fmt.Sprintf("%.3f", seconds)
	picture := []string{"-f", "lavfi", "-i", "testsrc=size=96x64:rate=5", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000",
		"-t", length, "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "16k"}
	var args []string
	name := "video.mp4"
	switch layout {
	case VideoMoovLast:
		args = picture
	case VideoFaststart:
		args = append(picture, "-movflags", "+faststart")
	case VideoFragmented:
		args = append(picture, "-movflags", "frag_keyframe")
	case VideoFragmentedEmptyMoov:
		args = append(picture, "-movflags", "frag_keyframe+empty_moov")
	case VideoCMAF:
		args = append(picture, "-movflags", "frag_keyframe+empty_moov+default_base_moof+global_sidx")
	case VideoMOV:
		args, name = append(picture, "-f", "mov"), "video.mov"
	case AudioOnlyM4A:
		args, name = []string{"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000", "-t", length, "-c:a", "aac", "-b:a", "16k"}, "sound.m4a"
	default:
		t.Fatalf("no video layout %d", layout)
	}
	out := filepath.Join(dir, name)
	FFmpeg(t, append(args, out)...)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// PadVideo appends a free box to an MP4 or MOV file so that it has at least size bytes, for
// tests that need an upload to span many chunks; readers skip free boxes.
func PadVideo(b []byte, size int) []byte {
	if len(b)+8 > size {
		return b
	}
	free := make([]byte, size-len(b))
	binary.BigEndian.PutUint32(free, uint32(len(free)))
	copy(free[4:], "free")
	return append(b, free...)
}
