package sheet

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/sciweek/sciweek/pkg/errs"
)

// Field is one column a reader understands: its stable key, the header the template uses, the
// other headers offices write for it, and whether every file needs it.
type Field struct {
	Key      string
	Header   string
	Required bool
	Help     string
	// Synonyms are other headers that mean this column, e.g. 主办单位 for 组织单位. Under a
	// two-row header a sub-column is also known by its top header and its own together
	// (活动时间 over 开始: "活动时间开始"), so list those forms too.
	Synonyms []string
}

// Problem is one problem of one row (the header row for missing columns): where it is, and what
// it is as the error of a reason says it — the reason and its arguments for programs, English
// for API clients, Chinese for the person who fixes the file.
type Problem struct {
	// Row is the row number as the file shows it.
	Row int
	// Column is the header of the column at fault, as the file writes it; empty for the row.
	Column string
	// Reason and Args are the problem's reason code and arguments.
	Reason string
	Args   map[string]string
	// Message is the English message; Chinese the message for people.
	Message, Chinese string
}

// At places the problem err describes at a row and column.
func At(row int, column string, err error) Problem {
	return Problem{Row: row, Column: column, Reason: errs.ReasonOf(err), Args: errs.ArgsOf(err), Message: errs.Message(err), Chinese: errs.Chinese(err)}
}

// The problems of a file's columns.
var (
	ErrMappedToNothing = errs.Reason{Code: "IMPORT_MAPPING_UNKNOWN_FIELD", Kind: errs.Invalid,
		English: "{header}: mapped to {key}, which is not a field of the template",
		Chinese: "表头“{header}”被对应到模板中没有的字段“{key}”：请在“表头对应”中重新选择"}
	ErrColumnTwice = errs.Reason{Code: "IMPORT_COLUMN_TWICE", Kind: errs.Invalid,
		English: "a second column for {key}",
		Chinese: "“{header}”是第二个“{label}”列：请只保留一列"}
	ErrColumnMissing = errs.Reason{Code: "IMPORT_COLUMN_MISSING", Kind: errs.Invalid,
		English: "this column is missing (map the file's header to {key})",
		Chinese: "缺少“{label}”列：请按模板填写表头，或在“表头对应”中指明文件里哪一列是“{label}”"}
	ErrHeaderNotFound = errs.Reason{Code: "IMPORT_HEADER_NOT_FOUND", Kind: errs.Invalid,
		English: "no header with the template's columns in the first {rows} rows of any sheet; the first row with anything in it is taken as the header",
		Chinese: "在各工作表的前 {rows} 行里没有找到模板的表头，已把第一行当作表头：请按模板填写表头，或在“表头对应”中指明各列"}
)

// maxAbove is how many rows above the header a file may have: titles, a 填报单位 line, notes.
const maxAbove = 20

// Table is a table of fields found in a book: the sheet, the header, which column holds which
// field, and the data rows under the header with their row numbers as the file shows them.
type Table struct {
	// Sheet is the sheet's name (empty for a CSV file).
	Sheet string
	// HeaderRow is the number of the header's (last) row; HeaderRows is 1 or 2.
	HeaderRow, HeaderRows int
	// Columns is each recognised field's column; Named maps each recognised header, as the
	// file writes it, to its field's key.
	Columns map[string]int
	Named   map[string]string
	// Rows and RowNumbers are the data rows: blank rows, a repeated header and the trailing
	// 合计, 备注 and signature lines left out.
	Rows       [][]string
	RowNumbers []int

	headers map[string]string // field key → header as the file writes it
}

// Header is the header of a field's column as the file writes it ("活动时间 开始" under a two-row
// header), for problems; empty when the file has no such column.
func (t Table) Header(key string) string { return t.headers[key] }

// matcher knows every name of every field.
type matcher map[string]string

func newMatcher(fields []Field, mapping map[string]string) matcher {
	m := matcher{}
	for _, f := range fields {
		for _, n := range append([]string{f.Key, f.Header}, f.Synonyms...) {
			m[normHeader(n)] = f.Key
		}
	}
	for from, key := range mapping {
		m[normHeader(from)] = key
	}
	return m
}

// key returns the field a header names: as written, or without its parenthesised notes
// (名额（人）, 开始时间(必填)).
func (m matcher) key(h string) (string, bool) {
	n := normHeader(h)
	if n == "" {
		return "", false
	}
	if k, ok := m[n]; ok {
		return k, true
	}
	if stripped := parens.ReplaceAllString(n, ""); stripped != n && stripped != "" {
		k, ok := m[stripped]
		return k, ok
	}
	return "", false
}

var parens = regexp.MustCompile(`\([^)]*\)`)

// normHeader is a header as it is compared: full-width forms folded, no spaces or line breaks,
// no asterisks marking required columns.
func normHeader(s string) string {
	s = width.Fold.String(strings.TrimPrefix(s, "\ufeff"))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '*' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// header is one way to read a header: from row top alone or from rows top and top+1.
type header struct {
	grid    int
	top     int // index of the header's first row in the grid
	rows    int // 1 or 2
	columns map[string]int
	labels  map[string]string // key → header as the file writes it
	dups    []int             // columns naming a field another column names already
	matched int
}

// labelsOf reads the header labels of each column: one row's cells, or, for a two-row header, a
// sub-column's top and sub headers together and then its sub header alone.
func labelsOf(g Grid, top, rows int) [][]string {
	first := g.Rows[top]
	n := len(first)
	if rows == 2 {
		n = max(n, len(g.Rows[top+1]))
	}
	out := make([][]string, n)
	for c := range n {
		t := cellAt(first, c)
		if rows == 1 {
			out[c] = []string{t}
			continue
		}
		s := cellAt(g.Rows[top+1], c)
		switch {
		case s == "" || normHeader(s) == normHeader(t): // merged down over both rows
			out[c] = []string{t}
		case t == "":
			out[c] = []string{s}
		default:
			out[c] = []string{t + " " + s, s, t}
		}
	}
	return out
}

func cellAt(row []string, c int) string {
	if c < len(row) {
		return strings.TrimSpace(row[c])
	}
	return ""
}

// readHeader matches a header's labels with the fields.
func readHeader(m matcher, g Grid, gi, top, rows int) header {
	h := header{grid: gi, top: top, rows: rows, columns: map[string]int{}, labels: map[string]string{}}
	for c, cands := range labelsOf(g, top, rows) {
		for _, label := range cands {
			key, ok := m.key(label)
			if !ok {
				continue
			}
			if _, dup := h.columns[key]; dup {
				h.dups = append(h.dups, c)
			} else {
				h.columns[key], h.labels[key] = c, cands[0]
				h.matched++
			}
			break
		}
	}
	return h
}

// Find finds the table of fields in a book. The header is the row (or pair of rows, a merged top
// header over its sub-columns) among the first rows of a sheet that names the most fields, by
// their template headers, synonyms, keys and the file-header mapping; titles, notes and blank
// rows above it are skipped, and of several sheets the one with that header is read. A file with
// no such header has its first row taken as the header, and the problems say which columns it
// lacks. The problems are those of the header: missing and repeated columns, mappings to fields
// that do not exist.
func Find(b Book, fields []Field, mapping map[string]string) (Table, []Problem) {
	m := newMatcher(fields, mapping)
	valid := map[string]Field{}
	for _, f := range fields {
		valid[f.Key] = f
	}
	var best header
	found := false
	for gi, g := range b {
		seen := 0
		for i := 0; i < len(g.Rows) && seen < maxAbove; i++ {
			if blank(g.Rows[i]) {
				continue
			}
			seen++
			for rows := 1; rows <= 2; rows++ {
				if rows == 2 && (i+1 >= len(g.Rows) || blank(g.Rows[i+1])) {
					continue
				}
				h := readHeader(m, g, gi, i, rows)
				if h.matched >= 2 && (!found || h.matched > best.matched) {
					best, found = h, true
				}
			}
		}
	}
	var problems []Problem
	if !found {
		best = firstRowHeader(m, b)
		problems = append(problems, At(1, "", ErrHeaderNotFound.New("rows", maxAbove)))
	}
	if best.grid >= len(b) {
		return Table{}, problems
	}
	g := b[best.grid]
	t := Table{Sheet: g.Name, HeaderRows: best.rows, Columns: best.columns, Named: map[string]string{}, headers: best.labels}
	last := best.top + best.rows - 1
	if last < len(g.RowNumbers) {
		t.HeaderRow = g.RowNumbers[last]
	}
	for key, label := range best.labels {
		t.Named[label] = key
	}
	for from, key := range mapping {
		if _, ok := valid[key]; !ok {
			problems = append(problems, At(t.HeaderRow, from, ErrMappedToNothing.New("header", from, "key", key)))
		}
	}
	for _, c := range best.dups {
		label := labelsOf(g, best.top, best.rows)[c][0]
		key, _ := m.key(label)
		problems = append(problems, At(t.HeaderRow, label, ErrColumnTwice.New("key", key, "header", label, "label", valid[key].Header)))
	}
	for _, f := range fields {
		if _, ok := t.Columns[f.Key]; f.Required && !ok {
			problems = append(problems, At(t.HeaderRow, f.Header, ErrColumnMissing.New("key", f.Key, "label", f.Header)))
		}
	}
	t.Rows, t.RowNumbers = dataRows(g, last+1, g.Rows[best.top:last+1], serialColumn(g, best))
	return t, problems
}

// firstRowHeader is the header of a file whose header could not be found: the first row with
// anything in it, of the first sheet that has one.
func firstRowHeader(m matcher, b Book) header {
	for gi, g := range b {
		for i, r := range g.Rows {
			if !blank(r) {
				return readHeader(m, g, gi, i, 1)
			}
		}
	}
	return header{grid: len(b)}
}

// serialColumn is the 序号 column of a header, or -1: a row with a number there and nothing
// else is blank.
func serialColumn(g Grid, h header) int {
	for c, cands := range labelsOf(g, h.top, h.rows) {
		switch normHeader(cands[0]) {
		case "序号", "编号", "no.", "no", "序":
			return c
		}
	}
	return -1
}

// footers start the lines under a table that are not rows of it.
var footers = []string{"合计", "总计", "小计", "共计", "备注", "说明", "注:", "注：", "填表说明", "填表人", "填报人", "制表", "审核", "负责人", "联系人:", "联系电话:", "单位负责人"}

// dataRows returns the rows from index from on: blank rows (a 序号 alone is blank) and rows that
// repeat the header left out, and the trailing footer lines (合计, 备注, signatures) too.
func dataRows(g Grid, from int, header [][]string, serial int) ([][]string, []int) {
	var rows [][]string
	var nums []int
	content := func(r []string) []string {
		out := make([]string, 0, len(r))
		for c, v := range r {
			if c != serial && strings.TrimSpace(v) != "" {
				out = append(out, strings.TrimSpace(v))
			}
		}
		return out
	}
	for i := from; i < len(g.Rows); i++ {
		r := g.Rows[i]
		if len(content(r)) == 0 || repeats(r, header) {
			continue
		}
		rows, nums = append(rows, r), append(nums, g.RowNumbers[i])
	}
	for len(rows) > 0 {
		c := content(rows[len(rows)-1])
		first := normHeader(c[0])
		isFooter := false
		for _, f := range footers {
			isFooter = isFooter || strings.HasPrefix(first, normHeader(f))
		}
		if !isFooter {
			break
		}
		rows, nums = rows[:len(rows)-1], nums[:len(nums)-1]
	}
	return rows, nums
}

// repeats reports whether a row repeats one of the header's rows, as offices print the header
// again on every page.
func repeats(r []string, header [][]string) bool {
	for _, h := range header {
		same := len(filled(h)) > 0
		for c := 0; c < max(len(r), len(h)) && same; c++ {
			same = normHeader(cellAt(r, c)) == normHeader(cellAt(h, c))
		}
		if same {
			return true
		}
	}
	return false
}

// filled returns a row's cells that have anything in them.
func filled(r []string) []string {
	var out []string
	for _, v := range r {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

// Each walks the data rows and hands each to fn with a function that reads a field's cell
// (trimmed) and one that reports a problem (an error of a reason) in a field's column ("" for
// the whole row).
func (t Table) Each(fn func(row int, cell func(key string) string, bad func(key string, err error))) []Problem {
	var problems []Problem
	for n, cells := range t.Rows {
		row := t.RowNumbers[n]
		cell := func(key string) string {
			i, ok := t.Columns[key]
			if !ok || i >= len(cells) {
				return ""
			}
			return strings.TrimSpace(cells[i])
		}
		bad := func(key string, err error) {
			problems = append(problems, At(row, t.headers[key], err))
		}
		fn(row, cell, bad)
	}
	return problems
}
