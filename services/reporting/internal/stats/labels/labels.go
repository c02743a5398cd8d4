// Package labels holds the Chinese names of the contracts' enums that reporting prints in
// spreadsheets for people (the dashboard export, the statistics table). The console has its own
// copy for the browser (web/src/utils/labels.ts); the contracts' comments carry the same words.
package labels

import (
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
)

var forms = map[registrationv1.ActivityForm]string{
	registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE:               "科普讲座",
	registrationv1.ActivityForm_ACTIVITY_FORM_EXHIBITION:            "科技展览",
	registrationv1.ActivityForm_ACTIVITY_FORM_CONSULTATION:          "科技咨询",
	registrationv1.ActivityForm_ACTIVITY_FORM_ONLINE_INTERACTION:    "网络互动",
	registrationv1.ActivityForm_ACTIVITY_FORM_HANDS_ON_EXPERIMENT:   "科学实验",
	registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY:              "开放日",
	registrationv1.ActivityForm_ACTIVITY_FORM_SCIENTIST_SPIRIT_TALK: "科学家精神宣讲",
	registrationv1.ActivityForm_ACTIVITY_FORM_PERFORMANCE_VIDEO:     "表演/微视频",
	registrationv1.ActivityForm_ACTIVITY_FORM_OTHER:                 "其他",
}

// Form names a form of activity.
func Form(f registrationv1.ActivityForm) string { return or(forms[f], "未注明") }

var groups = map[registrationv1.TargetGroup]string{
	registrationv1.TargetGroup_TARGET_GROUP_YOUTH:     "青少年",
	registrationv1.TargetGroup_TARGET_GROUP_COMMUNITY: "社区",
	registrationv1.TargetGroup_TARGET_GROUP_VILLAGE:   "农村",
	registrationv1.TargetGroup_TARGET_GROUP_COMPANY:   "企业",
	registrationv1.TargetGroup_TARGET_GROUP_SCHOOL:    "学校",
	registrationv1.TargetGroup_TARGET_GROUP_PUBLIC:    "社会公众",
}

// TargetGroup names a target group.
func TargetGroup(g registrationv1.TargetGroup) string { return or(groups[g], "未注明") }

var themes = map[registrationv1.ActivityTheme]string{
	registrationv1.ActivityTheme_ACTIVITY_THEME_NONE:               "无",
	registrationv1.ActivityTheme_ACTIVITY_THEME_AGRICULTURE:        "农业科技周",
	registrationv1.ActivityTheme_ACTIVITY_THEME_METEOROLOGY:        "气象科技周",
	registrationv1.ActivityTheme_ACTIVITY_THEME_FORESTRY_GRASSLAND: "林草科技周",
	registrationv1.ActivityTheme_ACTIVITY_THEME_TRANSPORT:          "交通运输科技周",
}

// Theme names a themed week (主题科技周); 无 for none.
func Theme(t registrationv1.ActivityTheme) string { return or(themes[t], "未注明") }

var refusals = map[checkinv1.RefusalReason]string{
	checkinv1.RefusalReason_REFUSAL_REASON_ALREADY_CHECKED_IN: "已入场",
	checkinv1.RefusalReason_REFUSAL_REASON_INVALID_SIGNATURE:  "无效签名",
	checkinv1.RefusalReason_REFUSAL_REASON_WRONG_VENUE:        "场馆不符",
	checkinv1.RefusalReason_REFUSAL_REASON_NOT_YET_VALID:      "未到时间",
	checkinv1.RefusalReason_REFUSAL_REASON_EXPIRED:            "已过期",
	checkinv1.RefusalReason_REFUSAL_REASON_REVOKED:            "已撤销",
	checkinv1.RefusalReason_REFUSAL_REASON_ACTIVITY_NOT_OPEN:  "活动未开放",
	checkinv1.RefusalReason_REFUSAL_REASON_TIME_OUT_OF_RANGE:  "时间异常",
}

// Refusal names why a scan was refused.
func Refusal(r checkinv1.RefusalReason) string { return or(refusals[r], "其他") }

var levels = map[reportingv1.OccupancyLevel]string{
	reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_NORMAL:  "正常",
	reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_WARNING: "预警",
	reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_ALARM:   "告警",
}

// Level names an occupancy level.
func Level(l reportingv1.OccupancyLevel) string { return or(levels[l], "—") }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
