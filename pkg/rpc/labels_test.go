package rpc

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	_ "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	_ "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	_ "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
)

// TestEveryRuleOfTheContractsHasChineseWords walks every message of sciweek's contracts: each
// field with a rule needs a label (and a pattern its format in words), each rule Chinese words,
// each custom (CEL) rule its Chinese message. A field added with a rule and no label fails here.
func TestEveryRuleOfTheContractsHasChineseWords(t *testing.T) {
	t.Parallel()
	var missing []string
	seen := 0
	protoregistry.GlobalFiles.RangeFiles(func(f protoreflect.FileDescriptor) bool {
		if !strings.HasPrefix(string(f.Package()), "sciweek.") {
			return true
		}
		walkMessages(f.Messages(), func(m protoreflect.MessageDescriptor) {
			if mr, ok := proto.GetExtension(m.Options(), validate.E_Message).(*validate.MessageRules); ok && mr != nil {
				for _, c := range mr.GetCel() {
					if !hasChinese(customRules[c.GetId()]) {
						missing = append(missing, "custom rule "+c.GetId()+" of "+string(m.FullName())+" has no Chinese words")
					}
				}
			}
			for i := 0; i < m.Oneofs().Len(); i++ {
				o := m.Oneofs().Get(i)
				if or, ok := proto.GetExtension(o.Options(), validate.E_Oneof).(*validate.OneofRules); ok && or.GetRequired() {
					if _, ok := fieldLabels[string(o.FullName())]; !ok {
						if _, ok := fieldLabels[string(o.Name())]; !ok {
							missing = append(missing, "oneof "+string(o.FullName())+" has no label")
						}
					}
				}
			}
			for i := 0; i < m.Fields().Len(); i++ {
				fd := m.Fields().Get(i)
				fr, ok := proto.GetExtension(fd.Options(), validate.E_Field).(*validate.FieldRules)
				if !ok || fr == nil {
					continue
				}
				names := ruleNames(fr.ProtoReflect())
				if len(names) == 0 {
					continue
				}
				seen++
				l := Label(fd)
				if !hasChinese(l.Name) {
					missing = append(missing, "field "+string(fd.FullName())+" has no label")
				}
				for _, n := range names {
					switch {
					case strings.HasPrefix(n, "cel:"):
						if !hasChinese(customRules[n[4:]]) {
							missing = append(missing, "custom rule "+n[4:]+" of "+string(fd.FullName())+" has no Chinese words")
						}
					case !slices.Contains(ruleTexts, n):
						missing = append(missing, "rule "+n+" of "+string(fd.FullName())+" has no Chinese words")
					case n == "pattern" && !hasChinese(l.Format):
						missing = append(missing, "field "+string(fd.FullName())+" has a pattern but no format in words")
					}
				}
			}
		})
		return true
	})
	if seen < 100 {
		t.Fatalf("found %d fields with rules; the walk is wrong", seen)
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d problems:\n%s", len(missing), strings.Join(slices.Compact(missing), "\n"))
	}
}

func hasChinese(s string) bool {
	return strings.TrimSpace(s) != "" && strings.ContainsFunc(s, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff })
}

func walkMessages(ms protoreflect.MessageDescriptors, fn func(protoreflect.MessageDescriptor)) {
	for i := 0; i < ms.Len(); i++ {
		fn(ms.Get(i))
		walkMessages(ms.Get(i).Messages(), fn)
	}
}

// ruleNames lists the rules set in a field's rules as protovalidate names them in rule ids (the
// part after the type): min_len, pattern, gte_lte, defined_only; items and map keys/values
// recursively; custom rules as cel:<id>.
func ruleNames(fr protoreflect.Message) []string {
	var out []string
	fr.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Name() == "required" && v.Bool():
			out = append(out, "required")
		case fd.Name() == "cel":
			for i := 0; i < v.List().Len(); i++ {
				out = append(out, "cel:"+v.List().Get(i).Message().Get(v.List().Get(i).Message().Descriptor().Fields().ByName("id")).String())
			}
		case fd.Message() != nil && fd.ContainingOneof() != nil && fd.ContainingOneof().Name() == "type":
			out = append(out, typeRuleNames(v.Message())...)
		}
		return true
	})
	return out
}

func typeRuleNames(tr protoreflect.Message) []string {
	var out []string
	lower, upper := "", ""
	tr.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		name := string(fd.Name())
		switch name {
		case "gt", "gte":
			lower = name
		case "lt", "lte":
			upper = name
		case "items", "keys", "values":
			out = append(out, ruleNames(v.Message())...)
		default:
			if fd.Kind() == protoreflect.BoolKind && !v.Bool() {
				return true
			}
			out = append(out, name)
		}
		return true
	})
	switch {
	case lower != "" && upper != "":
		out = append(out, lower+"_"+upper)
	case lower != "":
		out = append(out, lower)
	case upper != "":
		out = append(out, upper)
	}
	return out
}
