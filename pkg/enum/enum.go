// Package enum holds what every service's conversions share: an explicit two-way table between a
// domain enum and its contract enum (testkit.EnumRoundTrip checks the tables against the
// contract).
package enum

// Invert returns the table read the other way: contract value to domain value. Tables are
// one-to-one, which the round-trip tests check.
func Invert[D, P comparable](toProto map[D]P) map[P]D {
	out := make(map[P]D, len(toProto))
	for d, p := range toProto {
		out[p] = d
	}
	return out
}

// Table is a two-way table between a domain enum and a contract enum. A value missing from it
// converts to the zero value: UNSPECIFIED in the contract, "none" in the domain.
type Table[D, P comparable] struct {
	// ToProto maps domain values to the contract's.
	ToProto map[D]P
	// FromProto maps the contract's values back.
	FromProto map[P]D
}

// NewTable returns the table of the pairs.
func NewTable[D, P comparable](pairs map[D]P) Table[D, P] {
	return Table[D, P]{ToProto: pairs, FromProto: Invert(pairs)}
}
