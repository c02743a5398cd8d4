package sheet

import (
	"strings"

	"github.com/sciweek/sciweek/pkg/errs"
)

// Field is one column a reader understands: its stable key, the header the template uses, and
// whether every file needs it.
type Field struct {
	Key      string
	Header   string
	Required bool
	Help     string
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
)

// Columns resolves a sheet's headers to field keys: the mapping first (file header → key),
// then the template's own headers and the keys themselves. It returns the position of each
// field, the recognised headers with their keys, and the problems of the header row.
func Columns(s Sheet, fields []Field, mapping map[string]string) (map[string]int, map[string]string, []Problem) {
	byHeader, label := map[string]string{}, map[string]string{}
	valid := map[string]bool{}
	for _, f := range fields {
		byHeader[f.Header], byHeader[f.Key], valid[f.Key], label[f.Key] = f.Key, f.Key, true, f.Header
	}
	var problems []Problem
	for from, key := range mapping {
		if !valid[key] {
			problems = append(problems, At(s.HeaderRow, from, ErrMappedToNothing.New("header", from, "key", key)))
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
			problems = append(problems, At(s.HeaderRow, h, ErrColumnTwice.New("key", key, "header", h, "label", label[key])))
			continue
		}
		pos[key], named[h] = i, key
	}
	for _, f := range fields {
		if _, ok := pos[f.Key]; f.Required && !ok {
			problems = append(problems, At(s.HeaderRow, f.Header, ErrColumnMissing.New("key", f.Key, "label", f.Header)))
		}
	}
	return pos, named, problems
}

// Rows walks the data rows, skipping blank ones, and hands each to fn with a function that
// reads a field's cell (trimmed) and one that reports a problem (an error of a reason) in a
// field's column ("" for the whole row).
func Rows(s Sheet, fields []Field, pos map[string]int, fn func(row int, cell func(key string) string, bad func(key string, err error))) []Problem {
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
		bad := func(key string, err error) {
			problems = append(problems, At(row, header[key], err))
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
