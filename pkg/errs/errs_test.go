package errs_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/sciweek/sciweek/pkg/errs"
)

func TestKindAndMessage(t *testing.T) {
	t.Parallel()
	cause := errors.New("connection reset")
	tests := []struct {
		name     string
		err      error
		wantKind errs.Kind
		wantMsg  string
	}{
		{"plain error is internal", cause, errs.Internal, "internal error"},
		{"kind with message", errs.E(errs.NotFound, "venue %s not found", "v1"), errs.NotFound, "venue v1 not found"},
		{"wrapped by fmt keeps kind", fmt.Errorf("saving: %w", errs.E(errs.Exists, "dup")), errs.Exists, "dup"},
		{"wrap hides the cause from callers", errs.Wrap(errs.Unavailable, cause, "database unavailable"), errs.Unavailable, "database unavailable"},
		{"internal kind never shows its message", errs.E(errs.Internal, "secret detail"), errs.Internal, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := errs.KindOf(tt.err); got != tt.wantKind {
				t.Errorf("KindOf = %v, want %v", got, tt.wantKind)
			}
			if got := errs.Message(tt.err); got != tt.wantMsg {
				t.Errorf("Message = %q, want %q", got, tt.wantMsg)
			}
		})
	}
	if errs.Wrap(errs.Invalid, nil, "x") != nil {
		t.Error("Wrap(nil) must be nil")
	}
}
