package testkit

import (
	"bytes"
	"encoding/binary"
)

// MP4 makes an MP4 file of the given length for tests, box by box: a file type box, a movie
// header that says how long it is, and size bytes of media data. It plays nothing, but every
// reader of the container reads its length, and it needs no binary fixture in the repository.
func MP4(seconds float64, size int) []byte {
	box := func(typ string, body ...[]byte) []byte {
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
	mvhd := make([]byte, 100)
	binary.BigEndian.PutUint32(mvhd[12:], 1000) // time scale: milliseconds
	binary.BigEndian.PutUint32(mvhd[16:], uint32(seconds*1000))
	return bytes.Join([][]byte{box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41")), box("moov", box("mvhd", mvhd)),
		box("mdat", bytes.Repeat([]byte{0x17}, size))}, nil)
}
