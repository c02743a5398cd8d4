package domain

import "github.com/sciweek/sciweek/pkg/errs"

// The rules of the statistics table and of a report's way to the bureau, as reasons. label is a
// column's heading as the table shows it.
var (
	ErrColumnKeyTwice = errs.Reason{Code: "REPORT_COLUMN_KEY_TWICE", Kind: errs.Invalid,
		English: "column {column}: key {key} appears twice",
		Chinese: "第 {column} 列（{label}）的代号“{key}”与另一列重复"}
	ErrMetricUnknown = errs.Reason{Code: "REPORT_COLUMN_METRIC_UNKNOWN", Kind: errs.Invalid,
		English: "column {key}: {metric} is not something the system counts (activities_held, activities_held:<form>, major_activities_held, workers_day_activities_held, participations, workers_day_participations, theme_activities_held:<theme>, theme_participations:<theme>, young_people, venues_opened)",
		Chinese: "“{label}”列的统计口径“{metric}”不是系统能统计的数"}
	ErrTypedHasMetric = errs.Reason{Code: "REPORT_COLUMN_TYPED_METRIC", Kind: errs.Invalid,
		English: "column {key} is typed in; it has no metric",
		Chinese: "“{label}”列由县（市、区）填报，不应有统计口径"}
	ErrSourceMissing = errs.Reason{Code: "REPORT_COLUMN_SOURCE_MISSING", Kind: errs.Invalid,
		English: "column {key}: say whether it is counted or typed",
		Chinese: "请选择“{label}”列的数据来源：系统统计或县（市、区）填报"}
	ErrSubmittedLocked = errs.Reason{Code: "REPORT_SUBMITTED_LOCKED", Kind: errs.FailedPrecondition,
		English: "the report is submitted; the bureau reviews it now (it can send it back for changes)",
		Chinese: "报送已提交，市科技局正在审核；如需修改，请联系市科技局退回"}
	ErrAcceptedLocked = errs.Reason{Code: "REPORT_ACCEPTED_LOCKED", Kind: errs.FailedPrecondition,
		English: "the report is accepted and locked",
		Chinese: "报送已被接收并锁定，不能再修改"}
	ErrNoSuchColumn = errs.Reason{Code: "REPORT_COLUMN_UNKNOWN", Kind: errs.Invalid,
		English: "the table has no column {key}",
		Chinese: "统计表没有这一列，请刷新页面后重试"}
	ErrTypedCorrected = errs.Reason{Code: "REPORT_TYPED_CORRECTED", Kind: errs.Invalid,
		English: "{label} is typed in, not counted: give its figure, not a correction",
		Chinese: "“{label}”由县（市、区）填报，请直接填写数字，不用更正"}
	ErrNotANumber = errs.Reason{Code: "REPORT_VALUE_NOT_A_NUMBER", Kind: errs.Invalid,
		English: "{label}: {value} is not a number",
		Chinese: "“{label}”填的“{value}”不是数字"}
	ErrTooManyDecimals = errs.Reason{Code: "REPORT_VALUE_DECIMALS", Kind: errs.Invalid,
		English: "{label} takes at most {decimals} decimals, not {value}",
		Chinese: "“{label}”最多 {decimals} 位小数（填的是“{value}”）"}
	ErrCountedTyped = errs.Reason{Code: "REPORT_COUNTED_TYPED", Kind: errs.Invalid,
		English: "{label} is counted by the system; to change it give a correction and its reason",
		Chinese: "“{label}”由系统统计；要改动请填写更正数和更正理由"}
	ErrCorrectionNotWhole = errs.Reason{Code: "REPORT_CORRECTION_NOT_WHOLE", Kind: errs.Invalid,
		English: "{label}: the correction {value} is not a whole number",
		Chinese: "“{label}”的更正数“{value}”不是整数"}
	ErrCorrectionNeedsReason = errs.Reason{Code: "REPORT_CORRECTION_REASON_MISSING", Kind: errs.Invalid,
		English: "{label}: a correction of a counted figure needs a written reason",
		Chinese: "更正“{label}”需要写明理由（至少 4 个字）"}
	ErrSubmittedAlready = errs.Reason{Code: "REPORT_SUBMITTED_ALREADY", Kind: errs.FailedPrecondition,
		English: "the report is submitted already",
		Chinese: "报送已经提交过了"}
	ErrDeadlinePassed = errs.Reason{Code: "REPORT_DEADLINE_PASSED", Kind: errs.FailedPrecondition,
		English: "the deadline ({deadline}) has passed; ask the bureau to reopen your report",
		Chinese: "报送截止日期（{deadline}）已过：请联系市科技局重新开放后再提交"}
	ErrFiguresMissing = errs.Reason{Code: "REPORT_FIGURES_MISSING", Kind: errs.FailedPrecondition,
		English: "fill in {columns} before submitting",
		Chinese: "提交前请填写：{columns}"}
	ErrSummaryMissing = errs.Reason{Code: "REPORT_SUMMARY_MISSING", Kind: errs.FailedPrecondition,
		English: "attach the summary report (PDF or DOCX) before submitting",
		Chinese: "提交前请上传活动周总结报告（PDF 或 Word 文档）"}
	ErrNotReturnable = errs.Reason{Code: "REPORT_NOT_RETURNABLE", Kind: errs.FailedPrecondition,
		English: "only a submitted report can be sent back",
		Chinese: "只有已提交的报送可以退回"}
	ErrReturnNeedsReason = errs.Reason{Code: "REPORT_RETURN_REASON_MISSING", Kind: errs.Invalid,
		English: "say what the county should change",
		Chinese: "请写明需要县（市、区）修改什么"}
	ErrNotAcceptable = errs.Reason{Code: "REPORT_NOT_ACCEPTABLE", Kind: errs.FailedPrecondition,
		English: "only a submitted report can be accepted",
		Chinese: "只有已提交的报送可以接收"}
	ErrNotReopenable = errs.Reason{Code: "REPORT_NOT_REOPENABLE", Kind: errs.FailedPrecondition,
		English: "the report is accepted; nothing to reopen",
		Chinese: "报送已被接收，无需重新开放"}
)
