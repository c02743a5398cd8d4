package domain

import (
	"strings"

	"github.com/sciweek/sciweek/pkg/sheet"
)

// Synonym is a word offices write for one of the values a column takes: 讲座 for 科普讲座, 气象 for
// 气象部门. Synonyms is the one table of them: the import reads it, and the template's help sheet
// shows it.
type Synonym struct {
	// Column is the import field the word is written in.
	Column string
	// Value is the value's label as the template writes it.
	Value string
	// Words are what else people write for it.
	Words []string
}

// Synonyms are the words the import takes for the forms, target groups, unit kinds and themed
// weeks, besides their labels.
var Synonyms = []Synonym{
	{FieldForm, "科普讲座", []string{"讲座", "科普报告", "报告", "报告会", "专题讲座", "讲堂", "科普讲堂"}},
	{FieldForm, "科技展览", []string{"展览", "科普展览", "展示", "科普展", "展览展示", "科技展"}},
	{FieldForm, "科技咨询", []string{"咨询", "科普咨询", "咨询服务", "义诊", "技术咨询"}},
	{FieldForm, "网络互动", []string{"线上", "线上活动", "网络", "网上", "直播", "线上直播", "网络直播", "线上互动"}},
	{FieldForm, "科学实验", []string{"实验", "科学实验秀", "实验秀", "动手实验", "科学小实验"}},
	{FieldForm, "开放日", []string{"开放", "开放活动", "开放参观", "参观", "公众开放日", "实验室开放", "场馆开放"}},
	{FieldForm, "科学家精神宣讲", []string{"宣讲", "科学家精神", "精神宣讲", "报告宣讲"}},
	{FieldForm, "表演/微视频", []string{"表演", "微视频", "短视频", "视频", "科普剧", "文艺演出", "演出"}},
	{FieldTargetGroups, "青少年", []string{"学生", "中小学生", "青少年学生", "小学生", "中学生", "儿童", "少年儿童"}},
	{FieldTargetGroups, "社区", []string{"社区居民", "居民"}},
	{FieldTargetGroups, "农村", []string{"村民", "农民", "农村群众", "乡村"}},
	{FieldTargetGroups, "企业", []string{"企业职工", "职工", "员工"}},
	{FieldTargetGroups, "学校", []string{"师生", "教师", "校园"}},
	{FieldTargetGroups, "社会公众", []string{"公众", "市民", "群众", "社会大众", "全体市民", "不限"}},
	{FieldUnitKind, "科普基地", []string{"科普教育基地", "山西省科普基地", "省级科普基地", "基地"}},
	{FieldUnitKind, "科学家精神教育基地", []string{"科学家精神基地"}},
	{FieldUnitKind, "科普场馆", []string{"科技馆", "博物馆", "场馆", "科普馆"}},
	{FieldUnitKind, "重点实验室", []string{"实验室", "省级重点实验室", "国家重点实验室"}},
	{FieldUnitKind, "学校", []string{"中学", "小学", "中小学", "高校", "大学", "学院", "幼儿园"}},
	{FieldUnitKind, "企业", []string{"公司", "企业单位"}},
	{FieldUnitKind, "社区", []string{"街道", "社区居委会", "居委会"}},
	{FieldUnitKind, "农业部门", []string{"农业", "农业农村局", "农业农村部门", "农业局"}},
	{FieldUnitKind, "气象部门", []string{"气象", "气象局"}},
	{FieldUnitKind, "林草部门", []string{"林草", "林业", "林业和草原局", "林草局", "林业局"}},
	{FieldUnitKind, "交通运输部门", []string{"交通", "交通运输", "交通运输局", "交通局"}},
	{FieldTheme, "无", []string{"否", "不属于", "非主题科技周", "-", "—", "/"}},
	{FieldTheme, "农业科技周", []string{"农业", "农业周", "农业科技活动周"}},
	{FieldTheme, "气象科技周", []string{"气象", "气象周", "气象科技活动周"}},
	{FieldTheme, "林草科技周", []string{"林草", "林业", "林草周", "林业科技周", "林草科技活动周"}},
	{FieldTheme, "交通运输科技周", []string{"交通", "交通运输", "交通周", "交通科技周", "交通运输科技活动周"}},
}

// synonymOf returns the label a word stands for in a column: the label itself, or the label of
// the synonym it is. Words are compared with full-width forms folded and spaces removed.
func synonymOf(column, word string) (string, bool) {
	w := strings.ReplaceAll(sheet.Fold(word), " ", "")
	for _, s := range Synonyms {
		if s.Column != column {
			continue
		}
		if w == s.Value {
			return s.Value, true
		}
		for _, x := range s.Words {
			if w == x {
				return s.Value, true
			}
		}
	}
	return "", false
}
