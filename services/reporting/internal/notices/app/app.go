// Package app holds the notification centre's use cases: raising notices (deadline reminders,
// returned reports and activities, venues at their alarm level), showing each person those of
// their scope, and e-mailing them to whoever gave an address.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/reporting/internal/notices/domain"
)

// Store keeps the notices, who read them, the people's addresses and the e-mails to send.
type Store interface {
	// Raise stores a notice unless one with its key exists, and queues an e-mail of it to every
	// address of its audience when queue is set; it joins the transaction in ctx if any.
	Raise(ctx context.Context, n domain.Notice, queue bool) (raised bool, err error)
	// List returns an audience's notices, newest first, read or not by subject, and how many
	// are unread.
	List(ctx context.Context, a domain.Audience, subject string, limit int, unreadOnly bool) ([]domain.Notice, int, error)
	// MarkRead marks notices of an audience read by subject (every one when ids is empty) and
	// returns how many are left unread.
	MarkRead(ctx context.Context, a domain.Audience, subject string, ids []uuid.UUID) (int, error)
	// Mailbox returns subject's address.
	Mailbox(ctx context.Context, subject string) (string, error)
	// SetMailbox sets subject's address and the audience it receives.
	SetMailbox(ctx context.Context, subject string, a domain.Audience, email string) error
	// SendPending hands each queued e-mail due now to send, at most limit of them, and records
	// what came of it; it returns how many it sent.
	SendPending(ctx context.Context, limit int, send func(to string, n domain.Notice) error) (int, error)
}

// Mailer sends an e-mail (SMTP, the notice's own channel).
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SMS would send a text message. No implementation exists until the bureau chooses a provider;
// the notices are not sent by SMS meanwhile (README, "Reminders and notices").
type SMS interface {
	Send(ctx context.Context, phone, text string) error
}

// Outstanding is an edition's reporters that have not submitted, for the deadline reminders.
type Outstanding struct {
	EditionID, EditionName, Deadline string
	Location                         *time.Location
	Contact                          domain.Contact
	Reporters                        []Reporter
}

// Reporter is a county or a unit that reports.
type Reporter struct {
	CountyCode, UnitID, Name string
}

// Audience is who receives a reporter's notices.
func (r Reporter) Audience() domain.Audience {
	if r.UnitID != "" {
		return domain.Unit(r.UnitID)
	}
	return domain.County(r.CountyCode)
}

// Reports is the notification centre's question to the report back: who has not submitted.
type Reports interface {
	Outstanding(ctx context.Context) ([]Outstanding, error)
}

// Config is what the notification centre needs.
type Config struct {
	Store Store
	// Mailer, if set, e-mails notices; without it they show in the console only.
	Mailer Mailer
	// SMS stays nil until a provider is chosen.
	SMS SMS
	// Reports, if set, lets the centre send deadline reminders.
	Reports Reports
	Now     func() time.Time
	Log     *slog.Logger
}

// Notices runs the notification centre's use cases.
type Notices struct {
	cfg  Config
	wake chan struct{}
}

// New returns the use cases.
func New(cfg Config) (*Notices, error) {
	if cfg.Store == nil || cfg.Now == nil || cfg.Log == nil {
		return nil, errors.New("notices: store, clock and log are required")
	}
	return &Notices{cfg: cfg, wake: make(chan struct{}, 1)}, nil
}

// The reasons the notification centre refuses a request.
var (
	// ErrNoNotices refuses an account that gets no notices (a viewer, an account without scope).
	ErrNoNotices = errs.Reason{Code: "ACCOUNT_HAS_NO_NOTICES", Kind: errs.PermissionDenied,
		English: "this account gets no notices", Chinese: "此账号没有通知"}
	// ErrNothingToMark refuses marking nothing read.
	ErrNothingToMark = errs.Reason{Code: "NOTICES_TO_MARK_MISSING", Kind: errs.Invalid,
		English: "name the notices to mark read, or ask for all of them",
		Chinese: "请指明要标记为已读的通知，或选择全部"}
)

// audienceOf is the audience whose notices p sees.
func audienceOf(p auth.Principal) (domain.Audience, error) {
	switch {
	case p.Is(auth.RoleCityAdmin):
		return domain.City(), nil
	case p.Is(auth.RoleCountyAdmin) && p.CountyCode != "":
		return domain.County(p.CountyCode), nil
	case p.Is(auth.RoleOrganizer) && p.UnitID != "":
		return domain.Unit(p.UnitID), nil
	}
	return domain.Audience{}, ErrNoNotices.New()
}

// Raise stores a notice (once per key) and queues its e-mails; the sender is woken.
func (n *Notices) Raise(ctx context.Context, notice domain.Notice) error {
	if notice.ID == uuid.Nil {
		notice.ID = uuid.New()
	}
	if notice.CreatedAt.IsZero() {
		notice.CreatedAt = n.cfg.Now()
	}
	raised, err := n.cfg.Store.Raise(ctx, notice, n.cfg.Mailer != nil)
	if raised {
		n.Wake()
	}
	return err
}

// Wake tells the sender there may be e-mails to send.
func (n *Notices) Wake() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// List returns the caller's notices and how many are unread.
func (n *Notices) List(ctx context.Context, p auth.Principal, limit int, unreadOnly bool) ([]domain.Notice, int, error) {
	a, err := audienceOf(p)
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 {
		limit = 50
	}
	return n.cfg.Store.List(ctx, a, p.Subject, limit, unreadOnly)
}

// MarkRead marks the caller's notices read: those named, or all when all is set.
func (n *Notices) MarkRead(ctx context.Context, p auth.Principal, ids []uuid.UUID, all bool) (int, error) {
	a, err := audienceOf(p)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 && !all {
		return 0, ErrNothingToMark.New()
	}
	return n.cfg.Store.MarkRead(ctx, a, p.Subject, ids)
}

// Mailbox returns where the caller's notices are e-mailed.
func (n *Notices) Mailbox(ctx context.Context, p auth.Principal) (string, error) {
	if _, err := audienceOf(p); err != nil {
		return "", err
	}
	return n.cfg.Store.Mailbox(ctx, p.Subject)
}

// SetMailbox sets where the caller's notices are e-mailed.
func (n *Notices) SetMailbox(ctx context.Context, p auth.Principal, email string) error {
	a, err := audienceOf(p)
	if err != nil {
		return err
	}
	return n.cfg.Store.SetMailbox(ctx, p.Subject, a, email)
}

// SMSAvailable says whether notices can go by text message: not until a provider is chosen.
func (n *Notices) SMSAvailable() bool { return n.cfg.SMS != nil }

// Remind raises the deadline reminders due now: to every county and unit that has not
// submitted, 7, 3 and 1 days before the deadline, each once.
func (n *Notices) Remind(ctx context.Context) (int, error) {
	if n.cfg.Reports == nil {
		return 0, nil
	}
	outstanding, err := n.cfg.Reports.Outstanding(ctx)
	if err != nil {
		return 0, err
	}
	raised := 0
	now := n.cfg.Now()
	for _, o := range outstanding {
		days, ok := domain.DueReminder(o.Deadline, o.Location, now)
		if !ok {
			continue
		}
		for _, r := range o.Reporters {
			title, body := domain.Reminder(o.EditionName, o.Deadline, days, r.Name, o.Contact)
			err := n.Raise(ctx, domain.Notice{Kind: domain.DeadlineReminder, Audience: r.Audience(), EditionID: o.EditionID, Title: title, Body: body,
				Link: "/report", Key: fmt.Sprintf("deadline:%s:%s:%s:%d", o.EditionID, r.CountyCode, r.UnitID, days)})
			if err != nil {
				return raised, err
			}
			raised++
		}
	}
	return raised, nil
}

// ReportReturned tells a county or unit the bureau sent its report back.
func (n *Notices) ReportReturned(ctx context.Context, editionID, editionName string, r Reporter, reason string, at time.Time) error {
	title, body := domain.ReportReturnedNotice(editionName, r.Name, reason)
	return n.Raise(ctx, domain.Notice{Kind: domain.ReportReturned, Audience: r.Audience(), EditionID: editionID, Title: title, Body: body,
		Link: "/report", Key: fmt.Sprintf("report-returned:%s:%s:%s:%d", editionID, r.CountyCode, r.UnitID, at.UnixNano())})
}

// ActivityReturned tells a unit its county sent an activity back; eventID makes it once.
func (n *Notices) ActivityReturned(ctx context.Context, eventID, editionID, unitID, activityID, title, reason string) error {
	if unitID == "" {
		return nil
	}
	t, body := domain.ActivityReturnedNotice(title, reason)
	return n.Raise(ctx, domain.Notice{Kind: domain.ActivityReturned, Audience: domain.Unit(unitID), EditionID: editionID, Title: t, Body: body,
		Link: "/activities/" + activityID, Key: "event:" + eventID})
}

// VenueAlarm tells a venue's county the venue reached its alarm level; eventID makes it once.
func (n *Notices) VenueAlarm(ctx context.Context, eventID, county, venue string, inside, capacity int64) error {
	title, body := domain.VenueAlarmNotice(venue, inside, capacity)
	return n.Raise(ctx, domain.Notice{Kind: domain.VenueAlarm, Audience: domain.County(county), Title: title, Body: body,
		Link: "/dashboard", Key: "event:" + eventID})
}

// Run sends the queued e-mails (woken by each new notice, and every 30 seconds for retries) and
// raises the deadline reminders every reminderEvery, until ctx ends.
func (n *Notices) Run(ctx context.Context, reminderEvery time.Duration) error {
	if reminderEvery <= 0 {
		reminderEvery = 10 * time.Minute
	}
	remind := time.NewTicker(reminderEvery)
	defer remind.Stop()
	retry := time.NewTicker(30 * time.Second)
	defer retry.Stop()
	n.remindAndLog(ctx)
	for {
		if n.cfg.Mailer != nil {
			for {
				sent, err := n.cfg.Store.SendPending(ctx, 50, func(to string, notice domain.Notice) error {
					return n.cfg.Mailer.Send(ctx, to, notice.Title, notice.Body+"\n\n请登录科技活动周平台查看："+notice.Link+"\n（此邮件由平台自动发送，请勿直接回复。）")
				})
				if err != nil && ctx.Err() == nil {
					n.cfg.Log.Warn("sending notices by e-mail", "error", err)
				}
				if sent < 50 || err != nil {
					break
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-n.wake:
		case <-retry.C:
		case <-remind.C:
			n.remindAndLog(ctx)
		}
	}
}

func (n *Notices) remindAndLog(ctx context.Context) {
	if raised, err := n.Remind(ctx); err != nil && ctx.Err() == nil {
		n.cfg.Log.Warn("deadline reminders", "error", err)
	} else if raised > 0 {
		n.cfg.Log.Info("deadline reminders checked", "reporters", raised)
	}
}
