import { describe, expect, it } from 'vitest'
import type { CountyRanking, Dashboard, HourCount, VenueOccupancy } from '../api/types'
import {
  countyRankingRows,
  dashboardApiQuery,
  dashboardEventsUrl,
  dashboardXlsxUrl,
  dayChange,
  dayRows,
  emptyFilter,
  fillHours,
  filterFromRouteQuery,
  filterSummary,
  filterToRouteQuery,
  formRows,
  liveText,
  occupancyLevel,
  occupancyPercent,
  occupancyRows,
  percentText,
  refusalRows,
  sameFilter,
  share,
  shiftDay,
  targetGroupRows,
  themeRows,
  totalsOf,
  type DashboardFilterModel,
} from './dashboard'

const full: DashboardFilterModel = {
  county_code: '140105',
  from_day: '2024-05-25',
  to_day: '2024-05-27',
  form: 'ACTIVITY_FORM_LECTURE',
  target_group: 'TARGET_GROUP_YOUTH',
  workers_day: true,
  theme: 'ACTIVITY_THEME_METEOROLOGY',
}

describe('filterFromRouteQuery', () => {
  it.each<{ name: string; query: Record<string, unknown>; locked: string; want: DashboardFilterModel }>([
    { name: 'empty', query: {}, locked: '', want: emptyFilter() },
    {
      name: 'everything',
      query: { county: '140105', from: '2024-05-25', to: '2024-05-27', form: 'ACTIVITY_FORM_LECTURE', target: 'TARGET_GROUP_YOUTH', wd: '1', theme: 'ACTIVITY_THEME_METEOROLOGY' },
      locked: '',
      want: full,
    },
    {
      name: 'a county admin keeps their county',
      query: { county: '140106' },
      locked: '140105',
      want: emptyFilter('140105'),
    },
    {
      name: 'junk is dropped',
      query: { county: 'abc', from: '25/05/2024', to: '2024-5-27', form: 'ACTIVITY_FORM_UNSPECIFIED', target: 'x', theme: 'ACTIVITY_THEME_UNSPECIFIED' },
      locked: '',
      want: emptyFilter(),
    },
    {
      name: 'days in the wrong order are swapped',
      query: { from: '2024-05-30', to: '2024-05-26' },
      locked: '',
      want: { ...emptyFilter(), from_day: '2024-05-26', to_day: '2024-05-30' },
    },
    { name: 'repeated parameters: the first', query: { county: ['140106', '140105'] }, locked: '', want: emptyFilter('140106') },
  ])('$name', ({ query, locked, want }) => {
    expect(filterFromRouteQuery(query, locked)).toEqual(want)
  })

  it('round trip through the URL', () => {
    expect(filterFromRouteQuery(filterToRouteQuery(full))).toEqual(full)
    expect(filterToRouteQuery(emptyFilter())).toEqual({})
  })
})

describe('sameFilter', () => {
  it.each([
    { a: full, b: { ...full }, want: true },
    { a: full, b: { ...full, to_day: '' }, want: false },
    { a: emptyFilter(), b: emptyFilter(), want: true },
  ])('%#', ({ a, b, want }) => {
    expect(sameFilter(a, b)).toBe(want)
  })
})

describe('URLs and queries', () => {
  it.each([
    { name: 'events, no filter', got: dashboardEventsUrl('2024', emptyFilter()), want: '/events/dashboard?edition=2024' },
    {
      name: 'events, full filter',
      got: dashboardEventsUrl('2024', full),
      want: '/events/dashboard?edition=2024&county_code=140105&from_day=2024-05-25&to_day=2024-05-27&form=ACTIVITY_FORM_LECTURE&target_group=TARGET_GROUP_YOUTH&workers_day=true&theme=ACTIVITY_THEME_METEOROLOGY',
    },
    { name: 'xlsx, county only', got: dashboardXlsxUrl('2025', emptyFilter('140106')), want: '/download/dashboard.xlsx?edition=2025&county_code=140106' },
  ])('$name', ({ got, want }) => {
    expect(got).toBe(want)
  })

  it('GetDashboard query names the filter fields', () => {
    expect(dashboardApiQuery(full)).toEqual({
      'filter.county_code': '140105',
      'filter.from_day': '2024-05-25',
      'filter.to_day': '2024-05-27',
      'filter.form': 'ACTIVITY_FORM_LECTURE',
      'filter.target_group': 'TARGET_GROUP_YOUTH',
      'filter.workers_day': 'true',
      'filter.theme': 'ACTIVITY_THEME_METEOROLOGY',
    })
  })
})

describe('themeRows', () => {
  it('names every theme, none first, with its figures', () => {
    const rows = themeRows([
      { theme: 'ACTIVITY_THEME_NONE', activities_planned: '2', activities_held: '1', participations: '11' },
      { theme: 'ACTIVITY_THEME_METEOROLOGY', activities_planned: '1', activities_held: '1', participations: '48' },
    ])
    expect(rows).toEqual([
      { theme: 'ACTIVITY_THEME_NONE', name: '无', planned: 2, held: 1, participations: 11 },
      { theme: 'ACTIVITY_THEME_METEOROLOGY', name: '气象科技周', planned: 1, held: 1, participations: 48 },
    ])
    expect(themeRows(undefined)).toEqual([])
  })
})

describe('liveText', () => {
  it.each([
    ['live', '实时'],
    ['connecting', '正在连接…'],
    ['reconnecting', '正在重新连接…'],
    ['closed', '正在重新连接…'],
  ] as const)('%s', (state, want) => {
    expect(liveText(state)).toBe(want)
  })
})

describe('totals, shares and the day change', () => {
  it('reads int64 strings; no dashboard reads as zeros', () => {
    expect(totalsOf(null).participations).toBe(0)
    const t = totalsOf({ totals: { participations: '1200', young_people: '300', today: '50' } } as unknown as Dashboard)
    expect([t.participations, t.young_people, t.today, t.walk_ins]).toEqual([1200, 300, 50, 0])
  })

  it.each([
    { part: 300, whole: 1200, want: 25, text: '25%' },
    { part: 1, whole: 3, want: 33.3, text: '33.3%' },
    { part: 0, whole: 0, want: null, text: '—' },
    { part: 5, whole: 5, want: 100, text: '100%' },
  ])('share $part of $whole', ({ part, whole, want, text }) => {
    expect(share(part, whole)).toBe(want)
    expect(percentText(share(part, whole))).toBe(text)
  })

  it.each([
    { today: 120, yesterday: 100, text: '较昨日 +20（+20%）', trend: 'up' },
    { today: 80, yesterday: 100, text: '较昨日 −20（−20%）', trend: 'down' },
    { today: 1500, yesterday: 0, text: '较昨日 +1,500', trend: 'up' },
    { today: 7, yesterday: 7, text: '与昨日持平', trend: 'flat' },
    { today: 0, yesterday: 3, text: '较昨日 −3（−100%）', trend: 'down' },
  ])('$today vs $yesterday', ({ today, yesterday, text, trend }) => {
    const c = dayChange(today, yesterday)
    expect(c.text).toBe(text)
    expect(c.trend).toBe(trend)
    expect(c.diff).toBe(today - yesterday)
  })
})

describe('countyRankingRows', () => {
  const counties = [
    { code: '140105', name: '小店区' },
    { code: '140106', name: '迎泽区' },
    { code: '140107', name: '杏花岭区' },
  ]
  const rank = (code: string, name: string, n: number): CountyRanking => ({
    county_code: code,
    county_name: name,
    participations: String(n),
    today: '1',
    young_people: '0',
    activities_planned: '2',
    activities_held: '1',
    venues_opened: '1',
  })
  it.each([
    { name: 'no ranking: every county at zero', ranking: null, only: '', want: [['140105', '小店区', 0], ['140106', '迎泽区', 0], ['140107', '杏花岭区', 0]] },
    {
      name: 'ranking order first, the rest after',
      ranking: [rank('140107', '杏花岭区', 90), rank('140105', '小店区', 40)],
      only: '',
      want: [['140107', '杏花岭区', 90], ['140105', '小店区', 40], ['140106', '迎泽区', 0]],
    },
    { name: 'missing name from the edition', ranking: [rank('140106', '', 5)], only: '', want: [['140106', '迎泽区', 5], ['140105', '小店区', 0], ['140107', '杏花岭区', 0]] },
    { name: 'unknown county under its code', ranking: [rank('149999', '', 5)], only: '', want: [['149999', '149999', 5], ['140105', '小店区', 0], ['140106', '迎泽区', 0], ['140107', '杏花岭区', 0]] },
    { name: 'one county', ranking: [rank('140107', '杏花岭区', 90)], only: '140106', want: [['140106', '迎泽区', 0]] },
  ])('$name', ({ ranking, only, want }) => {
    expect(countyRankingRows(ranking, counties, only).map((r) => [r.code, r.name, r.participations])).toEqual(want)
  })
})

describe('fillHours', () => {
  const h = (hour: string, n: number): HourCount => ({ hour, participations: String(n) })
  it.each([
    { name: 'none', hours: [], want: [] },
    { name: 'one', hours: [h('2024-05-25T09', 3)], want: [['2024-05-25T09', '05-25 09时', 3]] },
    {
      name: 'gaps filled, order fixed',
      hours: [h('2024-05-25T12', 4), h('2024-05-25T09', 3)],
      want: [
        ['2024-05-25T09', '05-25 09时', 3],
        ['2024-05-25T10', '05-25 10时', 0],
        ['2024-05-25T11', '05-25 11时', 0],
        ['2024-05-25T12', '05-25 12时', 4],
      ],
    },
    {
      name: 'across midnight and the month',
      hours: [h('2024-05-31T23', 1), h('2024-06-01T01', 2)],
      want: [
        ['2024-05-31T23', '05-31 23时', 1],
        ['2024-06-01T00', '06-01 00时', 0],
        ['2024-06-01T01', '06-01 01时', 2],
      ],
    },
    { name: 'bad hours are skipped', hours: [h('2024-05-25 09', 9), h('2024-05-25T09', 1)], want: [['2024-05-25T09', '05-25 09时', 1]] },
  ])('$name', ({ hours, want }) => {
    expect(fillHours(hours).map((p) => [p.hour, p.label, p.participations])).toEqual(want)
  })

  it('a span too long keeps the points as sent', () => {
    const got = fillHours([h('2024-01-01T00', 1), h('2024-05-01T00', 2)])
    expect(got.map((p) => p.hour)).toEqual(['2024-01-01T00', '2024-05-01T00'])
  })
})

describe('day, form, target group and refusal rows', () => {
  it('days', () => {
    expect(dayRows([{ day: '2024-05-25', participations: '10', young_people: '4' }])).toEqual([
      { day: '2024-05-25', label: '5月25日', participations: 10, youngPeople: 4 },
    ])
  })

  it.each([
    { form: 'ACTIVITY_FORM_LECTURE', name: '科普讲座' },
    { form: 'ACTIVITY_FORM_HANDS_ON_EXPERIMENT', name: '科学实验' },
    { form: 'ACTIVITY_FORM_UNSPECIFIED', name: '未注明' },
  ] as const)('form $form', ({ form, name }) => {
    const [row] = formRows([{ form, activities_planned: '5', activities_held: '3', participations: '200' }])
    expect(row).toEqual({ form, name, planned: 5, held: 3, participations: 200 })
  })

  it.each([
    { group: 'TARGET_GROUP_YOUTH', name: '青少年' },
    { group: 'TARGET_GROUP_PUBLIC', name: '社会公众' },
    { group: 'TARGET_GROUP_UNSPECIFIED', name: '未注明' },
  ] as const)('target group $group', ({ group, name }) => {
    expect(targetGroupRows([{ target_group: group, activities_planned: '2', participations: '9' }])[0]).toEqual({ group, name, planned: 2, participations: 9 })
  })

  it.each([
    { reason: 'REFUSAL_REASON_ALREADY_CHECKED_IN', name: '已入场' },
    { reason: 'REFUSAL_REASON_INVALID_SIGNATURE', name: '无效签名' },
    { reason: 'REFUSAL_REASON_WRONG_VENUE', name: '场馆不符' },
    { reason: 'REFUSAL_REASON_NOT_YET_VALID', name: '未到时间' },
    { reason: 'REFUSAL_REASON_EXPIRED', name: '已过期' },
    { reason: 'REFUSAL_REASON_REVOKED', name: '已撤销' },
    { reason: 'REFUSAL_REASON_ACTIVITY_NOT_OPEN', name: '活动未开放' },
  ] as const)('refusal $reason', ({ reason, name }) => {
    expect(refusalRows([{ reason, refused: '4' }])).toEqual([{ reason, name, refused: 4 }])
  })

  it('refusals at zero are dropped', () => {
    expect(refusalRows([{ reason: 'REFUSAL_REASON_EXPIRED', refused: '0' }])).toEqual([])
  })
})

describe('occupancy', () => {
  const v = (patch: Partial<VenueOccupancy>): VenueOccupancy => ({
    venue_id: 'v1',
    venue_name: '科技馆',
    county_code: '140105',
    inside: '0',
    entered_today: '0',
    safe_capacity: 100,
    warn_percent: 80,
    alarm_percent: 100,
    level: 'OCCUPANCY_LEVEL_UNSPECIFIED',
    updated_at: null,
    over_capacity_doors: [],
    ...patch,
  })

  it.each([
    { inside: '50', cap: 200, want: 25 },
    { inside: '1', cap: 3, want: 33.3 },
    { inside: '150', cap: 100, want: 150 },
    { inside: '5', cap: 0, want: null },
  ])('$inside of $cap', ({ inside, cap, want }) => {
    expect(occupancyPercent(inside, cap)).toBe(want)
  })

  it.each([
    { name: "the service's level wins", patch: { inside: '10', level: 'OCCUPANCY_LEVEL_ALARM' as const }, want: 'alarm' },
    { name: 'below warning', patch: { inside: '79' }, want: 'normal' },
    { name: 'at warning', patch: { inside: '80' }, want: 'warning' },
    { name: 'at alarm', patch: { inside: '100' }, want: 'alarm' },
    { name: 'own thresholds', patch: { inside: '60', warn_percent: 50, alarm_percent: 60 }, want: 'alarm' },
    { name: 'thresholds of 0 are the defaults', patch: { inside: '85', warn_percent: 0, alarm_percent: 0 }, want: 'warning' },
    { name: 'no capacity', patch: { inside: '5000', safe_capacity: 0 }, want: 'normal' },
  ])('$name', ({ patch, want }) => {
    expect(occupancyLevel(v(patch))).toBe(want)
  })

  it.each([
    { patch: { inside: '1200', safe_capacity: 1500, level: 'OCCUPANCY_LEVEL_WARNING' as const }, text: '1,200 / 1,500 人 · 80%', short: '80% · 1,200/1,500', level: 'warning', percent: 80 },
    { patch: { inside: '35', safe_capacity: 0 }, text: '35 人 · 未设安全容量', short: '35 人 · 未设容量', level: 'normal', percent: null },
    { patch: { venue_name: '', inside: '3' }, text: '3 / 100 人 · 3%', short: '3% · 3/100', level: 'normal', percent: 3 },
  ])('row text $text', ({ patch, text, short, level, percent }) => {
    const [row] = occupancyRows([v(patch)])
    expect(row?.text).toBe(text)
    expect(row?.shortText).toBe(short)
    expect(row?.level).toBe(level)
    expect(row?.percent).toBe(percent)
    expect(row?.name).toBe(patch.venue_name === '' ? 'v1' : '科技馆')
    expect(row?.overCapacity).toEqual([])
  })

  it('lists the doors that admitted at the alarm level, with int64 figures as numbers', () => {
    const [row] = occupancyRows([v({ over_capacity_doors: [{ terminal_id: 't1', admitted: '3' }, { terminal_id: 't2', admitted: '1' }] })])
    expect(row?.overCapacity).toEqual([
      { terminalId: 't1', admitted: 3 },
      { terminalId: 't2', admitted: 1 },
    ])
  })
})

describe('shiftDay and filterSummary', () => {
  it.each([
    { day: '2024-05-25', n: -1, want: '2024-05-24' },
    { day: '2024-06-01', n: -1, want: '2024-05-31' },
    { day: '2024-12-31', n: 1, want: '2025-01-01' },
    { day: 'x', n: 1, want: '' },
  ])('$day $n', ({ day, n, want }) => {
    expect(shiftDay(day, n)).toBe(want)
  })

  it.each([
    { f: emptyFilter(), want: '全市' },
    { f: full, want: '小店区 · 5月25日—5月27日 · 科普讲座 · 面向青少年 · 科技工作者日联合活动 · 气象科技周' },
    { f: { ...emptyFilter(), from_day: '2024-05-25', to_day: '2024-05-25' }, want: '全市 · 5月25日' },
    { f: { ...emptyFilter(), from_day: '2024-05-25' }, want: '全市 · 5月25日起' },
    { f: { ...emptyFilter(), to_day: '2024-05-28' }, want: '全市 · 截至5月28日' },
  ])('$want', ({ f, want }) => {
    expect(filterSummary(f, f.county_code ? '小店区' : '全市')).toBe(want)
  })
})
