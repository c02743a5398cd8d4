package domain_test

import (
	"strings"
	"testing"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// FuzzParseImport: whatever the cells of a plan say — times, places, yes or no, kinds, forms,
// groups, in any width, over one or two rows — reading it never panics, every problem is on a
// row of the file and says in Chinese what is wrong, and every activity it accepts passes the
// form's own rules.
func FuzzParseImport(f *testing.F) {
	for _, seed := range [][2]string{
		{"2024-05-26 09:00|2024-05-26 11:00|科学实验|青少年|是|40|气象", "2024/5/27 9:00|2024/5/27 10:00|讲座|公众|√|８０|"},
		{"5月26日 9时30分|5月26日 11时|展览|市民|×||林业", "２０２４年５月２６日 ９：００|２０２４年５月２６日 １１：００|开放|中小学生|Y|1,200|学校"},
		{"45438.375|45438.4583333333|实验|学生|1|0|", "5月26日上午9点|晚上|联欢会|外星人|也许|-3|火星局"},
		{"2024-02-30 25:61|2024-13-01 00:00|||||", "9:00|11:00|||||"},
	} {
		f.Add(seed[0], seed[1])
	}
	ed, err := domain.NewEdition(domain.EditionInput{ID: "2024", Name: "2024年太原市科技活动周", StartsOn: "2024-05-25", EndsOn: "2024-06-01",
		ReportDeadline: "2024-06-10", TimeZone: "Asia/Shanghai", MaxVideoSeconds: 180, Counties: []domain.County{{Code: "140105", Name: "小店区"}}})
	if err != nil {
		f.Fatal(err)
	}
	h := []string{"县（市、区）", "活动名称", "主办单位", "开始时间", "结束时间", "活动形式", "面向对象", "需要报名", "名额", "单位类型", "活动地点"}
	f.Fuzz(func(t *testing.T, a, b string) {
		row := func(s string) []string {
			cells := strings.SplitN(s, "|", 7)
			for len(cells) < 7 {
				cells = append(cells, "")
			}
			return append([]string{"小店区", "科普活动", "科协"}, append(cells, "科技馆")...)
		}
		_, rows, problems := domain.ParseImport(ed, book(h, row(a), row(b)), nil, look)
		for _, p := range problems {
			if p.Row < 1 || p.Row > 3 || !errs.IsChinese(p.Chinese) || p.Reason == "" {
				t.Fatalf("problem %+v", p)
			}
		}
		for _, r := range rows {
			if _, err := domain.CheckDetails(ed, r.Details); err != nil {
				t.Fatalf("accepted %+v, which the form refuses: %v", r, err)
			}
		}
	})
}
