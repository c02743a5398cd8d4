// Package sheettest makes the spreadsheets the import tests read, the way offices make them: a
// merged title row, a 填报单位 line, a two-row header, merged cells, date cells, a 合计 row, other
// sheets before the table. Each is built in the test (no binary file in the repository): XLSX
// with excelize, .xls by converting that XLSX with LibreOffice (a real spreadsheet program) or by
// writing BIFF8 records ourselves, CSV in UTF-8 or GBK.
package sheettest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Office describes one sheet as an office lays it out.
type Office struct {
	// Sheet is the sheet's name.
	Sheet string
	// Title and Note, when set, are a title row and a line under it (填报单位、填报日期),
	// each merged across the table.
	Title, Note string
	// Top, when set, makes a two-row header: Top[i] over Header[i]. A label followed by empty
	// strings is merged across those columns (活动时间 over 开始 and 结束); a label over an empty
	// Header[i] is merged down over both rows.
	Top []string
	// Header is the header (its lower row, with Top).
	Header []string
	// Rows are the data rows: strings, numbers, bools, and time.Time written as date cells.
	Rows [][]any
	// Down merges data cells vertically: {column, first row, last row}, rows of Rows from 0;
	// the cells below the first should be nil.
	Down [][3]int
	// Footer are lines under the table (合计, 备注), each in its first cell.
	Footer []string
}

// cols is how many columns the table spans.
func (o Office) cols() int { return max(len(o.Header), len(o.Top)) }

// layout lists the sheet's cells by row and column (from 0) and its merged ranges.
func (o Office) layout() (cells map[[2]int]any, merges [][4]int, headerRows int) {
	cells = map[[2]int]any{}
	r := 0
	for _, line := range []string{o.Title, o.Note} {
		if line != "" {
			cells[[2]int{r, 0}] = line
			merges = append(merges, [4]int{r, 0, r, o.cols() - 1})
			r++
		}
	}
	if len(o.Top) > 0 {
		for c := 0; c < len(o.Top); c++ {
			if o.Top[c] == "" {
				continue
			}
			cells[[2]int{r, c}] = o.Top[c]
			end := c
			for end+1 < len(o.Top) && o.Top[end+1] == "" {
				end++
			}
			switch {
			case end > c:
				merges = append(merges, [4]int{r, c, r, end})
			case c >= len(o.Header) || o.Header[c] == "":
				merges = append(merges, [4]int{r, c, r + 1, c})
			}
		}
		r++
	}
	for c, h := range o.Header {
		if h != "" {
			cells[[2]int{r, c}] = h
		}
	}
	r++
	headerRows = r
	for i, row := range o.Rows {
		for c, v := range row {
			if v != nil && v != "" {
				cells[[2]int{r + i, c}] = v
			}
		}
	}
	for _, d := range o.Down {
		merges = append(merges, [4]int{r + d[1], d[0], r + d[2], d[0]})
	}
	r += len(o.Rows)
	for _, f := range o.Footer {
		cells[[2]int{r, 0}] = f
		merges = append(merges, [4]int{r, 0, r, o.cols() - 1})
		r++
	}
	return cells, merges, headerRows
}

// XLSX builds a workbook of the sheets with excelize. Date cells carry the number format
// yyyy"年"m"月"d"日" hh:mm, as a Chinese office's Excel shows them.
func XLSX(t testing.TB, sheets ...Office) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	dateFmt := `yyyy"年"m"月"d"日" hh:mm`
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", o.Sheet); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(o.Sheet); err != nil {
			t.Fatal(err)
		}
		cells, merges, _ := o.layout()
		for k, v := range cells {
			axis, _ := excelize.CoordinatesToCellName(k[1]+1, k[0]+1)
			if tm, ok := v.(time.Time); ok {
				_ = f.SetCellValue(o.Sheet, axis, excelSerial(tm))
				_ = f.SetCellStyle(o.Sheet, axis, axis, date)
				continue
			}
			if err := f.SetCellValue(o.Sheet, axis, v); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range merges {
			a, _ := excelize.CoordinatesToCellName(m[1]+1, m[0]+1)
			b, _ := excelize.CoordinatesToCellName(m[3]+1, m[2]+1)
			if err := f.MergeCell(o.Sheet, a, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Plain builds a workbook of one sheet, Sheet1, with header on its first row and the rows
// under it: a sheet as a program writes it (or as a user fills in a service's own template),
// with none of an office's layout.
func Plain(t testing.TB, header []string, rows ...[]string) []byte {
	t.Helper()
	o := Office{Sheet: "Sheet1", Header: header}
	for _, r := range rows {
		row := make([]any, len(r))
		for i, v := range r {
			row[i] = v
		}
		o.Rows = append(o.Rows, row)
	}
	return XLSX(t, o)
}

// excelSerial is a wall-clock time as a spreadsheet's day number.
func excelSerial(t time.Time) float64 {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	return wall.Sub(base).Hours() / 24
}

// CSV writes one sheet's cells as CSV in UTF-8 (with Excel's byte-order mark) or in GBK.
func CSV(t testing.TB, o Office, gbk bool) []byte {
	t.Helper()
	cells, _, _ := o.layout()
	rows, cols := 0, 0
	for k := range cells {
		rows, cols = max(rows, k[0]+1), max(cols, k[1]+1)
	}
	var b strings.Builder
	for r := range rows {
		for c := range cols {
			if c > 0 {
				b.WriteByte(',')
			}
			v := cells[[2]int{r, c}]
			s := ""
			switch x := v.(type) {
			case nil:
			case time.Time:
				s = x.Format("2006/1/2 15:04")
			default:
				s = fmt.Sprint(x)
			}
			if strings.ContainsAny(s, ",\"\n") {
				s = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
			}
			b.WriteString(s)
		}
		b.WriteString("\r\n")
	}
	if !gbk {
		return append([]byte("\xef\xbb\xbf"), b.String()...)
	}
	out, err := simplifiedchinese.GBK.NewEncoder().String(b.String())
	if err != nil {
		t.Fatal(err)
	}
	return []byte(out)
}

// LibreOffice converts a file with Debian's LibreOffice (`make office` installs it): to "xls"
// (Excel 97-2003), "ods" or "csv". The test fails when it is missing: a real spreadsheet program
// is what these tests are about.
func LibreOffice(t testing.TB, content []byte, from, to string) []byte {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("LibreOffice (soffice) is missing: run `make office` (Debian's libreoffice-calc-nogui)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "plan."+from)
	if err := os.WriteFile(in, content, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// A profile of its own lets tests convert in parallel without LibreOffice's lock.
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", to, "--outdir", filepath.Join(dir, "out"), in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", "plan."+to))
	if err != nil {
		t.Fatalf("soffice made no %s: %v", to, err)
	}
	return b
}

// XLS writes the sheets as an Excel 97-2003 workbook record by record: the shared strings in
// records of at most split bytes (Excel's limit is 8224; a small one makes strings cross into
// CONTINUE records, switching between one- and two-byte characters there), whole numbers as RK
// and MULRK records, other numbers as NUMBER, dates as NUMBER with a date format, booleans as
// BOOLERR, one cell as a formula with a string result, merged ranges as MERGEDCELLS; all in an
// OLE2 compound file.
func XLS(t testing.TB, split int, sheets ...Office) []byte {
	t.Helper()
	var sst []string
	index := map[string]int{}
	str := func(s string) int {
		if i, ok := index[s]; ok {
			return i
		}
		index[s] = len(sst)
		sst = append(sst, s)
		return len(sst) - 1
	}
	type laid struct {
		o      Office
		cells  map[[2]int]any
		merges [][4]int
	}
	var all []laid
	for _, o := range sheets {
		cells, merges, _ := o.layout()
		for _, v := range cells {
			if s, ok := v.(string); ok {
				str(s)
			}
		}
		all = append(all, laid{o, cells, merges})
	}
	var globals bytes.Buffer
	rec(&globals, 0x0809, bof(0x0005))
	rec(&globals, 0x0042, u16(1200)) // CODEPAGE: UTF-16
	rec(&globals, 0x0022, u16(0))    // DATEMODE: 1900
	rec(&globals, 0x041E, format(164, `yyyy"年"m"月"d"日" hh:mm`))
	for i := range 16 { // the style XFs, then the cell XFs: 16 general, 17 a date
		rec(&globals, 0x00E0, xf(0, i < 15))
	}
	rec(&globals, 0x00E0, xf(0, false))
	rec(&globals, 0x00E0, xf(164, false))
	sheetPos := make([]int, len(all))
	for i, l := range all {
		sheetPos[i] = globals.Len()
		rec(&globals, 0x0085, boundSheet(l.o.Sheet))
	}
	sstRecords(&globals, sst, split)
	rec(&globals, 0x000A, nil)
	stream := globals.Bytes()
	for i, l := range all {
		binary.LittleEndian.PutUint32(stream[sheetPos[i]+4:], uint32(len(stream)))
		stream = append(stream, sheetStream(l.cells, l.merges, index)...)
	}
	return compoundFile(t, stream)
}

func rec(b *bytes.Buffer, typ uint16, data []byte) {
	_ = binary.Write(b, binary.LittleEndian, typ)
	_ = binary.Write(b, binary.LittleEndian, uint16(len(data)))
	b.Write(data)
}

func u16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }

func bof(kind uint16) []byte {
	b := u16(0x0600)
	b = binary.LittleEndian.AppendUint16(b, kind)
	b = binary.LittleEndian.AppendUint16(b, 0x0DBB) // build
	b = binary.LittleEndian.AppendUint16(b, 0x07CC) // year
	return append(b, make([]byte, 8)...)
}

// unicode writes an XLUnicodeString's characters: compressed when every one fits a byte.
func unicode(s string) (flags byte, chars []byte) {
	units := utf16.Encode([]rune(s))
	for _, u := range units {
		if u > 0xFF {
			flags = 1
		}
	}
	for _, u := range units {
		if flags == 1 {
			chars = binary.LittleEndian.AppendUint16(chars, u)
		} else {
			chars = append(chars, byte(u))
		}
	}
	return flags, chars
}

func format(id uint16, code string) []byte {
	flags, chars := unicode(code)
	b := u16(id)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(utf16.Encode([]rune(code)))))
	return append(append(b, flags), chars...)
}

func xf(numFmt uint16, style bool) []byte {
	b := u16(0) // font
	b = binary.LittleEndian.AppendUint16(b, numFmt)
	kind := uint16(0x0001) // locked
	if style {
		kind |= 0xFFF4 // a style XF
	}
	b = binary.LittleEndian.AppendUint16(b, kind)
	return append(b, make([]byte, 14)...)
}

func boundSheet(name string) []byte {
	flags, chars := unicode(name)
	b := make([]byte, 4) // the stream position, filled in once known
	b = append(b, 0, 0)  // visible worksheet
	b = append(b, byte(len(utf16.Encode([]rune(name)))), flags)
	return append(b, chars...)
}

// sstRecords writes the shared string table, cutting it into records of at most split bytes; a
// string's characters cut at a record's end go on in a CONTINUE that starts with a flags byte.
func sstRecords(b *bytes.Buffer, sst []string, split int) {
	body := binary.LittleEndian.AppendUint32(nil, uint32(len(sst)))
	body = binary.LittleEndian.AppendUint32(body, uint32(len(sst)))
	typ := uint16(0x00FC)
	flush := func() {
		rec(b, typ, body)
		typ, body = 0x003C, nil
	}
	for _, s := range sst {
		flags, chars := unicode(s)
		head := binary.LittleEndian.AppendUint16(nil, uint16(len(utf16.Encode([]rune(s)))))
		head = append(head, flags)
		if len(body)+len(head)+2 > split {
			flush()
		}
		body = append(body, head...)
		width := 1 + int(flags)
		for len(chars) > 0 {
			room := (split - len(body)) / width * width
			if room <= 0 {
				flush()
				body = append(body, flags)
				continue
			}
			n := min(room, len(chars))
			body = append(body, chars[:n]...)
			chars = chars[n:]
		}
	}
	flush()
}

// sheetStream writes one worksheet substream.
func sheetStream(cells map[[2]int]any, merges [][4]int, sst map[string]int) []byte {
	var b bytes.Buffer
	rec(&b, 0x0809, bof(0x0010))
	cell := func(r, c, xfIndex int) []byte {
		d := u16(uint16(r))
		d = binary.LittleEndian.AppendUint16(d, uint16(c))
		return binary.LittleEndian.AppendUint16(d, uint16(xfIndex))
	}
	rows := 0
	for k := range cells {
		rows = max(rows, k[0]+1)
	}
	formulaDone := false
	for r := range rows {
		cols := 0
		for k := range cells {
			if k[0] == r {
				cols = max(cols, k[1]+1)
			}
		}
		for c := 0; c < cols; c++ {
			v, ok := cells[[2]int{r, c}]
			if !ok {
				continue
			}
			switch x := v.(type) {
			case string:
				if !formulaDone && strings.Contains(x, "讲座") { // as if =CONCATENATE(...) made it
					formulaDone = true
					d := append(cell(r, c, 15), 0, 0, 0, 0, 0, 0, 0xFF, 0xFF)
					d = append(d, 0, 0, 0, 0, 0, 0) // flags, chain
					rec(&b, 0x0006, d)
					flags, chars := unicode(x)
					s := binary.LittleEndian.AppendUint16(nil, uint16(len(utf16.Encode([]rune(x)))))
					rec(&b, 0x0207, append(append(s, flags), chars...))
					continue
				}
				rec(&b, 0x00FD, binary.LittleEndian.AppendUint32(cell(r, c, 15), uint32(sst[x])))
			case int:
				// A run of whole numbers is one MULRK, a lone one an RK.
				run := []int{x}
				for n, ok := cells[[2]int{r, c + len(run)}].(int); ok; n, ok = cells[[2]int{r, c + len(run)}].(int) {
					run = append(run, n)
				}
				if len(run) == 1 {
					rec(&b, 0x027E, binary.LittleEndian.AppendUint32(cell(r, c, 15), uint32(int32(x)<<2|0x02)))
					continue
				}
				d := u16(uint16(r))
				d = binary.LittleEndian.AppendUint16(d, uint16(c))
				for _, n := range run {
					d = binary.LittleEndian.AppendUint16(d, 15)
					d = binary.LittleEndian.AppendUint32(d, uint32(int32(n)<<2|0x02))
				}
				d = binary.LittleEndian.AppendUint16(d, uint16(c+len(run)-1))
				rec(&b, 0x00BD, d)
				c += len(run) - 1
			case float64:
				rec(&b, 0x0203, binary.LittleEndian.AppendUint64(cell(r, c, 15), math.Float64bits(x)))
			case time.Time:
				rec(&b, 0x0203, binary.LittleEndian.AppendUint64(cell(r, c, 17), math.Float64bits(excelSerial(x))))
			case bool:
				v := byte(0)
				if x {
					v = 1
				}
				rec(&b, 0x0205, append(cell(r, c, 15), v, 0))
			}
		}
	}
	if len(merges) > 0 {
		d := u16(uint16(len(merges)))
		for _, m := range merges {
			for _, v := range []int{m[0], m[2], m[1], m[3]} {
				d = binary.LittleEndian.AppendUint16(d, uint16(v))
			}
		}
		rec(&b, 0x00E5, d)
	}
	rec(&b, 0x000A, nil)
	return b.Bytes()
}

// compoundFile wraps a Workbook stream in an OLE2 compound file of 512-byte sectors: the header,
// one FAT sector, one directory sector, the stream (padded to at least 4096 bytes, so it lives
// in ordinary sectors rather than the mini stream).
func compoundFile(t testing.TB, stream []byte) []byte {
	t.Helper()
	const sector = 512
	padded := append([]byte(nil), stream...)
	for len(padded) < 4096 || len(padded)%sector != 0 {
		padded = append(padded, 0)
	}
	n := len(padded) / sector
	if 2+n > sector/4 {
		t.Fatalf("the test's compound file holds at most %d sectors of stream", sector/4-2)
	}
	const free, end, fatSect, noStream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
	h := make([]byte, sector)
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le := binary.LittleEndian
	le.PutUint16(h[24:], 0x003E)
	le.PutUint16(h[26:], 0x0003)
	le.PutUint16(h[28:], 0xFFFE)
	le.PutUint16(h[30:], 9)
	le.PutUint16(h[32:], 6)
	le.PutUint32(h[44:], 1)    // FAT sectors
	le.PutUint32(h[48:], 1)    // first directory sector
	le.PutUint32(h[56:], 4096) // mini stream cutoff
	le.PutUint32(h[60:], end)  // no mini FAT
	le.PutUint32(h[68:], end)  // no DIFAT sectors
	for i := 76; i < sector; i += 4 {
		le.PutUint32(h[i:], free)
	}
	le.PutUint32(h[76:], 0) // the FAT is sector 0
	fat := make([]byte, sector)
	for i := 0; i < sector; i += 4 {
		le.PutUint32(fat[i:], free)
	}
	le.PutUint32(fat[0:], fatSect)
	le.PutUint32(fat[4:], end)
	for i := range n {
		next := uint32(2 + i + 1)
		if i == n-1 {
			next = end
		}
		le.PutUint32(fat[(2+i)*4:], next)
	}
	dir := make([]byte, sector)
	entry := func(i int, name string, kind byte, child, start uint32, size int) {
		e := dir[i*128 : (i+1)*128]
		units := utf16.Encode([]rune(name))
		for j, u := range units {
			le.PutUint16(e[2*j:], u)
		}
		le.PutUint16(e[64:], uint16(2*len(units)+2))
		e[66], e[67] = kind, 1 // black
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], noStream)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], start)
		le.PutUint32(e[120:], uint32(size))
	}
	entry(0, "Root Entry", 5, 1, end, 0)
	entry(1, "Workbook", 2, noStream, 2, len(padded)) // zeros after the last EOF are never read
	for i := 2; i < 4; i++ {
		e := dir[i*128 : (i+1)*128]
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], noStream)
		le.PutUint32(e[76:], noStream)
	}
	out := append(append(append(h, fat...), dir...), padded...)
	return out
}
