package adapters

import (
	"context"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/pkg/errs"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
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

func venueError(err error, id string) error {
	switch status.Code(err) {
	case codes.NotFound, codes.PermissionDenied, codes.InvalidArgument:
		return rpc.FromStatus(err, "venue "+id) // the registry's own reason and words
	default:
		return ErrVenueServiceUnavailable.Wrap(err)
	}
}

// Venue returns the county and name of a venue.
func (c *VenueClient) Venue(ctx context.Context, id uuid.UUID) (string, string, error) {
	resp, err := c.client.GetVenue(rpc.ForwardCredential(ctx), &venuev1.GetVenueRequest{VenueId: id.String()})
	if err != nil {
		return "", "", venueError(err, id.String())
	}
	return resp.GetVenue().GetCountyCode(), resp.GetVenue().GetName(), nil
}

// VenuesOf returns a county's venues by name.
func (c *VenueClient) VenuesOf(ctx context.Context, county string) (map[string]uuid.UUID, error) {
	out := map[string]uuid.UUID{}
	token := ""
	for {
		resp, err := c.client.ListVenues(rpc.ForwardCredential(ctx), &venuev1.ListVenuesRequest{CountyCode: county, PageSize: 1000, PageToken: token})
		if err != nil {
			return nil, venueError(err, "of county "+county)
		}
		for _, v := range resp.GetVenues() {
			if id, err := uuid.Parse(v.GetId()); err == nil {
				out[v.GetName()] = id
			}
		}
		if token = resp.GetNextPageToken(); token == "" {
			return out, nil
		}
	}
}

// ErrVenueServiceUnavailable is the venue registry not answering.
var ErrVenueServiceUnavailable = errs.Reason{Code: "VENUE_SERVICE_UNAVAILABLE", Kind: errs.Unavailable,
	English: "venue service unavailable, try again",
	Chinese: "场馆登记服务暂时不可用，请稍后重试"}
