package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	"github.com/sciweek/sciweek/pkg/sheet/sheettest"
)

// TestImportInChromium imports a county's plan through the console, as its office saved it: a
// merged title row and a 填报单位 line above a two-row header, short names for a unit's kind and
// an activity's form, a second session on its own row, a 合计 line below. The check reads every
// row, says where it found the header, and names the one bad row by its row number as the
// spreadsheet shows it, in Chinese; the page shows no English sentence from the services.
// Screenshot: import.png.
func TestImportInChromium(t *testing.T) {
	t.Parallel()
	s := startDemo(t)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().In(loc).AddDate(0, 0, 1)
	at := func(d, h int) time.Time {
		x := day.AddDate(0, 0, d)
		return time.Date(x.Year(), x.Month(), x.Day(), h, 0, 0, 0, time.UTC) // the wall clock the cell shows
	}
	written := func(d, h int) string { return at(d, h).Format("2006年1月2日 15:04") }
	plan := sheettest.Office{
		Sheet: "活动安排", Title: "科技活动周（演示）小店区活动安排表", Note: "填报单位：小店区科技局    填报日期：" + time.Now().In(loc).Format("2006年1月2日"),
		Top:    []string{"序号", "县（市、区）", "活动名称", "主办单位", "单位类型", "活动形式", "面向对象", "活动地点", "活动时间", "", "名额"},
		Header: []string{"", "", "", "", "", "", "", "", "开始", "结束", ""},
		Rows: [][]any{
			{1, "小店区", "走进气象台", "小店区气象局", "气象", "开放", "中小学生", "山西省科学技术馆", at(0, 9), at(0, 11), 60},
			{2, "小店区", "科普讲座：AI与生活", "山西大学", "高校", "讲座", "青少年、公众", "山西省科学技术馆", written(1, 9), written(1, 11), "８０"},
			{3, "小店区", "科普讲座：AI与生活", "山西大学", nil, nil, nil, nil, written(2, 9), written(2, 11), 80},
			{4, "小店区", "夜观星空", "太原市天文学会", "外星机构", "观测", "市民", "山西省科学技术馆", "明天上午9点", written(1, 21), nil},
		},
		Footer: []string{"合计：3 项活动"},
	}
	file := filepath.Join(t.TempDir(), "小店区活动安排.xlsx")
	if err := os.WriteFile(file, sheettest.XLSX(t, plan), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := chromium(t, 1440, 1100)
	signIn(t, ctx, s.base, s.info.AdminUsername, s.info.AdminPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/import?edition="+demo.LiveEdition), chromedp.WaitVisible(`#import-check`),
		chromedp.SetUploadFiles(`#import-file`, []string{file})); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.querySelector('#import-check')?.disabled`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the file was not taken: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#import-check').click()`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('#import-errors tbody tr').length > 0`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("no problem list after the check: %v; the page says %q", err, text(ctx, `#import-result`))
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`[...document.querySelectorAll('#import-errors tbody tr')].map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText.trim()))`))
	if err != nil {
		t.Fatal(err)
	}
	// Row 8 of the file (title, 填报单位 line and the two header rows above the table) is the bad one.
	want := map[string]string{"单位类型": "“外星机构”不是单位类型", "活动形式": "“观测”不是活动形式", "活动时间 开始": "“明天上午9点”不是可以识别的日期时间"}
	if len(rows) != len(want) {
		t.Fatalf("problems %q, want one each of %v", rows, want)
	}
	for _, r := range rows {
		if len(r) != 3 || r[0] != "8" || !strings.HasPrefix(r[2], want[r[1]]) {
			t.Errorf("problem %q, want row 8 with %v", r, want)
		}
	}
	page := text(ctx, `#import-result`)
	if !strings.Contains(page, "读取了工作表「活动安排」第 4 行的表头") || !strings.Contains(page, "4 行中有 1 行存在 3 个问题") {
		t.Errorf("the result says %q", page)
	}
	for _, english := range []string{" is not ", "not a ", "unit kind", "write it like"} {
		if strings.Contains(page, english) {
			t.Errorf("English reached the console: %q in %q", english, page)
		}
	}
	t.Logf("import check: %s", screenshot(t, ctx, "import.png"))
}
