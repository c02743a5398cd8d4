package rpc

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/sciweek/sciweek/pkg/errs"
)

// DefaultPageSize is used when a list request leaves page_size at 0.
const DefaultPageSize = 100

// Page turns a list request's page_size and page_token into an offset and a limit. Tokens are
// opaque to callers ("o:<offset>", base64) so the scheme can change without breaking them.
func Page(size int32, token string) (offset, limit int, err error) {
	limit = int(size)
	if limit <= 0 {
		limit = DefaultPageSize
	}
	if token == "" {
		return 0, limit, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, 0, ErrPageToken.New()
	}
	n, ok := strings.CutPrefix(string(raw), "o:")
	offset, err = strconv.Atoi(n)
	if !ok || err != nil || offset < 0 {
		return 0, 0, ErrPageToken.New()
	}
	return offset, limit, nil
}

// NextPageToken returns the token of the page after one that started at offset and returned got
// of limit items; empty when that page was the last.
func NextPageToken(offset, limit, got int) string {
	if got < limit {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset+got)))
}

// ErrPageToken is a page token this service did not issue.
var ErrPageToken = errs.Reason{Code: "PAGE_TOKEN_INVALID", Kind: errs.Invalid,
	English: "page_token is not one this service issued",
	Chinese: "翻页信息已失效，请回到第一页重新查看"}

// ListPage serves one page of a list RPC: it reads the page from the request's size and token,
// asks list for it, converts each item with conv and returns them with the next page's token.
func ListPage[T, P any](size int32, token string, list func(offset, limit int) ([]T, error), conv func(T) P) ([]P, string, error) {
	offset, limit, err := Page(size, token)
	if err != nil {
		return nil, "", err
	}
	items, err := list(offset, limit)
	if err != nil {
		return nil, "", err
	}
	var out []P
	for _, it := range items {
		out = append(out, conv(it))
	}
	return out, NextPageToken(offset, limit, len(items)), nil
}
