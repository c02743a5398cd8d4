package rpc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/sciweek/sciweek/pkg/errs"
)

// ErrRequestInvalid is a request that breaks its contract's rules (protovalidate): each field's
// problem is in the error's Fields, and the Chinese message names the fields by their labels.
var ErrRequestInvalid = errs.Reason{Code: "REQUEST_FIELD_INVALID", Kind: errs.Invalid,
	English: "the request breaks the rules of its fields {fields}",
	Chinese: "提交的内容有误，请检查后重试"}

// ErrRequestUnreadable is a request message that is not the message the method takes.
var ErrRequestUnreadable = errs.Reason{Code: "REQUEST_UNREADABLE", Kind: errs.Invalid,
	English: "the request cannot be read",
	Chinese: "请求无法识别，请刷新页面后重试"}

// KnownGood maps a request message's full name to a quick check that answers true only for a
// request that surely passes every protovalidate rule of its message. Such a request skips
// protovalidate's evaluation, which on check-in's hot path (one scan a call) took an eighth of the
// service's CPU. False is not a refusal: protovalidate then runs as for any other request, finds
// the problems and words them, so a quick check that is too strict costs time, never a wrong
// answer. A service that gives one must prove true implies valid with a fuzz test against
// protovalidate itself.
type KnownGood map[protoreflect.FullName]func(proto.Message) bool

// knownGoodValidator runs a message's quick check first and protovalidate only when it is not
// sure.
type knownGoodValidator struct {
	rules protovalidate.Validator
	good  KnownGood
}

// Validate implements protovalidate.Validator.
func (v knownGoodValidator) Validate(msg proto.Message, options ...protovalidate.ValidationOption) error {
	if check := v.good[msg.ProtoReflect().Descriptor().FullName()]; check != nil && check(msg) {
		return nil
	}
	return v.rules.Validate(msg, options...)
}

// validateRequest checks a request against the rules of its contract. A broken rule becomes an
// Invalid error with one FieldProblem per violation, in English as protovalidate words it and in
// Chinese with the field's label (Labels).
func validateRequest(v protovalidate.Validator, req any) error {
	msg, ok := req.(proto.Message)
	if !ok {
		return ErrRequestUnreadable.New()
	}
	err := v.Validate(msg)
	if err == nil {
		return nil
	}
	var ve *protovalidate.ValidationError
	if !errors.As(err, &ve) {
		return err // a rule that cannot be evaluated is our fault: internal
	}
	return violationsError(msg.ProtoReflect().Descriptor(), ve.Violations)
}

// violationsError turns protovalidate's violations of a request into one error with a problem
// per field.
func violationsError(root protoreflect.MessageDescriptor, violations []*protovalidate.Violation) error {
	var en, zh []string
	fields := make([]errs.FieldProblem, 0, len(violations))
	paths := make([]string, 0, len(violations))
	for _, v := range violations {
		p := FieldProblem(root, v)
		fields = append(fields, p)
		paths = append(paths, p.Field)
		en = append(en, v.String())
		zh = append(zh, p.Chinese)
	}
	// The messages list every field's problem; the arguments name the fields.
	e := ErrRequestInvalid.New("fields", strings.Join(paths, ","))
	e.Msg, e.Chinese, e.Fields = strings.Join(en, "; "), strings.Join(zh, "；"), fields
	return e
}

// FieldProblem describes one violation for people: the field's Chinese label and what its rule
// asks, e.g. "统计方式：请选择一项" instead of "group_by: value must not be in list [0]".
// root is the request's message, in which the violation's path starts.
func FieldProblem(root protoreflect.MessageDescriptor, v *protovalidate.Violation) errs.FieldProblem {
	path := protovalidate.FieldPathString(v.Proto.GetField())
	rule := v.Proto.GetRuleId()
	p := errs.FieldProblem{Field: path, Rule: rule, English: v.String()}
	label := labelOf(root, v)
	if text, ok := customRules[rule]; ok {
		p.Chinese = text
		if label != "" {
			p.Chinese = label + "：" + text
		}
		return p
	}
	if label == "" {
		label = "提交的内容"
	}
	p.Chinese = label + "：" + ruleChinese(v, label)
	return p
}

// labelOf returns the Chinese label of the field (or oneof) a violation is about; "" for a rule
// of a whole message.
func labelOf(root protoreflect.MessageDescriptor, v *protovalidate.Violation) string {
	if fd := v.FieldDescriptor; fd != nil {
		return Label(fd).Name
	}
	// A oneof: find its message by following the path from the request.
	els := v.Proto.GetField().GetElements()
	if len(els) == 0 {
		return ""
	}
	md := root
	for _, el := range els[:len(els)-1] {
		fd := md.Fields().ByNumber(protoreflect.FieldNumber(el.GetFieldNumber()))
		if fd == nil {
			return ""
		}
		if fd.IsMap() {
			fd = fd.MapValue()
		}
		if md = fd.Message(); md == nil {
			return ""
		}
	}
	name := els[len(els)-1].GetFieldName()
	if o := md.Oneofs().ByName(protoreflect.Name(name)); o != nil {
		if l, ok := fieldLabels[string(o.FullName())]; ok {
			return l.Name
		}
	}
	if fd := md.Fields().ByName(protoreflect.Name(name)); fd != nil {
		return Label(fd).Name
	}
	return fieldLabels[name].Name
}

// Label returns the label of a field: by its full name, else by its name alone.
func Label(fd protoreflect.FieldDescriptor) FieldLabel {
	if l, ok := fieldLabels[string(fd.FullName())]; ok {
		return l
	}
	return fieldLabels[string(fd.Name())]
}

// ruleChinese says in Chinese what a rule asks of a field; label names the field.
func ruleChinese(v *protovalidate.Violation, label string) string {
	id := v.Proto.GetRuleId()
	name := id
	if _, after, ok := strings.Cut(id, "."); ok {
		name = after
	}
	value := func() string { return ruleValue(v) }
	bound := func(b string) string { return siblingRule(v, b) }
	switch id { // bytes count bytes, not characters
	case "bytes.min_len":
		return "不能为空"
	case "bytes.max_len":
		return "不能超过 " + byteSize(v.RuleValue)
	}
	switch name {
	case "required":
		return "必须填写"
	case "min_len":
		return "至少 " + value() + " 个字"
	case "max_len":
		return "最多 " + value() + " 个字"
	case "len":
		return "应为 " + value() + " 个字"
	case "pattern":
		if v.FieldDescriptor != nil {
			if f := Label(v.FieldDescriptor).Format; f != "" {
				return "格式不对，应为" + f
			}
		}
		return "格式不对"
	case "uuid", "tuuid":
		return "不是有效的编号"
	case "uuid_empty":
		return "应为空或有效的编号"
	case "defined_only":
		return "不是可选的值"
	case "in":
		return "只能选可选的值"
	case "not_in":
		if v.Proto.GetRuleId() == "enum.not_in" {
			return "请选择一项"
		}
		return "不能是这个值"
	case "const":
		return "只能是 " + value()
	case "gte_lte":
		return "应在 " + bound("gte") + " 至 " + bound("lte") + " 之间"
	case "gt_lt":
		return "应大于 " + bound("gt") + " 且小于 " + bound("lt")
	case "gte_lt":
		return "应不小于 " + bound("gte") + " 且小于 " + bound("lt")
	case "gt_lte":
		return "应大于 " + bound("gt") + " 且不大于 " + bound("lte")
	case "gte":
		return "不能小于 " + value()
	case "lte":
		return "不能大于 " + value()
	case "gt":
		return "应大于 " + value()
	case "lt":
		return "应小于 " + value()
	case "finite":
		return "应为有效的数值"
	case "min_items", "min_pairs":
		return "至少 " + value() + " 项"
	case "max_items", "max_pairs":
		return "最多 " + value() + " 项"
	case "unique":
		return "不能有重复的项"
	case "email":
		return "不是有效的电子邮箱地址"
	case "uri", "uri_ref":
		return "不是有效的网址"
	case "min_bytes":
		return "至少 " + value() + " 字节"
	case "max_bytes":
		return "最多 " + value() + " 字节"
	}
	return "不符合要求"
}

// ruleTexts are the rule names ruleChinese words (the part of a rule id after its type), for the
// test that every rule the contracts use has Chinese words.
var ruleTexts = []string{"required", "min_len", "max_len", "len", "pattern", "uuid", "tuuid", "uuid_empty", "defined_only", "in",
	"not_in", "const", "gte_lte", "gt_lt", "gte_lt", "gt_lte", "gte", "lte", "gt", "lt", "finite", "min_items", "min_pairs",
	"max_items", "max_pairs", "unique", "email", "uri", "uri_ref", "min_bytes", "max_bytes"}

// ruleValue prints the value of the rule a violation broke.
func ruleValue(v *protovalidate.Violation) string {
	if !v.RuleValue.IsValid() {
		return ""
	}
	return scalar(v.RuleValue.Interface())
}

func scalar(x any) string {
	switch n := x.(type) {
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(n), 'f', -1, 32)
	case protoreflect.EnumNumber:
		return strconv.Itoa(int(n))
	}
	return fmt.Sprint(x)
}

// siblingRule reads another bound of the rule a violation broke (gte beside lte), from the field's
// rules: protovalidate reports a range as one violation of its lower bound.
func siblingRule(v *protovalidate.Violation, name string) string {
	if v.FieldDescriptor == nil {
		return "?"
	}
	rules, ok := proto.GetExtension(v.FieldDescriptor.Options(), validate.E_Field).(*validate.FieldRules)
	if !ok || rules == nil {
		return "?"
	}
	m := rules.ProtoReflect()
	els := v.Proto.GetRule().GetElements()
	for i, el := range els {
		if i == len(els)-1 {
			break
		}
		fd := m.Descriptor().Fields().ByNumber(protoreflect.FieldNumber(el.GetFieldNumber()))
		if fd == nil || fd.Message() == nil || !m.Has(fd) {
			return "?"
		}
		m = m.Get(fd).Message()
	}
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil || !m.Has(fd) {
		return "?"
	}
	return scalar(m.Get(fd).Interface())
}

// byteSize prints a size in bytes as people read it: 8 MB, 512 KB.
func byteSize(v protoreflect.Value) string {
	if !v.IsValid() {
		return ""
	}
	var n uint64
	switch x := v.Interface().(type) {
	case uint64:
		n = x
	case int64:
		n = uint64(max(x, 0))
	default:
		return fmt.Sprint(x) + " 字节"
	}
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatUint(n>>20, 10) + " MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatUint(n>>10, 10) + " KB"
	}
	return strconv.FormatUint(n, 10) + " 字节"
}
