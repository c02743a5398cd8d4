package sheet

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Fold reads a cell as people type it: full-width digits, letters, spaces and punctuation
// (１２０, ：, ／) become their ASCII forms, spaces are trimmed. It is for values with a meaning
// (numbers, dates, yes or no, a kind from a list), never for names and text kept as written.
func Fold(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(width.Fold.String(s), "\u00a0", " "))
}

// YesNo reads a yes/no cell as people fill it in (是/否, √/×, Y/N, 有/无, TRUE/FALSE, 1/0); an
// empty cell is no.
func YesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.ReplaceAll(Fold(s), " ", "")) {
	case "", "否", "n", "no", "false", "0", "不需要", "不", "无", "未备案", "×", "x", "✗", "✘", "不是", "非":
		return false, true
	case "是", "y", "yes", "true", "1", "需要", "要", "有", "已备案", "√", "✓", "✔", "对":
		return true, true
	}
	return false, false
}

// YesNoForms lists what YesNo takes, for the messages of cells it does not.
const YesNoForms = "是、否、√、×、Y、N、有、无"

// Int reads a whole number as people type it: full-width digits, thousands separators, a
// spreadsheet's "120.0", a unit after it (60人, 60 人). ok is false for anything else.
func Int(s string) (int, bool) {
	s = strings.ReplaceAll(Fold(s), ",", "")
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) || unicode.IsSpace(r) })
	s = strings.TrimSuffix(s, ".0")
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// SplitList splits a cell that lists several values: 青少年、社区 or a, b or 青少年/社区.
func SplitList(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return strings.ContainsRune("、,，;；/ \n", r) })
}
