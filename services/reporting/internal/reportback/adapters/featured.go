package adapters

import (
	"context"

	"google.golang.org/grpc"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// Featured asks the registration service for an edition's featured activities (附件2), as the
// person who asked for the merged table: registration checks their access itself.
type Featured struct {
	client registrationv1.FeaturedServiceClient
}

// NewFeatured returns the exporter over a connection to registration.
func NewFeatured(conn grpc.ClientConnInterface) *Featured {
	return &Featured{client: registrationv1.NewFeaturedServiceClient(conn)}
}

// Export returns the featured list's workbook.
func (f *Featured) Export(ctx context.Context, edition string) ([]byte, error) {
	resp, err := f.client.ExportFeatured(rpc.ForwardCredential(ctx), &registrationv1.ExportFeaturedRequest{EditionId: edition})
	if err != nil {
		return nil, rpc.FromStatus(err, "registration did not answer for the featured activities; try again")
	}
	return resp.GetFile().GetContent(), nil
}
