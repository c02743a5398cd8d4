// Package domain holds the notification centre's rules: who a notice is for, when a deadline
// reminder is due, and what each notice says.
package domain

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Kind is what a notice is about; the numbers match the contract.
type Kind int16

// The kinds.
const (
	DeadlineReminder Kind = 1
	ReportReturned   Kind = 2
	ActivityReturned Kind = 3
	VenueAlarm       Kind = 4
)

// Audience is who a notice is for: the bureau, one county's admins or one unit's organizers.
type Audience struct {
	Kind  string // AudienceCity, AudienceCounty or AudienceUnit
	Scope string // the county's code or the unit's id; empty for the bureau
}

// The audiences.
const (
	AudienceCity   = "city"
	AudienceCounty = "county"
	AudienceUnit   = "unit"
)

// City is the bureau's audience.
func City() Audience { return Audience{Kind: AudienceCity} }

// County is a county's admins.
func County(code string) Audience { return Audience{Kind: AudienceCounty, Scope: code} }

// Unit is a unit's organizers.
func Unit(id string) Audience { return Audience{Kind: AudienceUnit, Scope: id} }

// Notice is one notice.
type Notice struct {
	ID        uuid.UUID
	Kind      Kind
	Audience  Audience
	EditionID string
	Title     string
	Body      string
	Link      string
	// Key makes a notice raised twice (a redelivered event, a reminder checked every minute)
	// one notice.
	Key       string
	CreatedAt time.Time
	Read      bool
}

// ReminderDays are how many days before the deadline a reporter that has not submitted is
// reminded.
var ReminderDays = []int{7, 3, 1}

// DueReminder says which reminder is due on now's day for a deadline (YYYY-MM-DD in loc): the
// one of the fewest days whose day has come, until the deadline's day. After a pause (a
// service down for days) only the latest reminder is sent, not every one missed.
func DueReminder(deadline string, loc *time.Location, now time.Time) (days int, ok bool) {
	d, err := time.ParseInLocation(time.DateOnly, deadline, loc)
	if err != nil {
		return 0, false
	}
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	left := int(math.Round(d.Sub(today).Hours() / 24)) // a day may have 23 or 25 hours where clocks change
	if left < 0 {
		return 0, false
	}
	best := 0
	for _, r := range ReminderDays {
		if left <= r && (best == 0 || r < best) {
			best = r
		}
	}
	return best, best != 0
}

// Contact is the edition's contact for the week (the bureau's office, person, phone, mailbox),
// quoted in reminders.
type Contact struct {
	Office, Person, Phone, Email string
}

// Line writes the contact as one line in the notice's own words ("联系人：市科技局国际合作办公室
// 王宏颖 电话 4222068 邮箱 …"), leaving out what is not given; nothing when none is.
func (c Contact) Line() string {
	var parts []string
	if who := strings.TrimSpace(c.Office + " " + c.Person); who != "" {
		parts = append(parts, "联系人："+who)
	}
	if c.Phone != "" {
		parts = append(parts, "电话 "+c.Phone)
	}
	if c.Email != "" {
		parts = append(parts, "邮箱 "+c.Email)
	}
	return strings.Join(parts, " ")
}

// Reminder writes a deadline reminder for a county or unit that has not submitted.
func Reminder(editionName, deadline string, days int, who string, contact Contact) (title, body string) {
	title = fmt.Sprintf("%s总结报送还有 %d 天截止", editionName, days)
	body = fmt.Sprintf("%s：%s的开展情况统计表、活动周总结报告和影像资料（视频不超过 3 分钟）须于 %s 前报送，目前尚未报送。请登录平台填写并报送。",
		who, editionName, deadline)
	if line := contact.Line(); line != "" {
		body += "\n" + line
	}
	return title, body
}

// ReportReturnedNotice writes the notice of a report the bureau sent back.
func ReportReturnedNotice(editionName, who, reason string) (title, body string) {
	return editionName + "总结报送被退回",
		fmt.Sprintf("%s：市科技局退回了%s的总结报送，请按退回原因修改后重新报送。\n退回原因：%s", who, editionName, reason)
}

// ActivityReturnedNotice writes the notice of an activity its county sent back.
func ActivityReturnedNotice(title, reason string) (string, string) {
	return "活动「" + title + "」被退回", fmt.Sprintf("县（市、区）审核退回了活动「%s」，请按退回原因修改后重新提交。\n退回原因：%s", title, reason)
}

// VenueAlarmNotice writes the notice of a venue at its alarm level.
func VenueAlarmNotice(venue string, inside, capacity int64) (string, string) {
	return "场馆达到告警线：" + venue, fmt.Sprintf("「%s」场内人数 %d，安全容量 %d，已达到告警线。请立即联系场馆控制入场，必要时启动应急预案。", venue, inside, capacity)
}
