package app

import "github.com/sciweek/sciweek/pkg/errs"

// The use cases' refusals: who may do what, and references the rows or requests make.
var (
	ErrNoUnitLinked = errs.Reason{Code: "ACCOUNT_NO_UNIT", Kind: errs.PermissionDenied,
		English: "your account is not linked to an organizer unit",
		Chinese: "你的账号没有关联组织单位，请联系县（市、区）管理员"}
	ErrOwnUnitOnly = errs.Reason{Code: "ACTIVITY_OWN_UNIT_ONLY", Kind: errs.PermissionDenied,
		English: "you may register activities for your own unit only",
		Chinese: "只能为本单位登记活动"}
	ErrUnitRequired = errs.Reason{Code: "ACTIVITY_UNIT_MISSING", Kind: errs.Invalid,
		English: "name the organizer unit (unit_id)",
		Chinese: "请选择主办单位"}
	ErrOwnCountyOnly = errs.Reason{Code: "ACTIVITY_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "you may register activities only in your own county ({county})",
		Chinese: "只能登记本县（市、区）单位的活动"}
	ErrVenueNotRegistered = errs.Reason{Code: "ACTIVITY_VENUE_NOT_REGISTERED", Kind: errs.Invalid,
		English: "venue {venue} is not in the venue registry; register it first",
		Chinese: "所选场馆不在场馆登记中：请先登记场馆"}
	ErrVenueOtherCounty = errs.Reason{Code: "ACTIVITY_VENUE_OTHER_COUNTY", Kind: errs.Invalid,
		English: "venue {name} ({venue}) is in county {venueCounty}, not in the activity's county {county}",
		Chinese: "场馆“{name}”不在活动所在的县（市、区），请选择本县（市、区）的场馆"}
	ErrViewerCannotRegister = errs.Reason{Code: "ACTIVITY_REGISTER_NOT_ALLOWED", Kind: errs.PermissionDenied,
		English: "viewers cannot register activities",
		Chinese: "数据查看账号不能登记活动"}
	ErrListOwnCountyOnly = errs.Reason{Code: "ACTIVITY_LIST_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "you may list activities of your own county ({county}) only",
		Chinese: "只能查看本县（市、区）的活动"}
	ErrListOwnUnitOnly = errs.Reason{Code: "ACTIVITY_LIST_OWN_UNIT_ONLY", Kind: errs.PermissionDenied,
		English: "you may list your own unit's activities only",
		Chinese: "只能查看本单位的活动"}
	ErrRoleCannotList = errs.Reason{Code: "ACTIVITY_LIST_NOT_ALLOWED", Kind: errs.PermissionDenied,
		English: "role {role} may not list activities",
		Chinese: "当前账号（{roleLabel}）不能查看活动列表"}
	ErrCannotChange = errs.Reason{Code: "ACTIVITY_CHANGE_NOT_ALLOWED", Kind: errs.PermissionDenied,
		English: "only the activity's organizer unit and the admins of its county may change it",
		Chinese: "只有活动的组织单位和所在县（市、区）的管理员可以修改这个活动"}
	ErrReviewOtherCounty = errs.Reason{Code: "ACTIVITY_REVIEW_OTHER_COUNTY", Kind: errs.PermissionDenied,
		English: "only an admin of county {county} may review this activity",
		Chinese: "只有活动所在县（市、区）的管理员可以审核这个活动"}

	ErrViewerCannotImport = errs.Reason{Code: "IMPORT_NOT_ALLOWED", Kind: errs.PermissionDenied,
		English: "viewers cannot import activities",
		Chinese: "数据查看账号不能导入活动"}
	ErrApprovedImportAdminsOnly = errs.Reason{Code: "IMPORT_APPROVED_ADMINS_ONLY", Kind: errs.PermissionDenied,
		English: "only admins may import approved activities",
		Chinese: "只有管理员可以导入为“直接通过”"}
	ErrImportOwnCountyOnly = errs.Reason{Code: "IMPORT_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "you may import activities of your own county ({county}) only",
		Chinese: "只能导入本县（市、区）的活动"}
	ErrImportOwnUnitOnly = errs.Reason{Code: "IMPORT_OWN_UNIT_ONLY", Kind: errs.PermissionDenied,
		English: "you may import your own unit's activities only",
		Chinese: "只能导入本单位的活动：主办单位应与账号所属单位一致"}

	ErrManageCodeWrong = errs.Reason{Code: "SIGNUP_MANAGE_CODE_WRONG", Kind: errs.PermissionDenied,
		English: "the manage code does not match this sign-up",
		Chinese: "管理码不正确，请核对报名成功时显示的管理码"}
	ErrSignupNotFoundByCode = errs.Reason{Code: "SIGNUP_NOT_FOUND_BY_CODE", Kind: errs.NotFound,
		English: "no sign-up has this phone number and manage code",
		Chinese: "没有找到该手机号码和管理码对应的报名，请核对报名成功时显示的管理码"}
	ErrDayInvalid = errs.Reason{Code: "DAY_INVALID", Kind: errs.Invalid,
		English: "day {day} is not a date (YYYY-MM-DD)",
		Chinese: "日期格式不正确，应为 年-月-日，如 2024-05-30"}
	ErrSignupListPersonal = errs.Reason{Code: "SIGNUP_LIST_NOT_ALLOWED", Kind: errs.PermissionDenied,
		English: "sign-up lists hold personal data: only the organizer and the admins see them",
		Chinese: "报名名单含个人信息，只有组织单位和管理员可以查看"}

	ErrNominateOtherCounty = errs.Reason{Code: "NOMINATION_OTHER_COUNTY", Kind: errs.PermissionDenied,
		English: "only the admin of county {county} nominates its activities",
		Chinese: "只有活动所在县（市、区）的管理员可以推荐这个活动"}
	ErrNominationsOwnCounty = errs.Reason{Code: "NOMINATION_LIST_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "you may see the nominations of your own county only",
		Chinese: "只能查看本县（市、区）的推荐"}

	ErrUnitOwnCountyOnly = errs.Reason{Code: "UNIT_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "you may register units only in your own county ({county})",
		Chinese: "只能登记本县（市、区）的单位"}
	ErrUnitListOwnCountyOnly = errs.Reason{Code: "UNIT_LIST_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "you may list units of your own county ({county}) only",
		Chinese: "只能查看本县（市、区）的单位"}

	ErrCityAdminOnly = errs.Reason{Code: "CITY_ADMIN_ONLY", Kind: errs.PermissionDenied,
		English: "only the city admin may {what}",
		Chinese: "只有市级管理员可以{whatChinese}"}

	ErrOrganizerNeedsUnit = errs.Reason{Code: "ACCOUNT_ORGANIZER_UNIT_MISSING", Kind: errs.Invalid,
		English: "an organizer account needs a unit of your county (unit_id)",
		Chinese: "组织单位账号需要选择本县（市、区）的一个单位"}
	ErrAccountsOtherCounty = errs.Reason{Code: "ACCOUNT_OTHER_COUNTY", Kind: errs.PermissionDenied,
		English: "only an admin of county {county} may create accounts for its units",
		Chinese: "只能为本县（市、区）的单位创建账号"}
	ErrAccountRoleNotAllowed = errs.Reason{Code: "ACCOUNT_ROLE_NOT_ALLOWED", Kind: errs.Invalid,
		English: "accounts can be county admins, organizers or viewers (not {role})",
		Chinese: "账号只能是县（市、区）管理员、组织单位或数据查看"}
	ErrAccountsOwnCounty = errs.Reason{Code: "ACCOUNT_LIST_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "you may list the accounts of your own county only",
		Chinese: "只能查看本县（市、区）的账号"}
)
