package adapters

import (
	"context"
	"sort"

	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/pkg/errs"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

// Sheets reads spreadsheets and writes the venue template (pkg/sheet).
type Sheets struct{}

// Read returns every sheet of an XLSX, .xls or CSV file.
func (Sheets) Read(fileName string, content []byte, encoding string) (sheet.Book, error) {
	return sheet.Read(fileName, content, encoding)
}

// Template returns the venue import template with an example row and the allowed values.
func (Sheets) Template(counties map[string]string) ([]byte, error) {
	const name = "场馆登记"
	w, err := sheet.NewWorkbook(name)
	if err != nil {
		return nil, err
	}
	headers := make([]string, len(domain.ImportColumns))
	for i, c := range domain.ImportColumns {
		headers[i] = c.Header
	}
	w.Header(name, 1, headers, 16)
	w.Row(name, 2, "小店区", "太原市科学技术馆", "科普场馆", "太原市小店区长风街", "37.8706", "112.5489", "3000", "王老师", "0351-1234567", "是")
	const help = "填写说明"
	if _, err := w.NewSheet(help); err != nil {
		return nil, err
	}
	w.Header(help, 1, []string{"列", "必填", "说明"}, 18)
	_ = w.SetColWidth(help, "C", "C", 80)
	for i, c := range domain.ImportColumns {
		req := ""
		if c.Required {
			req = "是"
		}
		w.Row(help, i+2, c.Header, req, c.Help)
	}
	var names []string
	for n, code := range counties {
		if n != code {
			names = append(names, n+"（"+code+"）")
		}
	}
	sort.Strings(names)
	row := len(domain.ImportColumns) + 3
	w.Row(help, row, "县（市、区）", "", "可填：")
	for i, n := range names {
		w.Row(help, row+1+i, "", "", n)
	}
	return w.Bytes()
}

// Counties resolves county names to codes from every edition registration keeps.
func Counties(conn grpc.ClientConnInterface) func(context.Context) (map[string]string, error) {
	client := registrationv1.NewEditionServiceClient(conn)
	return func(ctx context.Context) (map[string]string, error) {
		resp, err := client.ListEditions(ctx, &registrationv1.ListEditionsRequest{})
		if err != nil {
			return nil, ErrCountiesUnavailable.Wrap(err)
		}
		out := map[string]string{}
		for _, e := range resp.GetEditions() {
			for _, c := range e.GetCounties() {
				out[c.GetName()], out[c.GetCode()] = c.GetCode(), c.GetCode()
			}
		}
		return out, nil
	}
}

// ErrCountiesUnavailable is registration not answering with the editions' counties.
var ErrCountiesUnavailable = errs.Reason{Code: "VENUE_COUNTIES_UNAVAILABLE", Kind: errs.Unavailable,
	English: "the registration service did not answer with the counties; try again",
	Chinese: "暂时取不到县（市、区）名单，请稍后重试"}
