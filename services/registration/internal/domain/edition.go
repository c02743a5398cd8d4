// Package domain holds registration's rules: editions and their calendar, activities and their
// county review, and the accounts people sign in with. No SQL, no proto.
package domain

import (
	"slices"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
)

// County is a county-level division taking part in an edition.
type County struct {
	Code string
	Name string
}

// Edition is one year's Science and Technology Week.
type Edition struct {
	ID              string
	Name            string
	Theme           string
	StartsOn        time.Time // midnight of the first day, in Location
	EndsOn          time.Time // midnight of the last day, in Location
	ReportDeadline  time.Time // midnight of the last reporting day, in Location
	MaxVideoSeconds int
	Location        *time.Location
	Counties        []County
}

// HasCounty reports whether the county takes part in the edition.
func (e Edition) HasCounty(code string) bool {
	return slices.ContainsFunc(e.Counties, func(c County) bool { return c.Code == code })
}

// CheckSession rejects a session that does not fall within the edition's days.
func (e Edition) CheckSession(i int, s Session) error {
	if !s.EndsAt.After(s.StartsAt) {
		return errs.E(errs.Invalid, "session %d ends (%s) before it starts (%s)", i+1, e.local(s.EndsAt), e.local(s.StartsAt))
	}
	end := e.EndsOn.AddDate(0, 0, 1)
	if s.StartsAt.Before(e.StartsOn) || s.EndsAt.After(end) {
		return errs.E(errs.Invalid, "session %d (%s to %s) is outside %s, which runs from %s to %s",
			i+1, e.local(s.StartsAt), e.local(s.EndsAt), e.Name, e.StartsOn.Format(time.DateOnly), e.EndsOn.Format(time.DateOnly))
	}
	return nil
}

func (e Edition) local(t time.Time) string { return t.In(e.Location).Format("2006-01-02 15:04") }
