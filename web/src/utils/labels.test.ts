import { describe, expect, it } from 'vitest'
import {
  activityFormLabels,
  activityStatusLabels,
  activityStatusTag,
  activityThemeLabels,
  columnSourceLabels,
  defaultTheme,
  fileKindLabels,
  label,
  nominationStatusTag,
  occupancyLevelLabels,
  options,
  refusalReasonLabels,
  reportStatusLabels,
  reportStatusTag,
  roleLabels,
  signupStatusTag,
  targetGroupsText,
  terminalStateLabels,
  terminalStateTag,
  unitKindLabels,
  venueImportFieldLabels,
  venueKindLabels,
} from './labels'

describe('label', () => {
  it.each([
    [activityStatusLabels, 'ACTIVITY_STATUS_SUBMITTED', '待审核'],
    [activityStatusLabels, 'ACTIVITY_STATUS_APPROVED', '已通过'],
    [activityFormLabels, 'ACTIVITY_FORM_HANDS_ON_EXPERIMENT', '科学实验'],
    [unitKindLabels, 'UNIT_KIND_KEY_LABORATORY', '重点实验室'],
    [roleLabels, 'county_admin', '县（市、区）管理员'],
    [activityFormLabels, 'ACTIVITY_FORM_FUTURE', 'ACTIVITY_FORM_FUTURE'],
    [activityFormLabels, '', '—'],
    [activityFormLabels, undefined, '—'],
  ] as const)('%#: %s', (table, value, want) => {
    expect(label(table as Record<string, string>, value)).toBe(want)
  })
})

describe('themed weeks', () => {
  // The same rule as registration's domain.UnitKind.DefaultTheme: a themed department's
  // activities belong to its week, every other kind's to none.
  it.each([
    ['UNIT_KIND_AGRICULTURE', 'ACTIVITY_THEME_AGRICULTURE', '农业科技周'],
    ['UNIT_KIND_METEOROLOGY', 'ACTIVITY_THEME_METEOROLOGY', '气象科技周'],
    ['UNIT_KIND_FORESTRY_GRASSLAND', 'ACTIVITY_THEME_FORESTRY_GRASSLAND', '林草科技周'],
    ['UNIT_KIND_TRANSPORT', 'ACTIVITY_THEME_TRANSPORT', '交通运输科技周'],
    ['UNIT_KIND_SCHOOL', 'ACTIVITY_THEME_NONE', '无'],
    ['', 'ACTIVITY_THEME_NONE', '无'],
  ] as const)('%s', (kind, theme, name) => {
    expect(defaultTheme(kind)).toBe(theme)
    expect(activityThemeLabels[defaultTheme(kind)]).toBe(name)
  })
})

describe('tags', () => {
  it.each([
    [activityStatusTag('ACTIVITY_STATUS_APPROVED'), 'success'],
    [activityStatusTag('ACTIVITY_STATUS_SUBMITTED'), 'warning'],
    [activityStatusTag('ACTIVITY_STATUS_RETURNED'), 'danger'],
    [activityStatusTag('ACTIVITY_STATUS_DRAFT'), 'info'],
    [signupStatusTag('SIGNUP_STATUS_CONFIRMED'), 'success'],
    [signupStatusTag('SIGNUP_STATUS_WAITING'), 'warning'],
    [nominationStatusTag('NOMINATION_STATUS_ACCEPTED'), 'success'],
  ])('%s', (got, want) => {
    expect(got).toBe(want)
  })
})

describe('options and lists', () => {
  it('keeps the table order and leaves out UNSPECIFIED', () => {
    const opts = options(activityFormLabels)
    expect(opts).toHaveLength(9)
    expect(opts[0]).toEqual({ value: 'ACTIVITY_FORM_LECTURE', label: '科普讲座' })
    expect(opts.some((o) => o.value.endsWith('UNSPECIFIED'))).toBe(false)
  })

  it.each([
    [['TARGET_GROUP_YOUTH', 'TARGET_GROUP_PUBLIC'], '青少年、社会公众'],
    [[], '—'],
    [undefined, '—'],
  ] as const)('targetGroupsText(%j)', (groups, want) => {
    expect(targetGroupsText(groups as never)).toBe(want)
  })
})

describe('venue, terminal, refusal and occupancy labels', () => {
  it.each([
    [venueKindLabels, 'VENUE_KIND_PROVINCIAL_SCIENCE_BASE', '省级科普基地'],
    [venueKindLabels, 'VENUE_KIND_SCIENCE_MUSEUM', '科普场馆'],
    [venueKindLabels, 'VENUE_KIND_ONLINE', '线上'],
    [terminalStateLabels, 'TERMINAL_STATE_PENDING', '待激活'],
    [terminalStateLabels, 'TERMINAL_STATE_ACTIVE', '在用'],
    [terminalStateLabels, 'TERMINAL_STATE_REVOKED', '已吊销'],
    [refusalReasonLabels, 'REFUSAL_REASON_ALREADY_CHECKED_IN', '已入场'],
    [refusalReasonLabels, 'REFUSAL_REASON_ACTIVITY_NOT_OPEN', '活动未开放'],
    [occupancyLevelLabels, 'OCCUPANCY_LEVEL_ALARM', '告警'],
    [venueImportFieldLabels, 'safety_plan_on_file', '安全预案已备案'],
  ] as const)('%#: %s', (table, value, want) => {
    expect(label(table as Record<string, string>, value)).toBe(want)
  })

  it.each([
    [terminalStateTag('TERMINAL_STATE_ACTIVE'), 'success'],
    [terminalStateTag('TERMINAL_STATE_PENDING'), 'warning'],
    [terminalStateTag('TERMINAL_STATE_REVOKED'), 'info'],
  ])('%s', (got, want) => {
    expect(got).toBe(want)
  })

  it('every venue kind of the proto has a label', () => {
    expect(Object.keys(venueKindLabels)).toHaveLength(10)
    expect(Object.keys(refusalReasonLabels)).toHaveLength(8)
  })
})

describe('report labels', () => {
  it.each([
    [reportStatusLabels, 'REPORT_STATUS_NOT_STARTED', '未开始'],
    [reportStatusLabels, 'REPORT_STATUS_DRAFT', '草稿'],
    [reportStatusLabels, 'REPORT_STATUS_SUBMITTED', '已报送'],
    [reportStatusLabels, 'REPORT_STATUS_RETURNED', '已退回'],
    [reportStatusLabels, 'REPORT_STATUS_ACCEPTED', '已接收'],
    [reportStatusLabels, 'REPORT_STATUS_UNSPECIFIED', 'REPORT_STATUS_UNSPECIFIED'],
    [columnSourceLabels, 'COLUMN_SOURCE_COUNTED', '系统统计'],
    [columnSourceLabels, 'COLUMN_SOURCE_TYPED', '填报'],
    [fileKindLabels, 'FILE_KIND_SUMMARY', '总结报告'],
    [fileKindLabels, 'FILE_KIND_IMAGE', '图片'],
    [fileKindLabels, 'FILE_KIND_VIDEO', '视频'],
  ] as const)('%#: %s', (table, value, want) => {
    expect(label(table as Record<string, string>, value)).toBe(want)
  })

  it.each([
    ['REPORT_STATUS_NOT_STARTED', 'info'],
    ['REPORT_STATUS_DRAFT', 'primary'],
    ['REPORT_STATUS_SUBMITTED', 'warning'],
    ['REPORT_STATUS_RETURNED', 'danger'],
    ['REPORT_STATUS_ACCEPTED', 'success'],
  ] as const)('reportStatusTag(%s) = %s', (status, want) => {
    expect(reportStatusTag(status)).toBe(want)
  })
})
