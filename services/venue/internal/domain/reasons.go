package domain

import (
	"strings"

	"github.com/sciweek/sciweek/pkg/errs"
)

// The rules of venues and terminals, as reasons.
var (
	ErrNameLength = errs.Reason{Code: "VENUE_NAME_LENGTH", Kind: errs.Invalid,
		English: "venue name must have 2 to 200 characters (it has {length})",
		Chinese: "场馆名称应为 2 至 200 个字（现在是 {length} 个字）"}
	ErrKindUnknown = errs.Reason{Code: "VENUE_KIND_UNKNOWN", Kind: errs.Invalid,
		English: "venue kind {value} is not one of the known kinds: {accepted}",
		Chinese: "“{value}”不是场馆类型，请填写其中之一：{accepted}"}
	ErrCountyCodeInvalid = errs.Reason{Code: "VENUE_COUNTY_CODE_INVALID", Kind: errs.Invalid,
		English: "county code {value} must be six digits (GB/T 2260)",
		Chinese: "县（市、区）代码“{value}”应为六位数字（GB/T 2260）"}
	ErrCapacityNegative = errs.Reason{Code: "VENUE_CAPACITY_NEGATIVE", Kind: errs.Invalid,
		English: "safe capacity cannot be negative",
		Chinese: "安全容量不能是负数"}
	ErrCoordinatesOffMap = errs.Reason{Code: "VENUE_COORDINATES_OFF_MAP", Kind: errs.Invalid,
		English: "coordinates {latitude}, {longitude} are not on the map",
		Chinese: "坐标 {latitude}, {longitude} 不在地图上：纬度应在 -90 至 90 之间，经度应在 -180 至 180 之间"}
	ErrThresholds = errs.Reason{Code: "VENUE_THRESHOLDS_INVALID", Kind: errs.Invalid,
		English: "the warning threshold ({warn}%) must be above 0 and at most the alarm threshold ({alarm}%)",
		Chinese: "提醒比例（{warn}%）应大于 0，且不超过告警比例（{alarm}%）"}
	ErrCountyMove = errs.Reason{Code: "VENUE_COUNTY_MOVE", Kind: errs.Invalid,
		English: "a venue cannot move to another county ({from} to {to}); register a new venue instead",
		Chinese: "场馆不能改到别的县（市、区）：请在新的县（市、区）重新登记场馆"}
	ErrTerminalNameLength = errs.Reason{Code: "TERMINAL_NAME_LENGTH", Kind: errs.Invalid,
		English: "terminal name must have 1 to 100 characters",
		Chinese: "终端名称应为 1 至 100 个字，如“1号门”"}
	ErrSetupCodeInvalid = errs.Reason{Code: "TERMINAL_SETUP_CODE_INVALID", Kind: errs.NotFound,
		English: "this setup code is not valid: it was used, or mistyped",
		Chinese: "设置码无效：可能已经用过或输错了，请在管理后台重置终端获取新码"}
	ErrSetupCodeExpired = errs.Reason{Code: "TERMINAL_SETUP_CODE_EXPIRED", Kind: errs.FailedPrecondition,
		English: "this setup code expired at {expiredAt}; ask the county admin for a new one",
		Chinese: "设置码已于 {expiredAt} 过期，请县（市、区）管理员在管理后台重置终端获取新码"}
	ErrTerminalNotActive = errs.Reason{Code: "TERMINAL_NOT_ACTIVE_ROTATE", Kind: errs.FailedPrecondition,
		English: "terminal {terminal} is {state}; only active terminals rotate their credential",
		Chinese: "终端尚未启用或已撤销，不能更换凭据：请重新配对"}
	ErrTerminalRevoked = errs.Reason{Code: "TERMINAL_REVOKED_FOR_GOOD", Kind: errs.FailedPrecondition,
		English: "terminal {terminal} was revoked; provision a new one",
		Chinese: "终端已撤销，不能重置：请登记一台新终端"}
	ErrTerminalRevokedAlready = errs.Reason{Code: "TERMINAL_ALREADY_REVOKED", Kind: errs.FailedPrecondition,
		English: "terminal {terminal} was already revoked at {revokedAt}",
		Chinese: "终端已经撤销过了"}

	ErrVenueNotFound = errs.Reason{Code: "VENUE_NOT_FOUND", Kind: errs.NotFound,
		English: "venue {id} not found",
		Chinese: "场馆不存在，或你无权查看"}
	ErrTerminalNotFound = errs.Reason{Code: "TERMINAL_NOT_FOUND", Kind: errs.NotFound,
		English: "terminal {id} not found",
		Chinese: "终端不存在，或你无权查看"}
)

// KindLabels lists the venue kinds as people write them.
func KindLabels() string {
	out := make([]string, len(Kinds))
	for i, k := range Kinds {
		out[i] = k.Label
	}
	return strings.Join(out, "、")
}
