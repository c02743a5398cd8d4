package bus

import "slices"

// Kind is one event of the contract: the stream that holds it, the subject it is published on
// and its message type. pkg/events lists every Kind once; producers publish and projections
// subscribe through them, never through strings of their own.
type Kind struct {
	// Stream holds the event.
	Stream string
	// Subject is the subject it is published on; for an event published per county, the
	// prefix the county code follows (ending in ".").
	Subject string
	// PerCounty says the subject ends with a county code (For).
	PerCounty bool
	// Type is the message's full proto name, as the Sciweek-Type header carries it.
	Type string
}

// For returns the subject of a per-county event for county.
func (k Kind) For(county string) string { return k.Subject + county }

// Filter is the subject filter that selects the event in its stream.
func (k Kind) Filter() string {
	if k.PerCounty {
		return k.Subject + ">"
	}
	return k.Subject
}

// Route applies the events of one kind.
type Route struct {
	Kind  Kind
	Apply Applier
}

// Consumes returns the kinds of event a projection applies: its routes', or the kinds a batch
// projection declares.
func (p Projection) Consumes() []Kind {
	if len(p.Routes) == 0 {
		return slices.Clone(p.Kinds)
	}
	out := make([]Kind, len(p.Routes))
	for i, r := range p.Routes {
		out[i] = r.Kind
	}
	return out
}

// filters returns the subjects a projection reads: those of its kinds, or its Subjects.
func (p Projection) filters() []string {
	kinds := p.Consumes()
	if len(kinds) == 0 {
		return p.Subjects
	}
	out := make([]string, 0, len(kinds))
	for _, k := range kinds {
		if f := k.Filter(); !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}
