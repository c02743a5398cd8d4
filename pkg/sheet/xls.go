package sheet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
)

// The .xls reader. An Excel 97–2003 workbook (BIFF8, still the default of many offices' Excel
// and WPS) is a compound file whose "Workbook" stream is a list of records. The compound file is
// read by richardlehane/mscfb (maintained, and the one excelize uses for encrypted workbooks);
// the records by the code below, which knows the few an activity plan needs: the shared strings,
// every kind of cell (text, numbers, RK numbers, formulas' cached values, booleans), merged
// ranges, and the number formats that make a number a date. The Go readers of whole .xls files
// that the module proxy serves (extrame/xls, last changed 2017; shakinm/xlsReader, 2022) report
// no merged cells, which finding a header under a merged title needs, and panic on damaged files.
//
// Everything read is bounded by the stream's size; a damaged or hostile file is refused with
// errXLS, never a panic (FuzzRead).

// errXLS is any file the reader cannot make sense of.
var errXLS = errors.New("not a readable BIFF8 workbook")

// errXLSOld is a workbook of Excel 5/95 (BIFF5) or older.
var errXLSOld = errors.New("a BIFF5 or older workbook")

// errXLSEncrypted is a workbook protected by a password to open it.
var errXLSEncrypted = errors.New("an encrypted workbook")

// BIFF8 record types.
const (
	recFormula     = 0x0006
	recEOF         = 0x000A
	recDateMode    = 0x0022
	recFilePass    = 0x002F
	recContinue    = 0x003C
	recBoundSheet  = 0x0085
	recMulRK       = 0x00BD
	recXF          = 0x00E0
	recMergedCells = 0x00E5
	recSST         = 0x00FC
	recLabelSST    = 0x00FD
	recNumber      = 0x0203
	recLabel       = 0x0204
	recBoolErr     = 0x0205
	recString      = 0x0207
	recRK          = 0x027E
	recFormat      = 0x041E
	recBOF         = 0x0809
)

// maxCells bounds what one workbook may hold, so a hostile file cannot make us allocate much.
const maxCells = 2_000_000

// record is one BIFF record: its type and its data, continued records joined with their
// boundaries kept (a string continued in a CONTINUE record starts again with a flags byte).
type record struct {
	typ   uint16
	data  []byte
	parts []int // where each CONTINUE begins in data
}

// records splits a Workbook stream from offset off into records, each with its CONTINUEs.
func records(stream []byte, off int) ([]record, error) {
	var out []record
	for off+4 <= len(stream) {
		typ := binary.LittleEndian.Uint16(stream[off:])
		size := int(binary.LittleEndian.Uint16(stream[off+2:]))
		if off+4+size > len(stream) {
			return nil, errXLS
		}
		data := stream[off+4 : off+4+size]
		off += 4 + size
		if typ == recContinue && len(out) > 0 {
			last := &out[len(out)-1]
			last.parts = append(last.parts, len(last.data))
			last.data = append(last.data[:len(last.data):len(last.data)], data...)
			continue
		}
		out = append(out, record{typ: typ, data: data})
		if typ == recEOF {
			break
		}
	}
	return out, nil
}

// reader reads a record's data, knowing where CONTINUE records began.
type reader struct {
	rec record
	pos int
	pi  int // the first CONTINUE boundary at or after pos
	err bool
}

func (r *reader) need(n int) bool {
	if n < 0 || r.pos+n > len(r.rec.data) {
		r.err = true
		return false
	}
	return true
}

func (r *reader) u8() byte {
	if !r.need(1) {
		return 0
	}
	r.pos++
	return r.rec.data[r.pos-1]
}

func (r *reader) u16() uint16 {
	if !r.need(2) {
		return 0
	}
	r.pos += 2
	return binary.LittleEndian.Uint16(r.rec.data[r.pos-2:])
}

func (r *reader) u32() uint32 {
	if !r.need(4) {
		return 0
	}
	r.pos += 4
	return binary.LittleEndian.Uint32(r.rec.data[r.pos-4:])
}

func (r *reader) skip(n int) {
	if r.need(n) {
		r.pos += n
	}
}

// boundary reports whether pos is where a CONTINUE record began.
func (r *reader) boundary() bool {
	for r.pi < len(r.rec.parts) && r.rec.parts[r.pi] < r.pos {
		r.pi++
	}
	return r.pi < len(r.rec.parts) && r.rec.parts[r.pi] == r.pos
}

// chars reads an XLUnicodeString's characters after its length and flags: cch characters, one
// byte each (compressed) or two (UTF-16LE). Where a CONTINUE record begins while characters
// remain, it begins with a new flags byte (Excel may switch between the two widths there).
func (r *reader) chars(cch int, high bool) string {
	if cch < 0 || cch > len(r.rec.data) {
		r.err = true
		return ""
	}
	units := make([]uint16, 0, cch)
	for len(units) < cch && !r.err {
		if r.boundary() {
			high = r.u8()&0x01 != 0
			continue
		}
		if high {
			units = append(units, r.u16())
		} else {
			units = append(units, uint16(r.u8()))
		}
	}
	return string(utf16.Decode(units))
}

// unicodeString reads an XLUnicodeString (a 16-bit length, flags, characters).
func (r *reader) unicodeString() string {
	cch := int(r.u16())
	flags := r.u8()
	return r.chars(cch, flags&0x01 != 0)
}

// richString reads one string of the shared string table (XLUnicodeRichExtendedString): the
// characters, then the formatting runs and the phonetic data it may carry, which are skipped.
func (r *reader) richString() string {
	cch := int(r.u16())
	flags := r.u8()
	runs, ext := 0, 0
	if flags&0x08 != 0 {
		runs = int(r.u16())
	}
	if flags&0x04 != 0 {
		ext = int(r.u32())
	}
	s := r.chars(cch, flags&0x01 != 0)
	r.skip(4 * runs)
	r.skip(ext)
	return s
}

// xlsBook is what the workbook globals say.
type xlsBook struct {
	date1904 bool
	sst      []string
	xfDate   []bool // by XF index: whether the cell's number format shows a date or time
	sheets   []xlsSheetRef
}

type xlsSheetRef struct {
	name   string
	offset int
}

// readXLS reads every visible worksheet of an .xls file.
func readXLS(content []byte) ([]Grid, error) {
	cf, err := mscfb.New(bytes.NewReader(content))
	if err != nil {
		return nil, errXLS
	}
	var stream []byte
	for f, err := cf.Next(); err == nil; f, err = cf.Next() {
		if f.Name != "Workbook" && f.Name != "Book" {
			continue
		}
		if f.Name == "Book" {
			return nil, errXLSOld
		}
		if f.Size <= 0 || f.Size > int64(len(content))*2 {
			return nil, errXLS
		}
		stream = make([]byte, f.Size)
		if _, err := io.ReadFull(f, stream); err != nil {
			return nil, errXLS
		}
		break
	}
	if stream == nil {
		return nil, errXLS
	}
	book, err := readGlobals(stream)
	if err != nil {
		return nil, err
	}
	var grids []Grid
	cells := 0
	for _, ref := range book.sheets {
		g, n, err := readXLSSheet(stream, ref, book, maxCells-cells)
		if err != nil {
			return nil, err
		}
		cells += n
		grids = append(grids, g)
	}
	return grids, nil
}

// readGlobals reads the workbook globals substream at the stream's start.
func readGlobals(stream []byte) (xlsBook, error) {
	recs, err := records(stream, 0)
	if err != nil {
		return xlsBook{}, err
	}
	if len(recs) == 0 || recs[0].typ != recBOF || len(recs[0].data) < 4 {
		return xlsBook{}, errXLS
	}
	if v := binary.LittleEndian.Uint16(recs[0].data); v != 0x0600 {
		return xlsBook{}, errXLSOld
	}
	var b xlsBook
	formats := map[uint16]string{}
	var xfFormats []uint16
	for _, rec := range recs[1:] {
		r := &reader{rec: rec}
		switch rec.typ {
		case recFilePass:
			return xlsBook{}, errXLSEncrypted
		case recDateMode:
			b.date1904 = r.u16() == 1
		case recFormat:
			id := r.u16()
			formats[id] = r.unicodeString()
		case recXF:
			r.skip(2)
			xfFormats = append(xfFormats, r.u16())
		case recBoundSheet:
			offset := int(r.u32())
			visibility, kind := r.u8(), r.u8()
			cch := int(r.u8())
			flags := r.u8()
			name := r.chars(cch, flags&0x01 != 0)
			if !r.err && kind == 0 && visibility&0x03 == 0 && offset < len(stream) {
				b.sheets = append(b.sheets, xlsSheetRef{name: name, offset: offset})
			}
		case recSST:
			r.skip(4)
			unique := int(r.u32())
			if unique < 0 || unique > len(rec.data) {
				return xlsBook{}, errXLS
			}
			b.sst = make([]string, 0, unique)
			for i := 0; i < unique && !r.err; i++ {
				b.sst = append(b.sst, r.richString())
			}
		}
		if r.err {
			return xlsBook{}, errXLS
		}
	}
	b.xfDate = make([]bool, len(xfFormats))
	for i, id := range xfFormats {
		b.xfDate[i] = dateFormat(id, formats[id])
	}
	return b, nil
}

// readXLSSheet reads one worksheet substream into a grid, with its merged ranges filled; it
// returns how many cells it holds, refusing a sheet with more than room.
func readXLSSheet(stream []byte, ref xlsSheetRef, book xlsBook, room int) (Grid, int, error) {
	recs, err := records(stream, ref.offset)
	if err != nil {
		return Grid{}, 0, err
	}
	if len(recs) == 0 || recs[0].typ != recBOF {
		return Grid{}, 0, errXLS
	}
	cells := map[[2]int]string{}
	var merges []span
	put := func(row, col int, v string) bool {
		if v == "" {
			return true
		}
		if len(cells) >= room {
			return false
		}
		cells[[2]int{row, col}] = v
		return true
	}
	number := func(ixfe int, f float64) string {
		if ixfe >= 0 && ixfe < len(book.xfDate) && book.xfDate[ixfe] {
			if s, ok := serialText(f, book.date1904); ok {
				return s
			}
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	pending := [2]int{-1, -1} // a formula whose string value follows in a STRING record
	for _, rec := range recs[1:] {
		r := &reader{rec: rec}
		ok := true
		switch rec.typ {
		case recLabelSST:
			row, col := int(r.u16()), int(r.u16())
			r.skip(2)
			i := int(r.u32())
			if i >= 0 && i < len(book.sst) {
				ok = put(row, col, book.sst[i])
			}
		case recLabel:
			row, col := int(r.u16()), int(r.u16())
			r.skip(2)
			ok = put(row, col, r.unicodeString())
		case recNumber:
			row, col, ixfe := int(r.u16()), int(r.u16()), int(r.u16())
			if r.need(8) {
				ok = put(row, col, number(ixfe, math.Float64frombits(binary.LittleEndian.Uint64(rec.data[r.pos:]))))
			}
		case recRK:
			row, col, ixfe := int(r.u16()), int(r.u16()), int(r.u16())
			ok = put(row, col, number(ixfe, rkValue(r.u32())))
		case recMulRK:
			row, first := int(r.u16()), int(r.u16())
			n := (len(rec.data) - 6) / 6
			for i := 0; i < n && ok && !r.err; i++ {
				ixfe := int(r.u16())
				ok = put(row, first+i, number(ixfe, rkValue(r.u32())))
			}
		case recBoolErr:
			row, col := int(r.u16()), int(r.u16())
			r.skip(2)
			v, isErr := r.u8(), r.u8()
			if isErr == 0 {
				ok = put(row, col, map[bool]string{true: "TRUE", false: "FALSE"}[v == 1])
			}
		case recFormula:
			row, col, ixfe := int(r.u16()), int(r.u16()), int(r.u16())
			if !r.need(8) {
				break
			}
			v := rec.data[r.pos : r.pos+8]
			switch {
			case v[6] != 0xFF || v[7] != 0xFF:
				ok = put(row, col, number(ixfe, math.Float64frombits(binary.LittleEndian.Uint64(v))))
			case v[0] == 0: // a string, in the next STRING record
				pending = [2]int{row, col}
			case v[0] == 1:
				ok = put(row, col, map[bool]string{true: "TRUE", false: "FALSE"}[v[2] == 1])
			}
		case recString:
			if pending[0] >= 0 {
				ok = put(pending[0], pending[1], r.unicodeString())
				pending = [2]int{-1, -1}
			}
		case recMergedCells:
			n := int(r.u16())
			for i := 0; i < n && !r.err; i++ {
				s := span{top: int(r.u16()), bottom: int(r.u16()), left: int(r.u16()), right: int(r.u16())}
				merges = append(merges, s)
			}
		}
		if r.err {
			return Grid{}, 0, errXLS
		}
		if !ok {
			return Grid{}, 0, errTooBig
		}
	}
	g := gridOf(ref.name, cells, merges)
	return g, len(cells), nil
}

// rkValue decodes an RK number: a 30-bit integer or the top of a double, maybe divided by 100.
func rkValue(rk uint32) float64 {
	var f float64
	if rk&0x02 != 0 {
		f = float64(int32(rk) >> 2)
	} else {
		f = math.Float64frombits(uint64(rk&0xFFFFFFFC) << 32)
	}
	if rk&0x01 != 0 {
		f /= 100
	}
	return f
}

// dateFormat says whether number format id (with its code, for custom formats) shows a date or
// a time: the built-in date formats, those of the Chinese locale, and any code with day, month,
// year, hour or second parts outside quoted text.
func dateFormat(id uint16, code string) bool {
	switch {
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58:
		return true
	case code == "":
		return false
	}
	var b strings.Builder
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == '[':
			bracket = true
		case c == ']':
			bracket = false
		case bracket:
		default:
			b.WriteByte(c)
		}
	}
	return strings.ContainsAny(strings.ToLower(b.String()), "ydhs") || strings.Contains(b.String(), "m") && !strings.ContainsAny(b.String(), "0#?")
}
