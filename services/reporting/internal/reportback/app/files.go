package app

import (
	"context"
	"io"
)

// Files keeps the report files' content: on the service's disk, or in an S3-compatible store.
type Files interface {
	// Put stores the finished upload at path under key; the file at path may be moved.
	Put(ctx context.Context, key, path string, size int64, contentType string) error
	// Open returns a file's content and size; a missing file is errs.NotFound.
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error)
	// Delete removes a file; a missing one is not an error.
	Delete(ctx context.Context, key string) error
}
