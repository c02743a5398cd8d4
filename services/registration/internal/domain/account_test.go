package domain_test

import (
	"strings"
	"testing"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// TestPasswordRules: at least 10 characters, letters and digits, not the user name, at most
// 72 bytes (what bcrypt reads); each refusal says so in Chinese.
func TestPasswordRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, password string
		want           errs.Reason
	}{
		{"fine", "kepu2024week", errs.Reason{}},
		{"Chinese and digits", "科技活动周2024年", errs.Reason{}},
		{"nine characters", "kepu2024w", domain.ErrPasswordTooShort},
		{"letters only", "kepuweekabc", domain.ErrPasswordLettersAndDigits},
		{"digits only", "20240525123", domain.ErrPasswordLettersAndDigits},
		{"the user name", "Xiaodian2024", domain.ErrPasswordHasUsername},
		{"over 72 bytes", strings.Repeat("科1", 20), domain.ErrPasswordLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := domain.CheckPasswordRules("xiaodian", tt.password)
			if tt.want.Code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errs.Is(err, tt.want) || !errs.IsChinese(errs.Chinese(err)) {
				t.Fatalf("got %v, want %s", err, tt.want.Code)
			}
		})
	}
}
