package adapters_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/adapters"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/app"
)

// TestFileStores runs one contract over every file store: what is put can be opened whole,
// deleting twice is fine, and a missing file is NotFound.
func TestFileStores(t *testing.T) {
	t.Parallel()
	stores := map[string]func(t *testing.T) app.Files{
		"local disk": func(t *testing.T) app.Files {
			s, err := adapters.NewLocalFiles(filepath.Join(t.TempDir(), "files"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		// An S3 server speaking the protocol over HTTP (gofakes3, in memory), reached through
		// minio-go exactly as a MinIO or cloud bucket would be.
		"S3": func(t *testing.T) app.Files {
			srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
			t.Cleanup(srv.Close)
			s, err := adapters.NewS3Files(context.Background(), adapters.S3Config{Endpoint: strings.TrimPrefix(srv.URL, "http://"),
				Bucket: "sciweek-reports", AccessKey: "test", SecretKey: "test-secret", Region: "us-east-1"})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := open(t)
			content := bytes.Repeat([]byte("科技活动周"), 200_000) // 3 MB: a multipart upload for S3
			path := filepath.Join(t.TempDir(), "upload")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			key := "2024/140105/4f1c6b0a-0000-4000-8000-000000000001"
			if err := s.Put(ctx, key, path, int64(len(content)), "video/mp4"); err != nil {
				t.Fatal(err)
			}
			r, size, err := s.Open(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			r.Close()
			if err != nil || size != int64(len(content)) || !bytes.Equal(got, content) {
				t.Fatalf("read back %d bytes (size %d, %v), want %d", len(got), size, err, len(content))
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Fatalf("deleting twice: %v", err)
			}
			if _, _, err := s.Open(ctx, key); errs.KindOf(err) != errs.NotFound {
				t.Fatalf("opening a deleted file: %v", err)
			}
		})
	}
}
