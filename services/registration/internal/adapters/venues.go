package adapters

import (
	"context"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/pkg/errs"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
)

// VenueClient asks the venue service about venues, off the hot path. It calls on behalf of the
// person making the request, forwarding their credential, so the venue service applies its own
// rules to them.
type VenueClient struct {
	client venuev1.VenueServiceClient
}

// NewVenueClient returns a client over conn.
func NewVenueClient(conn grpc.ClientConnInterface) *VenueClient {
	return &VenueClient{client: venuev1.NewVenueServiceClient(conn)}
}

// VenueCounty returns the county of a venue.
func (c *VenueClient) VenueCounty(ctx context.Context, id uuid.UUID) (string, error) {
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if auth := md.Get("authorization"); len(auth) > 0 {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", auth[0])
		}
	}
	resp, err := c.client.GetVenue(ctx, &venuev1.GetVenueRequest{VenueId: id.String()})
	switch status.Code(err) {
	case codes.OK:
		return resp.GetVenue().GetCountyCode(), nil
	case codes.NotFound:
		return "", errs.E(errs.NotFound, "venue %s not found", id)
	case codes.PermissionDenied:
		return "", errs.E(errs.PermissionDenied, "you may not use venue %s", id)
	default:
		return "", errs.Wrap(errs.Unavailable, err, "venue service unavailable, try again")
	}
}
