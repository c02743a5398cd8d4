package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sciweek/sciweek/services/reporting/internal/notices/domain"
)

// TestDueReminder: 7, 3 and 1 days before the deadline, in the edition's time zone; after a
// pause only the latest due; none after the deadline's day or for a deadline not set.
func TestDueReminder(t *testing.T) {
	t.Parallel()
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	at := func(day string, hour int) time.Time {
		d, _ := time.ParseInLocation(time.DateOnly, day, shanghai)
		return d.Add(time.Duration(hour) * time.Hour)
	}
	tests := []struct {
		name     string
		deadline string
		now      time.Time
		days     int
		due      bool
	}{
		{"ten days before", "2024-06-10", at("2024-05-31", 9), 0, false},
		{"seven days before", "2024-06-10", at("2024-06-03", 0), 7, true},
		{"six days before: the 7-day one still", "2024-06-10", at("2024-06-04", 12), 7, true},
		{"three days before", "2024-06-10", at("2024-06-07", 8), 3, true},
		{"the day before", "2024-06-10", at("2024-06-09", 23), 1, true},
		{"on the day: still the 1-day one", "2024-06-10", at("2024-06-10", 10), 1, true},
		{"after the deadline", "2024-06-10", at("2024-06-11", 0), 0, false},
		{"UTC evening is the next day in Shanghai", "2024-06-10", time.Date(2024, 6, 6, 17, 0, 0, 0, time.UTC), 3, true},
		{"no deadline", "", at("2024-06-09", 9), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			days, due := domain.DueReminder(tt.deadline, shanghai, tt.now)
			if days != tt.days || due != tt.due {
				t.Fatalf("got %d, %v; want %d, %v", days, due, tt.days, tt.due)
			}
		})
	}
}

// TestReminderQuotesTheContact: the edition's contact ends the reminder when it has one.
func TestReminderQuotesTheContact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		contact domain.Contact
		want    string
	}{
		{"the notice's line", domain.Contact{Office: "市科技局国际合作办公室", Person: "王宏颖", Phone: "4222068", Email: "w251342595@163.com"},
			"联系人：市科技局国际合作办公室 王宏颖 电话 4222068 邮箱 w251342595@163.com"},
		{"no mailbox", domain.Contact{Office: "市科技局国际合作办公室", Person: "王宏颖", Phone: "4222068"}, "联系人：市科技局国际合作办公室 王宏颖 电话 4222068"},
		{"a mailbox alone", domain.Contact{Email: "kjz@example.cn"}, "邮箱 kjz@example.cn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, body := domain.Reminder("2024年太原市科技活动周", "2024-06-10", 3, "小店区", tt.contact)
			if !strings.HasSuffix(body, "\n"+tt.want) {
				t.Fatalf("reminder: %q, want it to end with %q", body, tt.want)
			}
		})
	}
	if _, body := domain.Reminder("2024年太原市科技活动周", "2024-06-10", 3, "小店区", domain.Contact{}); len(body) == 0 {
		t.Fatal("no body")
	}
}
