package app

import "github.com/sciweek/sciweek/pkg/errs"

// Who may do what with venues and terminals, and what an upload must be.
var (
	ErrOwnCountyOnly = errs.Reason{Code: "VENUE_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "you may register venues only in your own county ({county})",
		Chinese: "只能登记本县（市、区）的场馆"}
	ErrChangeOtherCounty = errs.Reason{Code: "VENUE_CHANGE_OTHER_COUNTY", Kind: errs.PermissionDenied,
		English: "only an admin of county {county} may change this venue",
		Chinese: "只有场馆所在县（市、区）的管理员可以修改这个场馆"}
	ErrListOwnCountyOnly = errs.Reason{Code: "VENUE_LIST_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "you may list venues of your own county ({county}) only",
		Chinese: "只能查看本县（市、区）的场馆"}
	ErrPlanType = errs.Reason{Code: "SAFETY_PLAN_TYPE", Kind: errs.Invalid,
		English: "attach the plan as a PDF, Word document (.docx, .doc) or image (.jpg, .png), not {file}",
		Chinese: "安全预案请上传 PDF、Word 文档（.docx、.doc）或图片（.jpg、.png）"}
	ErrPlanContent = errs.Reason{Code: "SAFETY_PLAN_CONTENT", Kind: errs.Invalid,
		English: "{file} is not a {type} file: its content does not match its name",
		Chinese: "“{file}”的内容与扩展名 .{type} 不符：请用原程序另存后再上传"}
	ErrProvisionOtherCounty = errs.Reason{Code: "TERMINAL_PROVISION_OTHER_COUNTY", Kind: errs.PermissionDenied,
		English: "only an admin of county {county} may provision terminals at {venue}",
		Chinese: "只有场馆所在县（市、区）的管理员可以为“{venue}”登记终端"}
	ErrRotateTerminalsOnly = errs.Reason{Code: "TERMINAL_ROTATE_TERMINALS_ONLY", Kind: errs.PermissionDenied,
		English: "only a terminal rotates its own credential",
		Chinese: "只有终端自己可以更换凭据"}
	ErrTerminalOtherCounty = errs.Reason{Code: "TERMINAL_CHANGE_OTHER_COUNTY", Kind: errs.PermissionDenied,
		English: "only an admin of county {county} may change this terminal",
		Chinese: "只有终端所在县（市、区）的管理员可以管理这台终端"}
	ErrTerminalsOtherCounty = errs.Reason{Code: "TERMINAL_LIST_OTHER_COUNTY", Kind: errs.PermissionDenied,
		English: "only an admin of county {county} may see its terminals",
		Chinese: "只有场馆所在县（市、区）的管理员可以查看它的终端"}
	ErrImportAdminsOnly = errs.Reason{Code: "VENUE_IMPORT_ADMINS_ONLY", Kind: errs.PermissionDenied,
		English: "only admins import venues",
		Chinese: "只有管理员可以导入场馆"}
	ErrImportOwnCountyOnly = errs.Reason{Code: "VENUE_IMPORT_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "you may import venues of your own county ({county}) only",
		Chinese: "只能导入本县（市、区）的场馆"}
)
