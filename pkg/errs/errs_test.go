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

var unitKindUnknown = errs.Reason{Code: "TEST_UNIT_KIND_UNKNOWN", Kind: errs.Invalid,
	English: "{value} is not a unit kind; write one of {accepted}",
	Chinese: "“{value}”不是单位类型，请填写其中之一：{accepted}"}

func TestReasonCarriesCodeArgumentsAndBothLanguages(t *testing.T) {
	t.Parallel()
	err := unitKindUnknown.New("value", "气象", "accepted", "科普基地、学校")
	if errs.KindOf(err) != errs.Invalid || errs.ReasonOf(err) != "TEST_UNIT_KIND_UNKNOWN" || !errs.Is(err, unitKindUnknown) {
		t.Fatalf("kind %v reason %q", errs.KindOf(err), errs.ReasonOf(err))
	}
	if got := errs.Message(err); got != "气象 is not a unit kind; write one of 科普基地、学校" {
		t.Errorf("English = %q", got)
	}
	if got := errs.Chinese(fmt.Errorf("row 3: %w", err)); got != "“气象”不是单位类型，请填写其中之一：科普基地、学校" {
		t.Errorf("Chinese = %q", got)
	}
	if a := errs.ArgsOf(err); len(a) != 2 || a["value"] != "气象" {
		t.Errorf("args = %v", a)
	}
	if unitKindUnknown.Wrap(nil, "value", "x", "accepted", "y") != nil {
		t.Error("Wrap(nil) must be nil")
	}
	wrapped := unitKindUnknown.Wrap(errors.New("cause"), "value", 42, "accepted", "学校")
	if !errors.Is(wrapped, wrapped) || errs.Message(wrapped) != "42 is not a unit kind; write one of 学校" || errors.Unwrap(wrapped).Error() != "cause" {
		t.Errorf("wrapped = %v", wrapped)
	}
}

func TestChineseForErrorsWithoutAReason(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, want, reason string
		err                error
	}{
		{"English message: the kind's words", errs.General(errs.NotFound).Chinese, "NOT_FOUND", errs.E(errs.NotFound, "venue v1 not found")},
		{"Chinese message: its own words", "名额不能为负数", "INVALID_ARGUMENT", errs.E(errs.Invalid, "名额不能为负数")},
		{"internal: never its words", errs.General(errs.Internal).Chinese, "INTERNAL", errs.E(errs.Internal, "数据库密码错误")},
		{"a plain error", errs.General(errs.Internal).Chinese, "INTERNAL", errors.New("boom")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := errs.Chinese(tc.err); got != tc.want {
				t.Errorf("Chinese = %q, want %q", got, tc.want)
			}
			if got := errs.ReasonOf(tc.err); got != tc.reason {
				t.Errorf("ReasonOf = %q, want %q", got, tc.reason)
			}
		})
	}
}

func TestReasonCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		r    errs.Reason
		bad  bool
	}{
		{"well formed", unitKindUnknown, false},
		{"no Chinese", errs.Reason{Code: "X_Y", English: "x"}, true},
		{"English where Chinese belongs", errs.Reason{Code: "X_Y", English: "x", Chinese: "x is wrong"}, true},
		{"lower-case code", errs.Reason{Code: "x_y", English: "x", Chinese: "错"}, true},
		{"snake-case placeholder", errs.Reason{Code: "X_Y", English: "{unit_kind}", Chinese: "错"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.r.Check(); (len(got) > 0) != tc.bad {
				t.Errorf("Check = %v", got)
			}
		})
	}
	for _, g := range errs.Generals() {
		if p := g.Check(); len(p) > 0 {
			t.Errorf("general reason %s: %v", g.Code, p)
		}
	}
}

func TestIsChinese(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"“气象”不是单位类型，请填写其中之一：气象部门":     true,
		"总结报告请上传 PDF 或 Word（.docx）文件": true,
		`"气象" is not a unit kind`:     false,
		"form 联欢会 is not a form":      false,
		"“plan.csv”是空的":               true,
		"form 联欢会 is not one of the known activity forms: 科普讲座、科技展览、科技咨询": false,
		"": false,
	} {
		if got := errs.IsChinese(s); got != want {
			t.Errorf("IsChinese(%q) = %v", s, got)
		}
	}
}
