// Package errs gives errors a kind that says what the caller can do about them, and a reason:
// a stable code programs switch on, its arguments, and the message in English (for API clients
// and logs) and in Chinese (for the people who read the console). Domain and application code
// return errors of a Reason; ports map them to transport codes and error details in one place
// (see pkg/rpc), so no layer below the port knows about gRPC.
package errs

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error by what the caller can do about it.
type Kind uint8

// The kinds. Internal is the zero value: an error without a kind is our fault, not the caller's.
const (
	// Internal means something broke on our side; the message is not shown to callers.
	Internal Kind = iota
	// Invalid means the request is malformed or breaks a rule; fix it and retry.
	Invalid
	// NotFound means the named thing does not exist (or the caller may not know it does).
	NotFound
	// Exists means the thing to create exists already.
	Exists
	// FailedPrecondition means the request is fine but the state does not allow it now.
	FailedPrecondition
	// PermissionDenied means the caller is known but may not do this.
	PermissionDenied
	// Unauthenticated means the caller's credential is missing, wrong, expired or revoked.
	Unauthenticated
	// Exhausted means the service is overloaded or a quota is used up; retry later.
	Exhausted
	// Unavailable means a dependency is down; retry later.
	Unavailable
)

var kindNames = [...]string{
	Internal:           "internal",
	Invalid:            "invalid",
	NotFound:           "not found",
	Exists:             "already exists",
	FailedPrecondition: "failed precondition",
	PermissionDenied:   "permission denied",
	Unauthenticated:    "unauthenticated",
	Exhausted:          "resource exhausted",
	Unavailable:        "unavailable",
}

// String names the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error is an error with a kind, a reason and messages meant for the person who made the request.
type Error struct {
	// Kind says what the caller can do about it.
	Kind Kind
	// Msg says what went wrong in English words a person can act on: the message API clients get.
	Msg string
	// Reason is the stable code of what went wrong (UPPER_SNAKE_CASE), empty for an error made
	// without one (E, Wrap): then ReasonOf answers with the kind's general reason.
	Reason string
	// Args are the values the messages name, by their lowerCamelCase names.
	Args map[string]string
	// Chinese is the message for people (zh-CN).
	Chinese string
	// Fields, for Invalid errors about a request's fields, say what is wrong with each.
	Fields []FieldProblem
	// Err is the underlying cause, if any; it is logged, never shown to callers.
	Err error
	// RetryAfter, for Exhausted and Unavailable errors, is how long the caller should wait
	// before trying again.
	RetryAfter time.Duration
}

// FieldProblem is what is wrong with one field of a request (google.rpc.BadRequest's
// FieldViolation): its path, the rule it breaks and the messages.
type FieldProblem struct {
	// Field is the field's path in the request, e.g. "details.sessions[0].starts_at".
	Field string
	// Rule is the broken rule's stable id, e.g. "string.min_len".
	Rule string
	// English and Chinese say what is wrong and what is expected.
	English, Chinese string
}

// FieldsOf returns the field problems of the outermost *Error in err's chain.
func FieldsOf(err error) []FieldProblem {
	if e, ok := outer(err); ok && e.Kind != Internal {
		return e.Fields
	}
	return nil
}

// Error returns the message, followed by the cause when there is one.
func (e *Error) Error() string {
	if e.Err != nil {
		if e.Msg == "" {
			return e.Err.Error()
		}
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// E returns an error of the given kind with a formatted message and no reason of its own: for
// tests and tools. Code whose errors people may see raises a Reason instead (the catalogue test
// in cmd/sciweek/internal/archtest refuses E outside tests); an error of E reaches people as its
// kind's general Chinese message, unless its message is Chinese already.
func E(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of the given kind with a message and a cause. A nil cause gives nil.
// Like E it has no reason of its own and is for tests and tools; Reason.Wrap is the way with one.
func Wrap(kind Kind, err error, msg string) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: kind, Msg: msg, Err: err}
}

// outer returns the outermost *Error of err's chain.
func outer(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// KindOf returns the kind of the outermost *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	if e, ok := outer(err); ok {
		return e.Kind
	}
	return Internal
}

// Message returns the English message meant for the caller: the outermost *Error's message, or
// a generic one for errors without a kind, whose text may leak internals.
func Message(err error) string {
	if e, ok := outer(err); ok && e.Kind != Internal && e.Msg != "" {
		return e.Msg
	}
	return general[Internal].English
}

// RetryAfter returns the retry delay an error suggests, or 0.
func RetryAfter(err error) time.Duration {
	if e, ok := outer(err); ok {
		return e.RetryAfter
	}
	return 0
}
