package adapters

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
)

// The reasons a video is refused.
var (
	// ErrNotVideo is what a file that is no MP4 or MOV gets.
	ErrNotVideo = errs.Reason{Code: "VIDEO_NOT_MP4_OR_MOV", Kind: errs.Invalid,
		English: "videos must be MP4 or MOV files; this file is neither",
		Chinese: "视频须为 MP4 或 MOV 文件，此文件两者都不是"}
	// ErrNoVideoTrack is what a container with sound and no picture gets (an .m4a, a voice memo).
	ErrNoVideoTrack = errs.Reason{Code: "VIDEO_HAS_NO_VIDEO_TRACK", Kind: errs.Invalid,
		English: "the file has no video track (only sound or other data); upload a video with pictures",
		Chinese: "此文件没有视频轨道（只有音频或其他数据）；请上传含画面的视频"}
	// ErrVideoLengthUnreadable is what a container that states no usable length gets.
	ErrVideoLengthUnreadable = errs.Reason{Code: "VIDEO_LENGTH_UNREADABLE", Kind: errs.Invalid,
		English: "the video's length cannot be read from its container; export it again with a common program",
		Chinese: "无法从视频的容器中读出时长；请用常见软件重新导出后再上传"}
	// ErrVideoNoMovieHeader is what a file without its movie header gets.
	ErrVideoNoMovieHeader = errs.Reason{Code: "VIDEO_NO_MOVIE_HEADER", Kind: errs.Invalid,
		English: "the video has no movie header (moov): it is incomplete or damaged; export it again",
		Chinese: "视频没有影片头（moov），文件不完整或已损坏；请重新导出后上传"}
	// ErrVideoDamaged is what a container whose boxes do not hold together gets.
	ErrVideoDamaged = errs.Reason{Code: "VIDEO_CONTAINER_DAMAGED", Kind: errs.Invalid,
		English: "the video's container is damaged ({detail}); export it again",
		Chinese: "视频的容器已损坏（{detail}）；请重新导出后上传"}
)

var (
	errNotVideo  = ErrNotVideo.New()
	errNoPicture = ErrNoVideoTrack.New()
)

// VideoLength reads an MP4 or QuickTime file's length from everything its container says, and
// trusts the largest: the movie header (moov/mvhd), the movie extends header (mvex/mehd), each
// track's media header (mdhd), the fragments that follow the movie header (moof/traf: tfhd,
// tfdt and the sample durations of every trun, with mvex/trex's defaults), segment indexes
// (sidx) and the fragment random access box at the end (mfra/tfra). A fragmented file's
// first moov describes only its first fragment, so reading mvhd alone takes a four-minute
// recording for two seconds. The file must have a video track (an audio-only .m4a is refused).
//
// The boxes are walked on disk, so the movie header may sit at the end of a file of any size.
// We parse ISO BMFF ourselves: the MP4 libraries of the field (mp4ff, go-mp4) are not
// reachable from these machines' module proxy, and a length needs a dozen boxes.
func VideoLength(r io.ReaderAt, size int64) (time.Duration, string, error) {
	m := &movie{r: r, tracks: map[uint32]*track{}}
	if err := m.read(size); err != nil {
		return 0, "", err
	}
	contentType := TypeMP4
	if m.brand == "qt  " {
		contentType = TypeMOV
	}
	if !m.hasVideo() {
		return 0, "", errNoPicture
	}
	seconds := m.seconds()
	if seconds <= 0 || math.IsInf(seconds, 0) || math.IsNaN(seconds) || seconds > 24*3600 {
		return 0, "", ErrVideoLengthUnreadable.New()
	}
	return time.Duration(seconds * float64(time.Second)), contentType, nil
}

// maxBoxes bounds how many boxes one file may make the reader visit: a three-minute video
// fragmented at every frame has a few tens of thousands.
const maxBoxes = 1_000_000

// movie is what a file's boxes said so far.
type movie struct {
	r       io.ReaderAt
	visited int
	brand   string
	moov    *box
	moofs   []box
	mfras   []box

	scale      uint32  // the movie's time scale (mvhd)
	mvhd, mehd uint64  // in the movie's time scale
	sidx       float64 // seconds, the longest segment index
	tracks     map[uint32]*track
}

// track is what the file says of one track.
type track struct {
	handler     string // "vide", "soun", …
	scale       uint32 // its media time scale (mdhd)
	mdhd        uint64 // the media header's duration: the samples the moov describes
	defaultDur  uint32 // mvex/trex's default sample duration
	fragSum     uint64 // the sample durations of every fragment, added up
	fragEnd     uint64 // the latest fragment's end, where fragments carry a decode time (tfdt)
	lastRandom  uint64 // the latest random access point that mfra/tfra lists
	seenInMoov  bool
	seenInFrags bool
}

func (m *movie) track(id uint32) *track {
	t := m.tracks[id]
	if t == nil {
		if len(m.tracks) >= 1024 {
			return &track{} // past any real file's count: read, not kept
		}
		t = &track{}
		m.tracks[id] = t
	}
	return t
}

func (m *movie) hasVideo() bool {
	for _, t := range m.tracks {
		if t.seenInMoov && t.handler == "vide" {
			return true
		}
	}
	return false
}

// seconds is the largest length any part of the file states.
func (m *movie) seconds() float64 {
	best := m.sidx
	if m.scale > 0 {
		best = math.Max(best, float64(m.mvhd)/float64(m.scale))
		best = math.Max(best, float64(m.mehd)/float64(m.scale))
	}
	for _, t := range m.tracks {
		if t.scale == 0 {
			continue
		}
		// The moov's samples come first; fragments without a decode time follow them.
		ticks := max(t.mdhd+t.fragSum, t.fragEnd, t.lastRandom)
		if t.mdhd+t.fragSum < t.mdhd { // overflow: the file lies
			ticks = math.MaxUint64
		}
		best = math.Max(best, float64(ticks)/float64(t.scale))
	}
	return best
}

// read walks the top-level boxes, then reads the movie header, the fragments and the index.
func (m *movie) read(size int64) error {
	first := true
	err := m.walk(0, size, func(b box) error {
		if first {
			first = false
			switch b.typ {
			case "ftyp":
				brand, err := m.bytes(b, b.body, 4)
				if err != nil {
					return errNotVideo
				}
				m.brand = string(brand)
			case "moov", "mdat", "free", "skip", "wide":
				m.brand = "qt  " // QuickTime files of old may start without ftyp
			default:
				return errNotVideo
			}
		}
		switch b.typ {
		case "moov":
			if m.moov == nil {
				mb := b
				m.moov = &mb
			}
		case "moof":
			m.moofs = append(m.moofs, b)
		case "mfra":
			m.mfras = append(m.mfras, b)
		case "sidx":
			return m.readSidx(b)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if first {
		return errNotVideo
	}
	if m.moov == nil {
		return ErrVideoNoMovieHeader.New()
	}
	if err := m.readMoov(*m.moov); err != nil {
		return err
	}
	for _, b := range m.moofs {
		if err := m.readMoof(b); err != nil {
			return err
		}
	}
	for _, b := range m.mfras {
		if err := m.readMfra(b); err != nil {
			return err
		}
	}
	return nil
}

func (m *movie) readMoov(moov box) error {
	return m.walk(moov.body, moov.end, func(b box) error {
		switch b.typ {
		case "mvhd":
			scale, dur, err := m.header(b)
			if err != nil {
				return err
			}
			m.scale, m.mvhd = scale, dur
		case "mvex":
			return m.walk(b.body, b.end, func(c box) error {
				switch c.typ {
				case "mehd":
					v, err := m.byteAt(c, c.body)
					if err != nil {
						return err
					}
					m.mehd, err = m.uintAt(c, c.body+4, v == 1)
					return err
				case "trex":
					id, err := m.uint32At(c, c.body+4)
					if err != nil {
						return err
					}
					m.track(id).defaultDur, err = m.uint32At(c, c.body+12)
					return err
				}
				return nil
			})
		case "trak":
			return m.readTrak(b)
		}
		return nil
	})
}

func (m *movie) readTrak(trak box) error {
	var id uint32
	var handler string
	var scale uint32
	var dur uint64
	err := m.walk(trak.body, trak.end, func(b box) error {
		switch b.typ {
		case "tkhd":
			v, err := m.byteAt(b, b.body)
			if err != nil {
				return err
			}
			at := b.body + 12 // version 0: creation and modification times of 4 bytes
			if v == 1 {
				at = b.body + 20
			}
			id, err = m.uint32At(b, at)
			return err
		case "mdia":
			return m.walk(b.body, b.end, func(c box) error {
				switch c.typ {
				case "mdhd":
					var err error
					scale, dur, err = m.header(c)
					return err
				case "hdlr":
					// MP4's pre_defined and QuickTime's component type, then the handler
					// (MP4) or component subtype (QuickTime): "vide", "soun", …
					h, err := m.bytes(c, c.body+8, 4)
					handler = string(h)
					return err
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return err
	}
	t := m.track(id)
	t.handler, t.scale, t.mdhd, t.seenInMoov = handler, scale, dur, true
	return nil
}

// readMoof adds up a movie fragment's sample durations, track by track.
func (m *movie) readMoof(moof box) error {
	return m.walk(moof.body, moof.end, func(b box) error {
		if b.typ != "traf" {
			return nil
		}
		var t *track
		var defaultDur uint32
		var decodeTime uint64
		var hasDecodeTime bool
		var sum uint64
		err := m.walk(b.body, b.end, func(c box) error {
			switch c.typ {
			case "tfhd":
				flags, err := m.uint32At(c, c.body)
				if err != nil {
					return err
				}
				id, err := m.uint32At(c, c.body+4)
				if err != nil {
					return err
				}
				t = m.track(id)
				defaultDur = t.defaultDur
				at := c.body + 8
				if flags&0x01 != 0 { // base data offset
					at += 8
				}
				if flags&0x02 != 0 { // sample description index
					at += 4
				}
				if flags&0x08 != 0 { // default sample duration
					defaultDur, err = m.uint32At(c, at)
					return err
				}
			case "tfdt":
				v, err := m.byteAt(c, c.body)
				if err != nil {
					return err
				}
				decodeTime, err = m.uintAt(c, c.body+4, v == 1)
				hasDecodeTime = true
				return err
			case "trun":
				if t == nil {
					return ErrVideoDamaged.New("detail", "分片中 trun 在 tfhd 之前")
				}
				d, err := m.trunDuration(c, defaultDur)
				if err != nil {
					return err
				}
				sum = addCapped(sum, d)
			}
			return nil
		})
		if err != nil || t == nil {
			return err
		}
		t.seenInFrags = true
		t.fragSum = addCapped(t.fragSum, sum)
		if hasDecodeTime {
			t.fragEnd = max(t.fragEnd, addCapped(decodeTime, sum))
		}
		return nil
	})
}

// trunDuration adds up a track run's sample durations: each sample's own when the run carries
// them, else the default for every sample.
func (m *movie) trunDuration(b box, defaultDur uint32) (uint64, error) {
	flags, err := m.uint32At(b, b.body)
	if err != nil {
		return 0, err
	}
	count, err := m.uint32At(b, b.body+4)
	if err != nil {
		return 0, err
	}
	at := b.body + 8
	if flags&0x001 != 0 { // data offset
		at += 4
	}
	if flags&0x004 != 0 { // first sample flags
		at += 4
	}
	if flags&0x100 == 0 {
		return uint64(count) * uint64(defaultDur), nil
	}
	entry := int64(4)
	for _, f := range []uint32{0x200, 0x400, 0x800} { // size, flags, composition offset
		if flags&f != 0 {
			entry += 4
		}
	}
	if int64(count) > (b.end-at)/entry {
		return 0, ErrVideoDamaged.New("detail", "分片的样本表比所在的盒子长")
	}
	var sum uint64
	const chunk = 4096
	buf := make([]byte, chunk*entry)
	for done := int64(0); done < int64(count); {
		n := min(int64(count)-done, chunk)
		if _, err := m.r.ReadAt(buf[:n*entry], at+done*entry); err != nil {
			return 0, damaged(err)
		}
		for i := range n {
			sum += uint64(binary.BigEndian.Uint32(buf[i*entry:]))
		}
		done += n
	}
	return sum, nil
}

// readSidx reads a segment index: its earliest presentation time and its subsegments'
// durations, in its own time scale.
func (m *movie) readSidx(b box) error {
	v, err := m.byteAt(b, b.body)
	if err != nil {
		return err
	}
	scale, err := m.uint32At(b, b.body+8)
	if err != nil {
		return err
	}
	earliest, err := m.uintAt(b, b.body+12, v == 1)
	if err != nil {
		return err
	}
	at := b.body + 12 + 8 // earliest presentation time and first offset, 4 bytes each
	if v == 1 {
		at += 8
	}
	count, err := m.uint32At(b, at) // 2 reserved bytes, then the reference count
	if err != nil {
		return err
	}
	count &= 0xFFFF
	at += 4
	if int64(count) > (b.end-at)/12 {
		return ErrVideoDamaged.New("detail", "分段索引 sidx 不完整")
	}
	refs, err := m.bytes(b, at, int(count)*12)
	if err != nil {
		return err
	}
	total := earliest
	for i := range int(count) {
		total = addCapped(total, uint64(binary.BigEndian.Uint32(refs[i*12+4:])))
	}
	if scale > 0 {
		m.sidx = math.Max(m.sidx, float64(total)/float64(scale))
	}
	return nil
}

// readMfra reads the fragment random access boxes: the time of each track's latest random
// access point.
func (m *movie) readMfra(mfra box) error {
	return m.walk(mfra.body, mfra.end, func(b box) error {
		if b.typ != "tfra" {
			return nil
		}
		v, err := m.byteAt(b, b.body)
		if err != nil {
			return err
		}
		id, err := m.uint32At(b, b.body+4)
		if err != nil {
			return err
		}
		sizes, err := m.uint32At(b, b.body+8)
		if err != nil {
			return err
		}
		count, err := m.uint32At(b, b.body+12)
		if err != nil {
			return err
		}
		entry := int64(8) + int64(sizes>>4&3+1) + int64(sizes>>2&3+1) + int64(sizes&3+1)
		if v == 1 {
			entry += 8
		}
		at := b.body + 16
		if count == 0 {
			return nil
		}
		if int64(count) > (b.end-at)/entry {
			return ErrVideoDamaged.New("detail", "分片索引 mfra 不完整")
		}
		last, err := m.uintAt(b, at+int64(count-1)*entry, v == 1)
		if err != nil {
			return err
		}
		t := m.track(id)
		t.lastRandom = max(t.lastRandom, last)
		return nil
	})
}

func addCapped(a, b uint64) uint64 {
	if a+b < a {
		return math.MaxUint64
	}
	return a + b
}

// box is an ISO BMFF box: its type, where its body starts and where it ends.
type box struct {
	typ       string
	body, end int64
}

// walk calls fn for each box between from and to.
func (m *movie) walk(from, to int64, fn func(box) error) error {
	hdr := make([]byte, 16)
	for off := from; off < to; {
		if m.visited++; m.visited > maxBoxes {
			return ErrVideoDamaged.New("detail", "盒子过多")
		}
		if to-off < 8 {
			return ErrVideoDamaged.New("detail", "有一个盒子被截断")
		}
		if _, err := m.r.ReadAt(hdr[:8], off); err != nil {
			return damaged(err)
		}
		size := int64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:8])
		body := off + 8
		switch size {
		case 1: // a 64-bit size follows
			if _, err := m.r.ReadAt(hdr[8:16], off+8); err != nil {
				return damaged(err)
			}
			size = int64(min(binary.BigEndian.Uint64(hdr[8:16]), math.MaxInt64))
			body = off + 16
		case 0: // to the end
			size = to - off
		}
		if size < body-off || size > to-off {
			if off == from && from == 0 {
				return errNotVideo
			}
			return ErrVideoDamaged.New("detail", fmt.Sprintf("盒子 %q 声称有 %d 字节", printable(typ), size))
		}
		if err := fn(box{typ: typ, body: body, end: off + size}); err != nil {
			return err
		}
		off += size
	}
	return nil
}

// header reads the time scale and duration of an mvhd or mdhd box: version 0 keeps them as
// 32-bit numbers after two 32-bit times, version 1 a 32-bit scale and a 64-bit duration after
// two 64-bit times. A duration of all ones means "unknown" and reads as nought.
func (m *movie) header(b box) (uint32, uint64, error) {
	v, err := m.byteAt(b, b.body)
	if err != nil {
		return 0, 0, err
	}
	at := b.body + 12
	if v == 1 {
		at = b.body + 20
	}
	scale, err := m.uint32At(b, at)
	if err != nil {
		return 0, 0, err
	}
	dur, err := m.uintAt(b, at+4, v == 1)
	if err != nil {
		return 0, 0, err
	}
	if (v == 1 && dur == math.MaxUint64) || (v != 1 && dur == math.MaxUint32) {
		dur = 0
	}
	return scale, dur, nil
}

// bytes reads n bytes at off, which must lie inside box b: a field that runs past its box's
// end is damage, never a neighbour's bytes.
func (m *movie) bytes(b box, off int64, n int) ([]byte, error) {
	if off < b.body || off+int64(n) > b.end {
		return nil, ErrVideoDamaged.New("detail", fmt.Sprintf("盒子 %q 比它的内容短", printable(b.typ)))
	}
	out := make([]byte, n)
	if _, err := m.r.ReadAt(out, off); err != nil {
		return nil, damaged(err)
	}
	return out, nil
}

func (m *movie) byteAt(b box, off int64) (byte, error) {
	v, err := m.bytes(b, off, 1)
	if err != nil {
		return 0, err
	}
	return v[0], nil
}

func (m *movie) uint32At(b box, off int64) (uint32, error) {
	v, err := m.bytes(b, off, 4)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(v), nil
}

// uintAt reads a 64-bit number when wide is set, else a 32-bit one.
func (m *movie) uintAt(b box, off int64, wide bool) (uint64, error) {
	if !wide {
		v, err := m.uint32At(b, off)
		return uint64(v), err
	}
	v, err := m.bytes(b, off, 8)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(v), nil
}

func damaged(err error) error {
	if errors.Is(err, io.EOF) {
		return ErrVideoDamaged.New("detail", "文件在一个头部中间结束")
	}
	return ErrVideoDamaged.Wrap(err, "detail", "读取出错")
}

func printable(s string) string {
	for _, c := range []byte(s) {
		if c < 0x20 || c > 0x7e {
			return fmt.Sprintf("%x", s)
		}
	}
	return s
}
