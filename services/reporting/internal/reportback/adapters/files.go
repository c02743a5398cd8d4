package adapters

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/sciweek/sciweek/pkg/errs"
)

// LocalFiles keeps report files in a folder on the service's disk: the default, and what a
// single machine needs.
type LocalFiles struct {
	dir string
}

// NewLocalFiles returns a store in dir, creating it.
func NewLocalFiles(dir string) (*LocalFiles, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("report files: %w", err)
	}
	return &LocalFiles{dir: dir}, nil
}

func (l *LocalFiles) path(key string) (string, error) {
	if key == "" || strings.Contains(key, "..") || strings.HasPrefix(key, "/") {
		return "", fmt.Errorf("report files: bad file key %q", key)
	}
	return filepath.Join(l.dir, filepath.FromSlash(key)), nil
}

// Put moves the finished upload at path into the store (a rename within one file system; a
// copy otherwise) and syncs it, so a stored file survives a crash.
func (l *LocalFiles) Put(_ context.Context, key, path string, _ int64, _ string) error {
	dst, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	if err := os.Rename(path, dst); err == nil {
		return syncFile(dst)
	}
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".part"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, dst)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Open returns the file's content and size.
func (l *LocalFiles) Open(_ context.Context, key string) (io.ReadCloser, int64, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, ErrContentMissing.New()
	}
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// Delete removes a file; a missing one is not an error.
func (l *LocalFiles) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// S3Config says where an S3-compatible store is.
type S3Config struct {
	// Endpoint is host:port of the service.
	Endpoint string
	// Bucket holds the files; it is created when missing.
	Bucket string
	// AccessKey and SecretKey authenticate.
	AccessKey, SecretKey string
	// Region, if set, is the bucket's region.
	Region string
	// Secure uses HTTPS.
	Secure bool
}

// S3Files keeps report files in any S3-compatible store (MinIO, Ceph, the cloud providers'),
// through minio-go.
type S3Files struct {
	client *minio.Client
	bucket string
}

// NewS3Files connects to the store and makes sure the bucket exists.
func NewS3Files(ctx context.Context, cfg S3Config) (*S3Files, error) {
	client, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Secure: cfg.Secure, Region: cfg.Region})
	if err != nil {
		return nil, fmt.Errorf("report files: S3 at %s: %w", cfg.Endpoint, err)
	}
	exists, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("report files: S3 bucket %s: %w", cfg.Bucket, err)
	}
	if !exists {
		if err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
			return nil, fmt.Errorf("report files: create S3 bucket %s: %w", cfg.Bucket, err)
		}
	}
	return &S3Files{client: client, bucket: cfg.Bucket}, nil
}

// Put uploads the finished upload at path (multipart for large files, by minio-go).
func (s *S3Files) Put(ctx context.Context, key, path string, size int64, contentType string) error {
	_, err := s.client.FPutObject(ctx, s.bucket, key, path, minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return ErrStoreUnavailable.Wrap(err, "what", "take the file")
	}
	return nil
}

// Open returns the file's content and size.
func (s *S3Files) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, ErrStoreUnavailable.Wrap(err, "what", "be read")
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, 0, ErrContentMissing.New()
		}
		return nil, 0, ErrStoreUnavailable.Wrap(err, "what", "be read")
	}
	return obj, st.Size, nil
}

// Delete removes a file; a missing one is not an error.
func (s *S3Files) Delete(ctx context.Context, key string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil && minio.ToErrorResponse(err).Code != "NoSuchKey" {
		return ErrStoreUnavailable.Wrap(err, "what", "delete")
	}
	return nil
}

// The file store's answers that reach people.
var (
	ErrContentMissing = errs.Reason{Code: "REPORT_FILE_CONTENT_MISSING", Kind: errs.NotFound,
		English: "the file's content is missing from the store",
		Chinese: "文件内容在存储中找不到了：请重新上传这个文件"}
	ErrStoreUnavailable = errs.Reason{Code: "REPORT_FILE_STORE_UNAVAILABLE", Kind: errs.Unavailable,
		English: "the file store cannot {what} now; try again",
		Chinese: "文件存储暂时不可用，请稍后重试"}
)
