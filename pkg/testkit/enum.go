package testkit

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// EnumRoundTrip checks that every value a contract enum declares but UNSPECIFIED has exactly one
// domain value in table, which converts back to it: a value added to a .proto without its domain
// counterpart fails here.
func EnumRoundTrip[D comparable, P interface {
	comparable
	Number() protoreflect.EnumNumber
}](t *testing.T, table map[D]P, desc protoreflect.EnumDescriptor) {
	t.Helper()
	back := map[protoreflect.EnumNumber]D{}
	for d, p := range table {
		if _, dup := back[p.Number()]; dup {
			t.Errorf("%s: two domain values for %d", desc.FullName(), p.Number())
		}
		back[p.Number()] = d
	}
	values := desc.Values()
	for i := range values.Len() {
		v := values.Get(i)
		d, ok := back[v.Number()]
		switch {
		case v.Number() == 0 && ok:
			t.Errorf("%s has the domain value %v", v.FullName(), d)
		case v.Number() != 0 && !ok:
			t.Errorf("%s has no domain value", v.FullName())
		case v.Number() != 0 && table[d].Number() != v.Number():
			t.Errorf("%s → %v → %d", v.FullName(), d, table[d].Number())
		}
	}
	if len(table) != values.Len()-1 {
		t.Errorf("%s: %d domain values for %d contract values", desc.FullName(), len(table), values.Len()-1)
	}
}
