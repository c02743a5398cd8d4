package gateway

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// The gateway's own refusals: requests that never reach a service.
var (
	ErrUploadTooLarge = errs.Reason{Code: "UPLOAD_TOO_LARGE", Kind: errs.Invalid,
		English: "the file is larger than the limit; split it or make it smaller",
		Chinese: "文件超过大小上限，请拆分或压缩后再上传"}
	ErrUploadNoFile = errs.Reason{Code: "UPLOAD_NO_FILE", Kind: errs.Invalid,
		English: `send the file as the multipart field "file"`,
		Chinese: "没有收到文件，请重新选择文件后上传"}
	ErrUploadCutOff = errs.Reason{Code: "UPLOAD_CUT_OFF", Kind: errs.Invalid,
		English: "the upload broke off; nothing was kept, send the file again",
		Chinese: "上传中断，未保存任何内容，请重新上传"}
	ErrHeaderMappingInvalid = errs.Reason{Code: "HEADER_MAPPING_INVALID", Kind: errs.Invalid,
		English: "header_mapping must be a JSON object of file header to field key",
		Chinese: "表头对应关系无法识别，请重新设置后再试"}
	ErrLoginBodyInvalid = errs.Reason{Code: "LOGIN_BODY_INVALID", Kind: errs.Invalid,
		English: "send the user name and password as a JSON object with the keys username and password",
		Chinese: "请输入用户名和密码"}
	ErrFilterFormUnknown = errs.Reason{Code: "FILTER_FORM_UNKNOWN", Kind: errs.Invalid,
		English: "form {value} is not a form of activity (ACTIVITY_FORM_LECTURE, …)",
		Chinese: "筛选条件中的活动形式“{value}”无法识别，请重新选择"}
	ErrFilterTargetGroupUnknown = errs.Reason{Code: "FILTER_TARGET_GROUP_UNKNOWN", Kind: errs.Invalid,
		English: "target_group {value} is not a target group (TARGET_GROUP_YOUTH, …)",
		Chinese: "筛选条件中的面向对象“{value}”无法识别，请重新选择"}
	ErrFilterThemeUnknown = errs.Reason{Code: "FILTER_THEME_UNKNOWN", Kind: errs.Invalid,
		English: "theme {value} is not a themed week (ACTIVITY_THEME_METEOROLOGY, …)",
		Chinese: "筛选条件中的主题科技周“{value}”无法识别，请重新选择"}
	ErrNoEdition = errs.Reason{Code: "NO_EDITION_YET", Kind: errs.FailedPrecondition,
		English: "there is no edition yet: create one under edition settings first",
		Chinese: "还没有活动周：请先在控制台的“活动周设置”中创建一届"}
	ErrQRDataLength = errs.Reason{Code: "QR_DATA_LENGTH", Kind: errs.Invalid,
		English: "data must have 1 to 1024 characters",
		Chinese: "二维码内容应为 1 至 1024 个字符"}
	ErrQRDataUndrawable = errs.Reason{Code: "QR_DATA_UNDRAWABLE", Kind: errs.Invalid,
		English: "data cannot be drawn as a QR code",
		Chinese: "这段内容无法生成二维码"}
	ErrReportFileKindUnknown = errs.Reason{Code: "REPORT_FILE_KIND_UNKNOWN", Kind: errs.Invalid,
		English: "kind must be FILE_KIND_SUMMARY, FILE_KIND_IMAGE or FILE_KIND_VIDEO",
		Chinese: "请选择材料类型：总结报告、图片或视频"}
)

// apiError is the JSON body of every failed request: google.rpc.Status's code (a number),
// English message and details, and beside them what the console reads without decoding
// details — the reason, its arguments, the Chinese message and each field's problem.
type apiError struct {
	// Code is the gRPC code's number.
	Code int `json:"code"`
	// Message is the English message, for API clients.
	Message string `json:"message"`
	// Reason is the stable reason code (google.rpc.ErrorInfo's reason).
	Reason string `json:"reason"`
	// Args are the reason's arguments (ErrorInfo's metadata).
	Args map[string]string `json:"args"`
	// LocalizedMessage is the message for people.
	LocalizedMessage localized `json:"localized_message"`
	// Fields are the problems of a request's fields, for forms to show beside each field.
	Fields []fieldError `json:"fields,omitempty"`
	// Details are the status's details as protojson writes them.
	Details []json.RawMessage `json:"details"`
}

type localized struct {
	Locale  string `json:"locale"`
	Message string `json:"message"`
}

type fieldError struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// writeError answers a failed request: a gRPC status from a service as it is, any other error
// through the one mapping of pkg/rpc.
func writeError(w http.ResponseWriter, err error) { writeErrorStatus(w, err, 0) }

// writeErrorStatus is writeError with an HTTP status of its own (413 for a body over its
// limit, which no gRPC code maps to); 0 takes the code's.
func writeErrorStatus(w http.ResponseWriter, err error, httpStatus int) {
	st, ok := status.FromError(err)
	if !ok {
		st = rpc.Status(err)
	}
	d := rpc.DetailsOf(st)
	body := apiError{Code: int(st.Code()), Message: st.Message(), Reason: d.Reason, Args: d.Args,
		LocalizedMessage: localized{Locale: rpc.Locale, Message: d.Chinese}, Details: []json.RawMessage{}}
	if body.Args == nil {
		body.Args = map[string]string{}
	}
	for _, f := range d.Fields {
		body.Fields = append(body.Fields, fieldError{Field: f.Field, Rule: f.Rule, Message: f.Chinese})
	}
	for _, a := range st.Proto().GetDetails() {
		if b, err := (protojson.MarshalOptions{UseProtoNames: true}).Marshal(a); err == nil {
			body.Details = append(body.Details, b)
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	if d.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(d.RetryAfter.Seconds()))))
	}
	if httpStatus == 0 {
		httpStatus = runtime.HTTPStatusFromCode(st.Code())
	}
	w.WriteHeader(httpStatus)
	_ = json.NewEncoder(w).Encode(body)
}

// apiErrors is grpc-gateway's error handler: the JSON API's errors in the same shape as the
// gateway's own.
func apiErrors(_ context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, _ *http.Request, err error) {
	writeError(w, err)
}
