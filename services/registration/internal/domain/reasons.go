package domain

import (
	"strings"

	"github.com/sciweek/sciweek/pkg/errs"
)

// The rules of activities, editions, units, accounts, sign-ups and nominations, as reasons:
// each says in Chinese what is wrong and what to write instead.
var (
	ErrTitleLength = errs.Reason{Code: "ACTIVITY_TITLE_LENGTH", Kind: errs.Invalid,
		English: "title must have 2 to 200 characters (it has {length})",
		Chinese: "活动名称应为 2 至 200 个字（现在是 {length} 个字）"}
	ErrFormUnknown = errs.Reason{Code: "ACTIVITY_FORM_UNKNOWN", Kind: errs.Invalid,
		English: "form {value} is not one of the known activity forms: {accepted}",
		Chinese: "“{value}”不是活动形式，请填写其中之一：{accepted}"}
	ErrThemeUnknown = errs.Reason{Code: "ACTIVITY_THEME_UNKNOWN", Kind: errs.Invalid,
		English: "theme {value} is not one of the themed weeks: {accepted}",
		Chinese: "“{value}”不是主题科技周，请填写其中之一：{accepted}"}
	ErrFormNotInEdition = errs.Reason{Code: "ACTIVITY_FORM_NOT_IN_EDITION", Kind: errs.Invalid,
		English: "{edition} does not take {form} activities; it takes {accepted}",
		Chinese: "{edition}不收“{form}”形式的活动，可选：{accepted}"}
	ErrNoTargetGroup = errs.Reason{Code: "ACTIVITY_TARGET_GROUP_MISSING", Kind: errs.Invalid,
		English: "say who the activity is for (at least one target group)",
		Chinese: "请至少选择一个面向对象"}
	ErrTargetGroupUnknown = errs.Reason{Code: "ACTIVITY_TARGET_GROUP_UNKNOWN", Kind: errs.Invalid,
		English: "target group {value} is not one of the known groups: {accepted}",
		Chinese: "“{value}”不是面向对象，请填写其中之一：{accepted}"}
	ErrOnlineURLInvalid = errs.Reason{Code: "ACTIVITY_ONLINE_URL_INVALID", Kind: errs.Invalid,
		English: "online link {value} must be an http(s) address",
		Chinese: "线上链接“{value}”不是网址：应以 http:// 或 https:// 开头"}
	ErrOnlineNeedsURL = errs.Reason{Code: "ACTIVITY_ONLINE_URL_MISSING", Kind: errs.Invalid,
		English: "an online activity needs its online link",
		Chinese: "网络互动活动需要填写线上链接"}
	ErrNeedsVenueOrURL = errs.Reason{Code: "ACTIVITY_PLACE_MISSING", Kind: errs.Invalid,
		English: "an activity needs a venue, or an online link if it takes place online",
		Chinese: "请选择活动地点；线上活动请填写线上链接"}
	ErrOnlineSignup = errs.Reason{Code: "ACTIVITY_ONLINE_SIGNUP", Kind: errs.Invalid,
		English: "an online activity has no door to check tickets at, so it cannot require sign-up",
		Chinese: "线上活动没有入场验票，不能设为需要报名"}
	ErrNoSession = errs.Reason{Code: "ACTIVITY_SESSION_MISSING", Kind: errs.Invalid,
		English: "an activity needs at least one session",
		Chinese: "请至少填写一个场次（开始和结束时间）"}
	ErrDescriptionLength = errs.Reason{Code: "ACTIVITY_DESCRIPTION_LENGTH", Kind: errs.Invalid,
		English: "description must have at most 4000 characters (it has {length})",
		Chinese: "活动简介最多 4000 字（现在是 {length} 字）"}
	ErrCountyNotInEdition = errs.Reason{Code: "COUNTY_NOT_IN_EDITION", Kind: errs.Invalid,
		English: "county {county} does not take part in {edition}",
		Chinese: "{countyName}不在{edition}的县（市、区）名单中"}
	ErrNotEditable = errs.Reason{Code: "ACTIVITY_NOT_EDITABLE", Kind: errs.FailedPrecondition,
		English: "activity is {status}; only drafts and returned activities can be changed",
		Chinese: "活动{statusLabel}，只有草稿和退回的活动可以修改"}
	ErrSessionHasSignups = errs.Reason{Code: "SESSION_HAS_SIGNUPS", Kind: errs.FailedPrecondition,
		English: "the session of {startsAt} has sign-ups and cannot be removed",
		Chinese: "{startsAt} 的场次已有 {signups} 人报名，不能删除"}
	ErrNotSubmittable = errs.Reason{Code: "ACTIVITY_NOT_SUBMITTABLE", Kind: errs.FailedPrecondition,
		English: "activity is {status}; only drafts and returned activities can be submitted",
		Chinese: "活动{statusLabel}，只有草稿和退回的活动可以提交审核"}
	ErrNotApprovable = errs.Reason{Code: "ACTIVITY_NOT_APPROVABLE", Kind: errs.FailedPrecondition,
		English: "activity is {status}; only submitted activities can be approved",
		Chinese: "活动{statusLabel}，只有待审核的活动可以通过"}
	ErrNotReturnable = errs.Reason{Code: "ACTIVITY_NOT_RETURNABLE", Kind: errs.FailedPrecondition,
		English: "activity is {status}; only submitted activities can be returned",
		Chinese: "活动{statusLabel}，只有待审核的活动可以退回"}
	ErrReturnNeedsReason = errs.Reason{Code: "ACTIVITY_RETURN_REASON_MISSING", Kind: errs.Invalid,
		English: "say why the activity is returned, so its organizer knows",
		Chinese: "请填写退回理由（至少 2 个字），让组织单位知道要改什么"}
	ErrCancelNeedsReason = errs.Reason{Code: "ACTIVITY_CANCEL_REASON_MISSING", Kind: errs.Invalid,
		English: "say why the activity is cancelled, so its organizer knows",
		Chinese: "请填写取消理由（至少 2 个字）"}
	ErrAlreadyCancelled = errs.Reason{Code: "ACTIVITY_ALREADY_CANCELLED", Kind: errs.FailedPrecondition,
		English: "activity was already cancelled",
		Chinese: "活动已经取消过了"}

	ErrEditionID = errs.Reason{Code: "EDITION_ID_INVALID", Kind: errs.Invalid,
		English: "edition id {value} must be 1 to 32 lowercase letters, digits or dashes, e.g. 2025",
		Chinese: "活动周编号“{value}”不可用：应为 1 至 32 个小写字母、数字或短横线，如 2025"}
	ErrEditionNameLength = errs.Reason{Code: "EDITION_NAME_LENGTH", Kind: errs.Invalid,
		English: "edition name must have 2 to 100 characters (it has {length})",
		Chinese: "活动周名称应为 2 至 100 个字（现在是 {length} 个字）"}
	ErrTimeZone = errs.Reason{Code: "EDITION_TIME_ZONE_UNKNOWN", Kind: errs.Invalid,
		English: "time zone {value} is not an IANA zone such as Asia/Shanghai",
		Chinese: "时区“{value}”无法识别，请填写如 Asia/Shanghai 的时区"}
	ErrEditionDate = errs.Reason{Code: "EDITION_DATE_INVALID", Kind: errs.Invalid,
		English: "{field} {value} is not a date (YYYY-MM-DD)",
		Chinese: "{label}“{value}”不是日期，请写成 2024-05-25 的样子"}
	ErrEditionEndsBeforeStart = errs.Reason{Code: "EDITION_ENDS_BEFORE_START", Kind: errs.Invalid,
		English: "the week cannot end ({endsOn}) before it starts ({startsOn})",
		Chinese: "结束日期（{endsOn}）不能早于开始日期（{startsOn}）"}
	ErrDeadlineBeforeEnd = errs.Reason{Code: "EDITION_DEADLINE_BEFORE_END", Kind: errs.Invalid,
		English: "the report deadline ({deadline}) cannot be before the week ends ({endsOn})",
		Chinese: "报送截止日期（{deadline}）不能早于活动周结束（{endsOn}）"}
	ErrMaxVideoSeconds = errs.Reason{Code: "EDITION_MAX_VIDEO_SECONDS", Kind: errs.Invalid,
		English: "the longest video must be 1 to 3600 seconds (not {value})",
		Chinese: "视频最长时长应为 1 至 3600 秒（现在是 {value}）"}
	ErrEditionNoCounty = errs.Reason{Code: "EDITION_COUNTY_MISSING", Kind: errs.Invalid,
		English: "an edition needs at least one county",
		Chinese: "活动周至少要有一个县（市、区）"}
	ErrEditionCountyInvalid = errs.Reason{Code: "EDITION_COUNTY_INVALID", Kind: errs.Invalid,
		English: "county {name} ({code}) needs a six-digit code and a name",
		Chinese: "县（市、区）“{name}”（{code}）需要名称和六位数字代码"}
	ErrEditionCountyTwice = errs.Reason{Code: "EDITION_COUNTY_TWICE", Kind: errs.Invalid,
		English: "county {name} ({code}) is listed twice",
		Chinese: "县（市、区）“{name}”（{code}）列了两次"}
	ErrSafetyPlanMissing = errs.Reason{Code: "ACTIVITY_SAFETY_PLAN_MISSING", Kind: errs.FailedPrecondition,
		English: "a major demonstration activity needs its safety plan before approval; missing: {fields}",
		Chinese: "重大示范活动须有完整的安全预案才能通过审核，还缺：{missing}。请退回组织单位补充"}
	ErrSafetyPlanTooLong = errs.Reason{Code: "ACTIVITY_SAFETY_PLAN_TOO_LONG", Kind: errs.Invalid,
		English: "the safety plan's {field} may have at most {max} characters (it has {length})",
		Chinese: "安全预案的{label}最多 {max} 个字（现在是 {length} 个字）"}
	ErrSafetyPlanPhone = errs.Reason{Code: "ACTIVITY_SAFETY_PLAN_PHONE_INVALID", Kind: errs.Invalid,
		English: "safety plan phone {value} is neither a landline (4222068, 0351-4222068) nor an 11-digit mobile number",
		Chinese: "安全负责人电话“{value}”不是固定电话（如 4222068 或 0351-4222068）或 11 位手机号"}
	ErrContactTooLong = errs.Reason{Code: "EDITION_CONTACT_TOO_LONG", Kind: errs.Invalid,
		English: "the contact's {field} may have at most {max} characters (it has {length})",
		Chinese: "联络信息的{label}最多 {max} 个字（现在是 {length} 个字）"}
	ErrContactPhone = errs.Reason{Code: "EDITION_CONTACT_PHONE_INVALID", Kind: errs.Invalid,
		English: "contact phone {value} is neither a landline (4222068, 0351-4222068) nor an 11-digit mobile number",
		Chinese: "联系电话“{value}”不是固定电话（如 4222068 或 0351-4222068）或 11 位手机号"}
	ErrContactEmail = errs.Reason{Code: "EDITION_CONTACT_EMAIL_INVALID", Kind: errs.Invalid,
		English: "contact e-mail {value} is not a mailbox address such as name@163.com",
		Chinese: "电子邮箱“{value}”不是有效的邮箱地址，应如 name@163.com"}
	ErrSessionEndsBeforeStart = errs.Reason{Code: "SESSION_ENDS_BEFORE_START", Kind: errs.Invalid,
		English: "session {session} ends ({endsAt}) before it starts ({startsAt})",
		Chinese: "第 {session} 个场次的结束时间（{endsAt}）早于开始时间（{startsAt}）"}
	ErrSessionOutsideEdition = errs.Reason{Code: "SESSION_OUTSIDE_EDITION", Kind: errs.Invalid,
		English: "session {session} ({startsAt} to {endsAt}) is outside {edition}, which runs from {startsOn} to {endsOn}",
		Chinese: "第 {session} 个场次（{startsAt} 至 {endsAt}）不在{edition}期间（{startsOn} 至 {endsOn}）"}
	ErrPlacesNegative = errs.Reason{Code: "SESSION_PLACES_NEGATIVE", Kind: errs.Invalid,
		English: "session {session}: places cannot be negative",
		Chinese: "第 {session} 个场次的名额不能是负数"}

	ErrUsernameLength = errs.Reason{Code: "ACCOUNT_USERNAME_LENGTH", Kind: errs.Invalid,
		English: "user name must have 1 to 64 characters",
		Chinese: "用户名应为 1 至 64 个字符"}
	ErrPasswordShort = errs.Reason{Code: "ACCOUNT_PASSWORD_SHORT", Kind: errs.Invalid,
		English: "password must have at least 8 characters",
		Chinese: "密码至少 8 位"}
	ErrRoleCannotSignIn = errs.Reason{Code: "ACCOUNT_ROLE_INVALID", Kind: errs.Invalid,
		English: "role {role} cannot sign in",
		Chinese: "这种角色的账号不能登录控制台，请选择县（市、区）管理员、组织单位或数据查看"}
	ErrAccountNeedsCounty = errs.Reason{Code: "ACCOUNT_COUNTY_MISSING", Kind: errs.Invalid,
		English: "a {role} account needs a county",
		Chinese: "{roleLabel}账号需要选择所属县（市、区）"}

	ErrPhoneInvalid = errs.Reason{Code: "SIGNUP_PHONE_INVALID", Kind: errs.Invalid,
		English: "phone must be an 11-digit mobile number starting with 1",
		Chinese: "请填写以 1 开头的 11 位手机号"}
	ErrActivityNotOpen = errs.Reason{Code: "SIGNUP_ACTIVITY_NOT_OPEN", Kind: errs.FailedPrecondition,
		English: "this activity is not open: it is {status}",
		Chinese: "这个活动{statusLabel}，暂不接受报名"}
	ErrNoSignupNeeded = errs.Reason{Code: "SIGNUP_NOT_NEEDED", Kind: errs.FailedPrecondition,
		English: "this activity needs no sign-up: just come",
		Chinese: "这个活动无需报名，直接前往即可"}
	ErrSessionNotOfActivity = errs.Reason{Code: "SIGNUP_SESSION_UNKNOWN", Kind: errs.NotFound,
		English: "session {session} is not a session of this activity",
		Chinese: "所选场次不是这个活动的场次，请刷新后重新选择"}
	ErrSessionOver = errs.Reason{Code: "SIGNUP_SESSION_OVER", Kind: errs.FailedPrecondition,
		English: "this session is over",
		Chinese: "这个场次已经结束"}
	ErrSignupNameLength = errs.Reason{Code: "SIGNUP_NAME_LENGTH", Kind: errs.Invalid,
		English: "name must have 1 to 50 characters",
		Chinese: "请填写姓名（最多 50 个字）"}
	ErrAgeGroupMissing = errs.Reason{Code: "SIGNUP_AGE_GROUP_MISSING", Kind: errs.Invalid,
		English: "say whether the person is a minor or an adult",
		Chinese: "请选择未成年人或成年人"}

	ErrNotNominable = errs.Reason{Code: "NOMINATION_ACTIVITY_NOT_APPROVED", Kind: errs.FailedPrecondition,
		English: "activity is {status}; only approved activities can be featured",
		Chinese: "活动{statusLabel}，只有已通过的活动可以推荐为特色活动"}
	ErrRecommendationLength = errs.Reason{Code: "NOMINATION_RECOMMENDATION_LENGTH", Kind: errs.Invalid,
		English: "the recommendation must have 5 to 500 characters (it has {length})",
		Chinese: "推荐理由应为 5 至 500 字（现在是 {length} 字）"}
	ErrNominationDecided = errs.Reason{Code: "NOMINATION_ALREADY_DECIDED", Kind: errs.FailedPrecondition,
		English: "the nomination was already {status}",
		Chinese: "这项推荐{statusLabel}，不能再次决定"}
	ErrDeclineNeedsNote = errs.Reason{Code: "NOMINATION_DECLINE_NOTE_MISSING", Kind: errs.Invalid,
		English: "say why the nomination is declined, so the county knows",
		Chinese: "请填写不予采纳的理由（至少 2 个字），让县（市、区）知道原因"}

	ErrUnitNameLength = errs.Reason{Code: "UNIT_NAME_LENGTH", Kind: errs.Invalid,
		English: "unit name must have 2 to 200 characters (it has {length})",
		Chinese: "单位名称应为 2 至 200 个字（现在是 {length} 个字）"}
	ErrCountyCodeInvalid = errs.Reason{Code: "COUNTY_CODE_INVALID", Kind: errs.Invalid,
		English: "county code {value} must be six digits",
		Chinese: "县（市、区）代码“{value}”应为六位数字"}
	ErrUnitKindUnknown = errs.Reason{Code: "UNIT_KIND_UNKNOWN", Kind: errs.Invalid,
		English: "unit kind {value} is not one of the known kinds: {accepted}",
		Chinese: "“{value}”不是单位类型，请填写其中之一：{accepted}"}
)

// listSep joins the values a Chinese message lists.
const listSep = "、"

// ThemeLabels lists the themed weeks as people write them.
func ThemeLabels() string {
	out := make([]string, len(Themes))
	for i, t := range Themes {
		out[i] = t.Label
	}
	return strings.Join(out, listSep)
}

// FormLabels lists the activity forms as people write them.
func FormLabels() string {
	out := make([]string, len(Forms))
	for i, f := range Forms {
		out[i] = f.Label
	}
	return strings.Join(out, listSep)
}

// FormLabels lists the forms the edition takes.
func (e Edition) FormLabels() string {
	if len(e.Forms) == 0 {
		return FormLabels()
	}
	out := make([]string, len(e.Forms))
	for i, f := range e.Forms {
		out[i] = f.Label()
	}
	return strings.Join(out, listSep)
}

// TargetGroupLabels lists the target groups as people write them.
func TargetGroupLabels() string {
	out := make([]string, len(TargetGroups))
	for i, g := range TargetGroups {
		out[i] = g.Label
	}
	return strings.Join(out, listSep)
}

// UnitKindLabels lists the unit kinds as people write them.
func UnitKindLabels() string {
	out := make([]string, len(UnitKinds))
	for i, u := range UnitKinds {
		out[i] = u.Label
	}
	return strings.Join(out, listSep)
}

// statusLabels say where an activity stands, as a Chinese message continues "活动…".
var statusLabels = map[Status]string{
	StatusDraft: "还是草稿", StatusSubmitted: "正在审核", StatusApproved: "已通过审核", StatusReturned: "已退回", StatusCancelled: "已取消",
}

// Label says in Chinese where an activity stands ("活动" + Label reads as a sentence).
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return "状态未知"
}

// Label says in Chinese what became of a nomination.
func (s NominationStatus) Label() string {
	switch s {
	case NominationNominated:
		return "正在等待市里决定"
	case NominationAccepted:
		return "已被采纳"
	case NominationDeclined:
		return "未被采纳"
	}
	return "状态未知"
}

// What a request names and the registry does not have (or the caller may not know of).
var (
	ErrActivityNotFound = errs.Reason{Code: "ACTIVITY_NOT_FOUND", Kind: errs.NotFound,
		English: "activity {id} not found",
		Chinese: "活动不存在，或你无权查看"}
	ErrUnitNotFound = errs.Reason{Code: "UNIT_NOT_FOUND", Kind: errs.NotFound,
		English: "unit {id} not found",
		Chinese: "组织单位不存在，或你无权查看"}
	ErrEditionNotFound = errs.Reason{Code: "EDITION_NOT_FOUND", Kind: errs.NotFound,
		English: "edition {id} not found",
		Chinese: "活动周“{id}”不存在"}
	ErrSessionNotFound = errs.Reason{Code: "SESSION_NOT_FOUND", Kind: errs.NotFound,
		English: "session {id} not found",
		Chinese: "场次不存在，可能已被删除，请刷新后重试"}
	ErrSignupNotFound = errs.Reason{Code: "SIGNUP_NOT_FOUND", Kind: errs.NotFound,
		English: "sign-up {id} not found",
		Chinese: "报名记录不存在"}
	ErrAccountNotFound = errs.Reason{Code: "ACCOUNT_NOT_FOUND", Kind: errs.NotFound,
		English: "account {username} not found",
		Chinese: "账号“{username}”不存在"}
	ErrNotNominated = errs.Reason{Code: "NOMINATION_NOT_FOUND", Kind: errs.NotFound,
		English: "activity {id} was not nominated",
		Chinese: "这个活动没有被推荐过"}
	ErrPhoneTaken = errs.Reason{Code: "SIGNUP_PHONE_TAKEN", Kind: errs.Exists,
		English: "this sign-up was not taken: one phone number signs up once per session; whoever signed up can see or cancel their place with the manage code they were given",
		Chinese: "报名未成功：每个手机号每个场次只能报名一次。已报名的，请凭报名时获得的管理码查看或取消"}
)
