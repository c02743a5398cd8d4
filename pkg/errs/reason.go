package errs

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Reason is one way a request can fail, written down once: a stable code that programs switch
// on (it becomes google.rpc.ErrorInfo's reason), the kind (it becomes the gRPC code), and the
// message in English, for API clients and logs, and in Chinese, for people (it becomes
// google.rpc.LocalizedMessage for zh-CN, which the console shows). Messages name their arguments
// in braces, {value}; the arguments travel as ErrorInfo's metadata.
//
// Declare reasons as package variables next to the code that raises them, with literal strings,
// so the catalogue test (cmd/sciweek/internal/archtest) can read them all:
//
//	var ErrUnitKindUnknown = errs.Reason{Code: "UNIT_KIND_UNKNOWN", Kind: errs.Invalid,
//		English: "{value} is not a unit kind; write one of {accepted}",
//		Chinese: "“{value}”不是单位类型，请填写其中之一：{accepted}"}
//
//	return ErrUnitKindUnknown.New("value", k, "accepted", "科普基地、学校")
type Reason struct {
	// Code is the stable name of the reason, UPPER_SNAKE_CASE, unique in the system. Clients
	// may switch on it: never rename or reuse one.
	Code string
	// Kind says what the caller can do about it.
	Kind Kind
	// English is the message for API clients, with {name} placeholders.
	English string
	// Chinese is the message for people, with {name} placeholders: what went wrong and what to
	// do instead, in the words of the console.
	Chinese string
}

// New returns an error of this reason. args are name, value pairs, as log/slog takes them:
// every placeholder of both messages is named once; values are printed with fmt.Sprint.
func (r Reason) New(args ...any) *Error {
	a := argMap(args)
	return &Error{Kind: r.Kind, Reason: r.Code, Args: a, Msg: Render(r.English, a), Chinese: Render(r.Chinese, a)}
}

// Wrap returns an error of this reason caused by cause, which is logged but never shown to the
// caller. A nil cause gives nil, so `return x, R.Wrap(err)` reads like an error check.
func (r Reason) Wrap(cause error, args ...any) error {
	if cause == nil {
		return nil
	}
	e := r.New(args...)
	e.Err = cause
	return e
}

// argMap turns name, value pairs into the arguments' map; a name without a value keeps an
// empty value, and a name that is not a string is printed.
func argMap(args []any) map[string]string {
	if len(args) == 0 {
		return nil
	}
	m := make(map[string]string, (len(args)+1)/2)
	for i := 0; i < len(args); i += 2 {
		k := fmt.Sprint(args[i])
		v := ""
		if i+1 < len(args) {
			v = fmt.Sprint(args[i+1])
		}
		m[k] = v
	}
	return m
}

var placeholder = regexp.MustCompile(`\{([a-zA-Z][a-zA-Z0-9]*)\}`)

// Render fills a message's {name} placeholders from args; a placeholder without an argument
// stays as written, which the catalogue test prevents.
func Render(message string, args map[string]string) string {
	if !strings.Contains(message, "{") {
		return message
	}
	return placeholder.ReplaceAllStringFunc(message, func(m string) string {
		if v, ok := args[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// Placeholders returns the argument names a message uses, in order of first use.
func Placeholders(message string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(message, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// codePattern is google.rpc.ErrorInfo's rule for reasons.
var codePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]+[A-Z0-9]$`)

// argPattern is ErrorInfo's rule for metadata keys (lowerCamelCase).
var argPattern = regexp.MustCompile(`^[a-z][a-zA-Z0-9]{0,63}$`)

// Check reports what is wrong with a reason's declaration: a code that is not UPPER_SNAKE_CASE
// or longer than 63 characters, a missing message, a Chinese message that is not Chinese, or a
// placeholder name that is not lowerCamelCase. The catalogue test runs it on every reason.
func (r Reason) Check() []string {
	var out []string
	if !codePattern.MatchString(r.Code) || len(r.Code) > 63 {
		out = append(out, fmt.Sprintf("code %q is not UPPER_SNAKE_CASE of at most 63 characters", r.Code))
	}
	if strings.TrimSpace(r.English) == "" {
		out = append(out, r.Code+": no English message")
	}
	if !IsChinese(placeholder.ReplaceAllString(r.Chinese, "")) {
		out = append(out, r.Code+": no Chinese message")
	}
	for _, m := range []string{r.English, r.Chinese} {
		for _, p := range strings.Split(m, "{")[1:] {
			name, _, ok := strings.Cut(p, "}")
			if !ok || !argPattern.MatchString(name) {
				out = append(out, fmt.Sprintf("%s: placeholder {%s is not {lowerCamelCase}", r.Code, name))
			}
		}
	}
	return out
}

// IsChinese says whether s is written in Chinese: it has Han characters, and outside quotes no
// English word of the kind every English sentence has (is, not, the, of, must…). A Chinese
// sentence may name PDF, Excel or plan.xlsx; an English one quoting "气象" or listing 科普讲座、…
// is not Chinese.
func IsChinese(s string) bool {
	s = quoted.ReplaceAllString(s, "")
	han := false
	for _, c := range s {
		han = han || unicode.Is(unicode.Han, c)
	}
	if !han {
		return false
	}
	for _, w := range latinWord.FindAllString(strings.ToLower(s), -1) {
		if englishWords[w] {
			return false
		}
	}
	return true
}

var (
	quoted       = regexp.MustCompile(`“[^”]*”|"[^"]*"|「[^」]*」|‘[^’]*’`)
	latinWord    = regexp.MustCompile(`[a-z']+`)
	englishWords = map[string]bool{"is": true, "are": true, "was": true, "not": true, "no": true, "the": true, "a": true, "an": true,
		"of": true, "to": true, "be": true, "must": true, "has": true, "have": true, "may": true, "only": true, "and": true,
		"for": true, "in": true, "on": true, "with": true, "this": true, "it": true, "its": true, "cannot": true, "can": true,
		"at": true, "from": true, "by": true, "as": true, "or": true, "please": true, "your": true, "you": true}
)

// general are the reasons of errors raised without one (E, Wrap, errors of other libraries):
// one per kind, so every error a person sees still has a code and a Chinese message.
var general = [...]Reason{
	Internal: {Code: "INTERNAL", Kind: Internal, English: "internal error",
		Chinese: "系统内部出错，请稍后重试；问题持续时请联系管理员"},
	Invalid: {Code: "INVALID_ARGUMENT", Kind: Invalid, English: "the request is not valid",
		Chinese: "提交的内容有误，请检查后重试"},
	NotFound: {Code: "NOT_FOUND", Kind: NotFound, English: "not found",
		Chinese: "要找的内容不存在，可能已被删除"},
	Exists: {Code: "ALREADY_EXISTS", Kind: Exists, English: "it exists already",
		Chinese: "内容已存在，请勿重复提交"},
	FailedPrecondition: {Code: "FAILED_PRECONDITION", Kind: FailedPrecondition, English: "not possible in the current state",
		Chinese: "当前状态下不能这样操作，请刷新后再试"},
	PermissionDenied: {Code: "PERMISSION_DENIED", Kind: PermissionDenied, English: "permission denied",
		Chinese: "没有权限进行此操作"},
	Unauthenticated: {Code: "UNAUTHENTICATED", Kind: Unauthenticated, English: "sign in first",
		Chinese: "请先登录"},
	Exhausted: {Code: "RESOURCE_EXHAUSTED", Kind: Exhausted, English: "too many requests; try again shortly",
		Chinese: "请求过多，请稍后再试"},
	Unavailable: {Code: "UNAVAILABLE", Kind: Unavailable, English: "the service is unavailable; try again shortly",
		Chinese: "服务暂时不可用，请稍后再试"},
}

// General returns the reason that stands for a kind when an error has none of its own.
func General(k Kind) Reason {
	if int(k) < len(general) {
		return general[k]
	}
	return general[Internal]
}

// Generals returns the general reasons, one per kind, for the catalogue test.
func Generals() []Reason { return append([]Reason(nil), general[:]...) }

// ReasonOf returns the reason code of the outermost *Error in err's chain, or the general reason
// of its kind when it has none (Internal for an error without a kind).
func ReasonOf(err error) string {
	if e, ok := outer(err); ok && e.Reason != "" && e.Kind != Internal {
		return e.Reason
	}
	return General(KindOf(err)).Code
}

// Is says whether err's reason is r.
func Is(err error, r Reason) bool { return err != nil && ReasonOf(err) == r.Code }

// ArgsOf returns the arguments of the outermost *Error in err's chain (nil for an internal error,
// whose details stay in the logs).
func ArgsOf(err error) map[string]string {
	if e, ok := outer(err); ok && e.Kind != Internal {
		return e.Args
	}
	return nil
}

// Chinese returns the message for people: the reason's Chinese text, a message written in
// Chinese by E, or else the general Chinese message of the error's kind. An internal error
// always gives the general one, whatever it says.
func Chinese(err error) string {
	e, ok := outer(err)
	switch {
	case !ok || e.Kind == Internal:
		return general[Internal].Chinese
	case e.Chinese != "":
		return e.Chinese
	case IsChinese(e.Msg):
		return e.Msg
	}
	return General(e.Kind).Chinese
}
