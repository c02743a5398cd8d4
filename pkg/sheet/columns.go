package sheet

import (
	"fmt"
	"strings"
)

// Field is one column a reader understands: its stable key, the header the template uses, and
// whether every file needs it.
type Field struct {
	Key      string
	Header   string
	Required bool
	Help     string
}

// Problem is one problem of one row (the header row for missing columns).
type Problem struct {
	Row     int
	Column  string
	Message string
}

// Columns resolves a sheet's headers to field keys: the mapping first (file header → key),
// then the template's own headers and the keys themselves. It returns the position of each
// field, the recognised headers with their keys, and the problems of the header row.
func Columns(s Sheet, fields []Field, mapping map[string]string) (map[string]int, map[string]string, []Problem) {
	byHeader := map[string]string{}
	valid := map[string]bool{}
	for _, f := range fields {
		byHeader[f.Header], byHeader[f.Key], valid[f.Key] = f.Key, f.Key, true
	}
	var problems []Problem
	for from, key := range mapping {
		if !valid[key] {
			problems = append(problems, Problem{Row: s.HeaderRow, Column: from, Message: fmt.Sprintf("mapped to %q, which is not a field of the template", key)})
		}
	}
	pos, named := map[string]int{}, map[string]string{}
	for i, h := range s.Header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		key, ok := mapping[h]
		if !ok {
			key, ok = byHeader[h]
		}
		if !ok || !valid[key] {
			continue
		}
		if _, dup := pos[key]; dup {
			problems = append(problems, Problem{Row: s.HeaderRow, Column: h, Message: fmt.Sprintf("a second column for %q", key)})
			continue
		}
		pos[key], named[h] = i, key
	}
	for _, f := range fields {
		if _, ok := pos[f.Key]; f.Required && !ok {
			problems = append(problems, Problem{Row: s.HeaderRow, Column: f.Header, Message: "this column is missing (map the file's header to " + f.Key + ")"})
		}
	}
	return pos, named, problems
}

// Rows walks the data rows, skipping blank ones, and hands each to fn with a function that
// reads a field's cell (trimmed) and one that reports a problem in a field's column.
func Rows(s Sheet, fields []Field, pos map[string]int, fn func(row int, cell func(key string) string, bad func(key, format string, args ...any))) []Problem {
	header := map[string]string{}
	for _, f := range fields {
		if i, ok := pos[f.Key]; ok && i < len(s.Header) {
			header[f.Key] = strings.TrimSpace(s.Header[i])
		}
	}
	var problems []Problem
	for n, cells := range s.Rows {
		if strings.TrimSpace(strings.Join(cells, "")) == "" {
			continue
		}
		row := s.RowNumbers[n]
		cell := func(key string) string {
			i, ok := pos[key]
			if !ok || i >= len(cells) {
				return ""
			}
			return strings.TrimSpace(cells[i])
		}
		bad := func(key, format string, args ...any) {
			problems = append(problems, Problem{Row: row, Column: header[key], Message: fmt.Sprintf(format, args...)})
		}
		fn(row, cell, bad)
	}
	return problems
}

// YesNo reads a yes/no cell as people fill it in; an empty cell is no.
func YesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "否", "n", "no", "false", "0", "不需要", "无", "未备案":
		return false, true
	case "是", "y", "yes", "true", "1", "需要", "有", "已备案":
		return true, true
	}
	return false, false
}

// SplitList splits a cell that lists several values: 青少年、社区 or a, b.
func SplitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、,，;；/ ", r) })
}
