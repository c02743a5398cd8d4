// Package enum holds the one helper every service's conversions share: the way back through an
// explicit table from a domain value to its contract enum (testkit.EnumRoundTrip checks the
// tables against the contract).
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
