package domain

import "github.com/sciweek/sciweek/pkg/errs"

// The scans a terminal should never send. sequence is the record's terminal sequence number:
// the door shows the message beside the record it queued.
var (
	ErrSequenceZero = errs.Reason{Code: "CHECKIN_SEQUENCE_ZERO", Kind: errs.Invalid,
		English: "sequence numbers start at 1",
		Chinese: "记录流水号应从 1 开始：请在管理后台重置终端后重新配对"}
	ErrSequenceTooLarge = errs.Reason{Code: "CHECKIN_SEQUENCE_TOO_LARGE", Kind: errs.Invalid,
		English: "sequence {sequence} is too large: terminal sequence numbers stay below 2^63",
		Chinese: "记录流水号 {sequence} 过大：请在管理后台重置终端后重新配对"}
	ErrTimeMissing = errs.Reason{Code: "CHECKIN_TIME_MISSING", Kind: errs.Invalid,
		English: "record {sequence} needs the time it happened",
		Chinese: "第 {sequence} 条记录没有时间"}
	ErrTimeOutOfYears = errs.Reason{Code: "CHECKIN_TIME_OUT_OF_YEARS", Kind: errs.Invalid,
		English: "record {sequence}: its time must lie between the years 1 and 9999",
		Chinese: "第 {sequence} 条记录的时间不对：请检查设备的日期和时间"}
	ErrOtherVenue = errs.Reason{Code: "CHECKIN_OTHER_VENUE", Kind: errs.PermissionDenied,
		English: "this terminal records at venue {own}, not at {venue}",
		Chinese: "此终端只能在登记的场馆签到，不能记录其他场馆的入场"}
	ErrTicketPayloadMissing = errs.Reason{Code: "CHECKIN_TICKET_PAYLOAD_MISSING", Kind: errs.Invalid,
		English: "record {sequence}: a ticket scan needs the ticket's QR payload",
		Chinese: "第 {sequence} 条记录是验票，但没有票的二维码内容"}
	ErrCategoryMissing = errs.Reason{Code: "CHECKIN_CATEGORY_MISSING", Kind: errs.Invalid,
		English: "record {sequence}: a walk-in needs a participant category",
		Chinese: "第 {sequence} 条散客记录没有人员类别"}
	ErrWalkInHeadcount = errs.Reason{Code: "CHECKIN_WALK_IN_HEADCOUNT", Kind: errs.Invalid,
		English: "record {sequence}: walk-in headcount must be 1 to {max}",
		Chinese: "第 {sequence} 条散客记录的人数应为 1 至 {max}"}
	ErrGroupEmpty = errs.Reason{Code: "CHECKIN_GROUP_EMPTY", Kind: errs.Invalid,
		English: "record {sequence}: a group needs at least one person",
		Chinese: "第 {sequence} 条团体记录至少要有一人"}
	ErrGroupTooLarge = errs.Reason{Code: "CHECKIN_GROUP_TOO_LARGE", Kind: errs.Invalid,
		English: "record {sequence}: a group has at most {maxYoung} young people and {maxTeachers} teachers",
		Chinese: "第 {sequence} 条团体记录人数过多：青少年最多 {maxYoung} 人，带队老师最多 {maxTeachers} 人"}
	ErrGroupNameLength = errs.Reason{Code: "CHECKIN_GROUP_NAME_LENGTH", Kind: errs.Invalid,
		English: "record {sequence}: a group's name has at most 100 characters",
		Chinese: "第 {sequence} 条团体记录的团体名称最多 100 个字"}
	ErrCheckoutHeadcount = errs.Reason{Code: "CHECKIN_CHECKOUT_HEADCOUNT", Kind: errs.Invalid,
		English: "record {sequence}: check-out headcount must be 1 to {max}",
		Chinese: "第 {sequence} 条离场记录的人数应为 1 至 {max}"}
	ErrKindUnknown = errs.Reason{Code: "CHECKIN_KIND_UNKNOWN", Kind: errs.Invalid,
		English: "record {sequence} is neither a ticket, a walk-in, a group nor a check-out",
		Chinese: "第 {sequence} 条记录不是验票、散客、团体或离场中的任何一种"}
	ErrActivityMissing = errs.Reason{Code: "CHECKIN_ACTIVITY_MISSING", Kind: errs.Invalid,
		English: "record {sequence} needs the activity it counts for",
		Chinese: "第 {sequence} 条记录没有选择活动"}
)
