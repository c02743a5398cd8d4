package domain

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/sheet"
)

// The ways of writing a date and a time an import takes; WhenForms says them for people. A date
// without a year is in the edition's year; a spreadsheet's date cell arrives as 2006-01-02 15:04
// (pkg/sheet); full-width digits and colons are read as ASCII. 上午9点 and the like are refused,
// with these forms named: "9点" might be 9:00 or 21:00 to the one who wrote it.
var (
	datePart = `(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?`
	timePart = `(\d{1,2})\s*(?::|时)\s*(\d{2})(?:\s*:\s*\d{2})?\s*分?|(\d{1,2})\s*时(?:整)?`
	dateRe   = regexp.MustCompile(`^` + datePart + `$`)
	momentRe = regexp.MustCompile(`^(?:` + datePart + `)?\s*T?\s*(?:` + timePart + `)$`)
	rangeSep = regexp.MustCompile(`\s*(?:至|到|~|～|—+|–|－|-)\s*`)
	serialRe = regexp.MustCompile(`^\d{5}(\.\d+)?$`)
)

// WhenForms are the forms of a date and time the import takes, as its messages list them.
const WhenForms = "2024-05-26 09:00、2024/5/26 9:00、2024年5月26日 9:00、5月26日 9时30分"

// moment is what a cell says of a point in time.
type moment struct {
	y, mo, d      int
	date, year    bool
	h, mi         int
	clock, parsed bool
}

// readMoment reads a date, a time of day, or both.
func readMoment(s string) moment {
	s = sheet.Fold(s)
	if m := dateRe.FindStringSubmatch(s); m != nil {
		return withDate(moment{parsed: true}, m[1], m[2], m[3])
	}
	m := momentRe.FindStringSubmatch(s)
	if m == nil {
		return moment{}
	}
	out := moment{parsed: true, clock: true}
	if m[2] != "" {
		out = withDate(out, m[1], m[2], m[3])
	}
	if m[4] != "" {
		out.h, _ = strconv.Atoi(m[4])
		out.mi, _ = strconv.Atoi(m[5])
	} else {
		out.h, _ = strconv.Atoi(m[6])
	}
	return out
}

func withDate(m moment, y, mo, d string) moment {
	m.date = true
	if y != "" {
		m.y, _ = strconv.Atoi(y)
		m.year = true
	}
	m.mo, _ = strconv.Atoi(mo)
	m.d, _ = strconv.Atoi(d)
	return m
}

// at makes the moment a time in the edition's zone; day fills in a missing date (a separate
// date column), the edition's year a missing year.
func (m moment) at(ed Edition, day moment) (time.Time, bool) {
	if !m.date {
		m.y, m.mo, m.d, m.year, m.date = day.y, day.mo, day.d, day.year, day.date
	}
	if !m.year {
		m.y = ed.StartsOn.Year()
	}
	if !m.date || !m.clock || m.mo < 1 || m.mo > 12 || m.d < 1 || m.d > 31 || m.h > 24 || m.mi > 59 || m.h == 24 && m.mi > 0 {
		return time.Time{}, false
	}
	t := time.Date(m.y, time.Month(m.mo), m.d, m.h, m.mi, 0, 0, ed.Location)
	if t.Day() != m.d { // 2月30日
		return time.Time{}, false
	}
	return t, true
}

// whenCells are a row's cells that say when its session is: a start and an end column (each a
// date and time, or a time with the date in a date column), or one 活动时间 column with a range
// (5月26日 9:00-11:30).
type whenCells struct{ start, end, date, span string }

// fieldErr is a problem of one field's cell.
type fieldErr struct {
	key string
	err error
}

// readWhen reads a row's session times, or says which cells are at fault.
func readWhen(ed Edition, c whenCells) (start, end time.Time, bad []fieldErr) {
	day := moment{}
	if c.date != "" {
		if day = readMoment(c.date); !day.parsed || !day.date {
			return time.Time{}, time.Time{}, []fieldErr{{FieldDate, ErrDateInvalid.New("value", c.date, "forms", "2024-05-26、2024/5/26、2024年5月26日、5月26日")}}
		}
		day.clock = false
	}
	if c.start == "" && c.end == "" && c.span != "" {
		start, end, err := readSpan(ed, day, c.span)
		if err != nil {
			bad = append(bad, fieldErr{FieldTimeSpan, err})
		}
		return start, end, bad
	}
	var err error
	if start, err = readTime(ed, day, c.start); err != nil {
		bad = append(bad, fieldErr{FieldStartsAt, err})
	}
	if end, err = readTime(ed, day, c.end); err != nil {
		bad = append(bad, fieldErr{FieldEndsAt, err})
	}
	return start, end, bad
}

var leadingDate = regexp.MustCompile(`^` + datePart)

// readSpan reads a range in one cell: a date (or the date column's) and two times, or two
// dates and times.
func readSpan(ed Edition, day moment, s string) (time.Time, time.Time, error) {
	f := sheet.Fold(s)
	rest := f
	// The date first: its dashes are not the range's.
	if loc := leadingDate.FindStringIndex(f); loc != nil {
		if d := readMoment(f[:loc[1]]); d.parsed {
			day, rest = d, strings.TrimSpace(f[loc[1]:])
		}
	}
	parts := rangeSep.Split(rest, 2)
	bad := ErrSpanInvalid.New("value", s, "forms", "5月26日 9:00-11:30、2024-05-26 9:00至11:30")
	if len(parts) != 2 {
		return time.Time{}, time.Time{}, bad
	}
	a, b := readMoment(parts[0]), readMoment(parts[1])
	start, ok1 := a.at(ed, day)
	if b.date {
		day = b
	}
	end, ok2 := b.at(ed, day)
	if !ok1 || !ok2 {
		return time.Time{}, time.Time{}, bad
	}
	return start, end, nil
}

// readTime reads one start or end cell.
func readTime(ed Edition, day moment, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, ErrTimeEmpty.New()
	}
	f := sheet.Fold(s)
	if serialRe.MatchString(f) { // a date cell saved as its serial number (a CSV from Excel)
		n, _ := strconv.ParseFloat(f, 64)
		days, frac := math.Modf(n)
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, ed.Location).AddDate(0, 0, int(days)).Add(time.Duration(math.Round(frac*86400)) * time.Second)
		if frac == 0 {
			return time.Time{}, ErrTimeOfDayMissing.New("value", t.Format(time.DateOnly))
		}
		return t, nil
	}
	m := readMoment(f)
	switch {
	case !m.parsed:
		return time.Time{}, ErrTimeInvalid.New("value", s, "forms", WhenForms)
	case !m.clock:
		return time.Time{}, ErrTimeOfDayMissing.New("value", s)
	case !m.date && !day.date:
		return time.Time{}, ErrTimeDateMissing.New("value", s)
	}
	t, ok := m.at(ed, day)
	if !ok {
		return time.Time{}, ErrTimeInvalid.New("value", s, "forms", WhenForms)
	}
	return t, nil
}

// The problems of a row's times.
var (
	ErrTimeEmpty = errs.Reason{Code: "IMPORT_TIME_EMPTY", Kind: errs.Invalid,
		English: "the time is empty",
		Chinese: "没有填写时间"}
	ErrTimeOfDayMissing = errs.Reason{Code: "IMPORT_TIME_OF_DAY_MISSING", Kind: errs.Invalid,
		English: "{value} has no time of day; write it like 2024-05-26 09:00",
		Chinese: "“{value}”只有日期，没有几点几分：请写成 2024-05-26 09:00 的样子"}
	ErrTimeDateMissing = errs.Reason{Code: "IMPORT_TIME_DATE_MISSING", Kind: errs.Invalid,
		English: "{value} has no date; write the date with it or in a 活动日期 column",
		Chinese: "“{value}”只有时间，没有日期：请写成 2024-05-26 09:00 的样子，或另加一列“活动日期”"}
	ErrTimeInvalid = errs.Reason{Code: "IMPORT_TIME_INVALID", Kind: errs.Invalid,
		English: "{value} is not a date and time; write it like {forms}",
		Chinese: "“{value}”不是可以识别的日期时间：请写成 {forms} 的样子（“上午9点”这类写法无法识别）"}
	ErrDateInvalid = errs.Reason{Code: "IMPORT_DATE_INVALID", Kind: errs.Invalid,
		English: "{value} is not a date; write it like {forms}",
		Chinese: "“{value}”不是可以识别的日期：请写成 {forms} 的样子"}
	ErrSpanInvalid = errs.Reason{Code: "IMPORT_TIME_SPAN_INVALID", Kind: errs.Invalid,
		English: "{value} is not a start and end time; write it like {forms}",
		Chinese: "“{value}”不是可以识别的起止时间：请写成 {forms} 的样子，或分成“开始时间”“结束时间”两列"}
)
