package adapters

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
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
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get("authorization"); len(v) > 0 {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", v[0])
		}
	}
	resp, err := f.client.ExportFeatured(ctx, &registrationv1.ExportFeaturedRequest{EditionId: edition})
	if err != nil {
		return nil, err
	}
	return resp.GetFile().GetContent(), nil
}
