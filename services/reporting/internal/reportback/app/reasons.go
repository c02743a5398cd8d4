package app

import "github.com/sciweek/sciweek/pkg/errs"

// Who may see and change which report, and what an upload must be.
var (
	ErrOwnCountyOnly = errs.Reason{Code: "REPORT_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "you may see and change the report of your own county ({county}) only",
		Chinese: "只能查看和填报本县（市、区）的报送"}
	ErrRoleHasNoReports = errs.Reason{Code: "REPORT_ROLE_NOT_ALLOWED", Kind: errs.PermissionDenied,
		English: "role {role} has no reports",
		Chinese: "当前账号（{roleLabel}）没有报送"}
	ErrCityOnly = errs.Reason{Code: "REPORT_CITY_ADMIN_ONLY", Kind: errs.PermissionDenied,
		English: "only the city admin may {what}",
		Chinese: "只有市级管理员可以{whatChinese}"}
	ErrCountyNotInEdition = errs.Reason{Code: "REPORT_COUNTY_NOT_IN_EDITION", Kind: errs.NotFound,
		English: "edition {edition} has no county {county}",
		Chinese: "这一届活动周没有这个县（市、区）"}
	ErrFileKind = errs.Reason{Code: "REPORT_FILE_KIND", Kind: errs.Invalid,
		English: "a report's file is a summary, an image or a video",
		Chinese: "请选择材料类型：总结报告、图片或视频"}
	ErrUploadBrokeOff = errs.Reason{Code: "REPORT_UPLOAD_BROKE_OFF", Kind: errs.Invalid,
		English: "the upload broke off; nothing was kept, send the file again",
		Chinese: "上传中断，未保存任何内容，请重新上传"}
	ErrFileTooLarge = errs.Reason{Code: "REPORT_FILE_TOO_LARGE", Kind: errs.Invalid,
		English: "{file} is larger than the {limit} allowed for this kind of file",
		Chinese: "“{file}”超过了这类材料的大小上限 {limit}"}
	ErrFileEmpty = errs.Reason{Code: "REPORT_FILE_EMPTY", Kind: errs.Invalid,
		English: "{file} is empty",
		Chinese: "“{file}”是空文件"}
	ErrVideoTooLong = errs.Reason{Code: "REPORT_VIDEO_TOO_LONG", Kind: errs.Invalid,
		English: "{file} is {length} long; videos may be at most {max}",
		Chinese: "视频“{file}”长 {length}，每个视频不能超过 {max}：请剪短后再上传"}
	ErrFileDeleted = errs.Reason{Code: "REPORT_FILE_DELETED", Kind: errs.NotFound,
		English: "file {id} was deleted already",
		Chinese: "这个文件已经删除了"}
)
