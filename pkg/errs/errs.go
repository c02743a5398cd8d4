// Package errs gives errors a kind that says what the caller can do about them. Domain and
// application code return kinds; ports map them to transport codes in one place
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

// Error is an error with a kind and a message meant for the person who made the request.
type Error struct {
	// Kind says what the caller can do about it.
	Kind Kind
	// Msg says what went wrong in words a person can act on.
	Msg string
	// Err is the underlying cause, if any; it is logged, never shown to callers.
	Err error
	// RetryAfter, for Exhausted and Unavailable errors, is how long the caller should wait
	// before trying again.
	RetryAfter time.Duration
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

// E returns an error of the given kind with a formatted message.
func E(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of the given kind with a message and a cause. A nil cause gives nil.
func Wrap(kind Kind, err error, msg string) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: kind, Msg: msg, Err: err}
}

// KindOf returns the kind of the outermost *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Message returns the message meant for the caller: the outermost *Error's message, or a
// generic one for errors without a kind, whose text may leak internals.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != Internal {
		if e.Msg != "" {
			return e.Msg
		}
	}
	return "internal error"
}

// RetryAfter returns the retry delay an error suggests, or 0.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
