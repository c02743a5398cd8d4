package rpc

import (
	"context"
	"errors"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/sciweek/sciweek/pkg/errs"
)

// Domain is google.rpc.ErrorInfo's domain of every sciweek error: reason codes are unique across
// the system (the catalogue test sees to it), so one domain names them all.
const Domain = "sciweek"

// Locale is the locale of the google.rpc.LocalizedMessage every error status carries: the
// console's people read Chinese, while the status message stays English for API clients.
const Locale = "zh-CN"

// The reasons of a call that ended before it was answered.
var (
	ErrCancelled = errs.Reason{Code: "CANCELLED", Kind: errs.Unavailable,
		English: "the call was cancelled",
		Chinese: "请求已取消"}
	ErrDeadlineExceeded = errs.Reason{Code: "DEADLINE_EXCEEDED", Kind: errs.Unavailable,
		English: "the call took too long and was stopped; try again",
		Chinese: "服务响应超时，请稍后重试"}
)

// Status is the one place where an error becomes a gRPC status: its kind picks the code, its
// English message is the status message, and the details carry what programs and people need —
// google.rpc.ErrorInfo (the reason and its arguments), google.rpc.LocalizedMessage (zh-CN),
// google.rpc.BadRequest for field problems, google.rpc.RetryInfo for a suggested delay. An
// internal error says only "internal error"; its cause stays in the server's log.
func Status(err error) *status.Status {
	code := Code(err)
	msg, reason, args, chinese := errs.Message(err), errs.ReasonOf(err), errs.ArgsOf(err), errs.Chinese(err)
	switch code {
	case codes.Canceled:
		msg, reason, args, chinese = ErrCancelled.English, ErrCancelled.Code, nil, ErrCancelled.Chinese
	case codes.DeadlineExceeded:
		msg, reason, args, chinese = ErrDeadlineExceeded.English, ErrDeadlineExceeded.Code, nil, ErrDeadlineExceeded.Chinese
	}
	details := []protoadapt.MessageV1{
		&errdetails.ErrorInfo{Reason: reason, Domain: Domain, Metadata: args},
		&errdetails.LocalizedMessage{Locale: Locale, Message: chinese},
	}
	if fields := errs.FieldsOf(err); len(fields) > 0 {
		br := &errdetails.BadRequest{}
		for _, f := range fields {
			br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{
				Field: f.Field, Description: f.English, Reason: f.Rule,
				LocalizedMessage: &errdetails.LocalizedMessage{Locale: Locale, Message: f.Chinese},
			})
		}
		details = append(details, br)
	}
	if d := retryAfter(code, errs.RetryAfter(err)); d > 0 {
		details = append(details, &errdetails.RetryInfo{RetryDelay: durationpb.New(d)})
	}
	st := status.New(code, msg)
	if withDetails, derr := st.WithDetails(details...); derr == nil {
		return withDetails
	}
	return st
}

// DefaultRetryAfter is the retry hint of an Unavailable, ResourceExhausted or DeadlineExceeded
// answer whose error suggests none: every answer a caller should retry says when.
const DefaultRetryAfter = time.Second

// retryAfter is the hint an answer with code carries: the error's own, else the default for the
// codes a caller retries, else none.
func retryAfter(code codes.Code, suggested time.Duration) time.Duration {
	switch {
	case suggested > 0:
		return suggested
	case code == codes.Unavailable || code == codes.ResourceExhausted || code == codes.DeadlineExceeded:
		return DefaultRetryAfter
	}
	return 0
}

// Code returns the gRPC code for an error's kind.
func Code(err error) codes.Code {
	switch {
	case errors.Is(err, context.Canceled):
		return codes.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return codes.DeadlineExceeded
	}
	if c, ok := codeOfKind[errs.KindOf(err)]; ok {
		return c
	}
	return codes.Internal
}

// codeOfKind is the gRPC code of each error kind; Internal and any other kind are Internal.
var codeOfKind = map[errs.Kind]codes.Code{
	errs.Invalid: codes.InvalidArgument, errs.NotFound: codes.NotFound, errs.Exists: codes.AlreadyExists,
	errs.FailedPrecondition: codes.FailedPrecondition, errs.PermissionDenied: codes.PermissionDenied,
	errs.Unauthenticated: codes.Unauthenticated, errs.Exhausted: codes.ResourceExhausted, errs.Unavailable: codes.Unavailable,
}

// Details are what an error status says beyond its code and English message, read back from
// its details: what a client of a sciweek service (another service, the gateway) passes on.
type Details struct {
	// Reason is ErrorInfo's reason; for a status without one, the general reason of its code.
	Reason string
	// Args are ErrorInfo's metadata.
	Args map[string]string
	// Chinese is the zh-CN LocalizedMessage; for a status without one, the general Chinese
	// message of its code.
	Chinese string
	// Fields are BadRequest's field violations.
	Fields []errs.FieldProblem
	// RetryAfter is RetryInfo's delay.
	RetryAfter time.Duration
}

// kindOfCode is the error kind of another service's answer; a transport failure or a code
// with no kind of its own is Unavailable, which callers may retry.
var kindOfCode = map[codes.Code]errs.Kind{
	codes.InvalidArgument: errs.Invalid, codes.OutOfRange: errs.Invalid, codes.NotFound: errs.NotFound, codes.AlreadyExists: errs.Exists,
	codes.FailedPrecondition: errs.FailedPrecondition, codes.Aborted: errs.FailedPrecondition, codes.PermissionDenied: errs.PermissionDenied,
	codes.Unauthenticated: errs.Unauthenticated, codes.ResourceExhausted: errs.Exhausted, codes.Internal: errs.Internal,
}

// KindOfCode returns the error kind a gRPC code stands for (Unavailable for the codes of a
// transport failure).
func KindOfCode(c codes.Code) errs.Kind {
	if k, ok := kindOfCode[c]; ok {
		return k
	}
	return errs.Unavailable
}

// DetailsOf reads an error status's details.
func DetailsOf(st *status.Status) Details {
	var d Details
	for _, detail := range st.Details() {
		switch v := detail.(type) {
		case *errdetails.ErrorInfo:
			d.Reason, d.Args = v.GetReason(), v.GetMetadata()
		case *errdetails.LocalizedMessage:
			if v.GetLocale() == Locale {
				d.Chinese = v.GetMessage()
			}
		case *errdetails.BadRequest:
			for _, f := range v.GetFieldViolations() {
				d.Fields = append(d.Fields, errs.FieldProblem{Field: f.GetField(), Rule: f.GetReason(),
					English: f.GetDescription(), Chinese: f.GetLocalizedMessage().GetMessage()})
			}
		case *errdetails.RetryInfo:
			d.RetryAfter = v.GetRetryDelay().AsDuration()
		}
	}
	// An answer without a hint (a transport failure: the service is down) still says when.
	d.RetryAfter = retryAfter(st.Code(), d.RetryAfter)
	general := errs.General(KindOfCode(st.Code()))
	switch st.Code() {
	case codes.Canceled:
		general = ErrCancelled
	case codes.DeadlineExceeded:
		general = ErrDeadlineExceeded
	}
	if d.Reason == "" {
		d.Reason = general.Code
	}
	if d.Chinese == "" {
		d.Chinese = general.Chinese
		if errs.IsChinese(st.Message()) {
			d.Chinese = st.Message()
		}
	}
	return d
}
