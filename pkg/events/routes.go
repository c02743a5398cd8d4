package events

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/errs"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
)

// activityEvent is any of registration's events that carry an activity's whole state.
type activityEvent interface {
	proto.Message
	GetActivity() *registrationv1.Activity
}

var activityEvents = []struct {
	kind bus.Kind
	msg  func() activityEvent
}{
	{ActivityCreated, func() activityEvent { return &registrationv1.ActivityCreated{} }},
	{ActivitySubmitted, func() activityEvent { return &registrationv1.ActivitySubmitted{} }},
	{ActivityApproved, func() activityEvent { return &registrationv1.ActivityApproved{} }},
	{ActivityReturned, func() activityEvent { return &registrationv1.ActivityReturned{} }},
	{ActivityCancelled, func() activityEvent { return &registrationv1.ActivityCancelled{} }},
}

// ActivityRoutes routes every change of an activity (created, submitted, approved, returned,
// cancelled: each carries the activity's whole state) to apply. An event that does not decode is
// errs.Invalid, which the projection logs and skips.
func ActivityRoutes(apply func(ctx context.Context, a *registrationv1.Activity) error) []bus.Route {
	routes := make([]bus.Route, len(activityEvents))
	for i, e := range activityEvents {
		routes[i] = bus.Route{Kind: e.kind, Apply: func(ctx context.Context, m bus.Message) error {
			ev := e.msg()
			if err := proto.Unmarshal(m.Data, ev); err != nil {
				return ErrUndecodable.Wrap(err, "type", m.Type)
			}
			return apply(ctx, ev.GetActivity())
		}}
	}
	return routes
}

// ErrUndecodable is an event whose bytes are not its message: the projection logs and skips it.
var ErrUndecodable = errs.Reason{Code: "EVENT_UNDECODABLE", Kind: errs.Invalid,
	English: "undecodable {type}",
	Chinese: "无法解读的事件（{type}）"}
