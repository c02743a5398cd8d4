// The dashboard's filter (in the URL, in the API's query strings) and the rows of its panels,
// computed from the reporting service's Dashboard message. Pure: the views and the chart options
// (dashboardCharts.ts) build on these.
import { buildQuery } from '../api/query'
import type { LiveState } from '../api/reporting'
import type {
  ActivityForm,
  ActivityTheme,
  County,
  CountyRanking,
  Dashboard,
  DashboardTotals,
  DayCount,
  FormCount,
  HourCount,
  Int64,
  OccupancyLevel,
  RefusalCount,
  TargetGroup,
  TargetGroupCount,
  ThemeCount,
  VenueOccupancy,
} from '../api/types'
import { toNumber } from './format'
import { activityFormLabels, activityThemeLabels, label, refusalReasonLabels, targetGroupLabels } from './labels'

// ---- the filter -----------------------------------------------------------------------------

/** The filter as the page edits it: "" keeps all. */
export interface DashboardFilterModel {
  county_code: string
  /** YYYY-MM-DD or "". */
  from_day: string
  to_day: string
  form: ActivityForm | ''
  target_group: TargetGroup | ''
  /** workers_day keeps the activities held jointly with Science and Technology Workers' Day. */
  workers_day: boolean
  /** theme keeps one themed week's activities (ACTIVITY_THEME_NONE: those of none). */
  theme: ActivityTheme | ''
}

export function emptyFilter(county = ''): DashboardFilterModel {
  return { county_code: county, from_day: '', to_day: '', form: '', target_group: '', workers_day: false, theme: '' }
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/
const countyPattern = /^\d{6}$/

function one(value: unknown): string {
  if (Array.isArray(value)) value = value[0]
  return typeof value === 'string' ? value : ''
}

/**
 * filterFromRouteQuery reads the filter from the page's URL (?county=&from=&to=&form=&target=),
 * dropping what is not valid. lockedCounty (a county admin's county) wins over ?county=.
 */
export function filterFromRouteQuery(query: Record<string, unknown>, lockedCounty = ''): DashboardFilterModel {
  const county = one(query.county)
  let from = one(query.from)
  let to = one(query.to)
  if (!dayPattern.test(from)) from = ''
  if (!dayPattern.test(to)) to = ''
  if (from && to && from > to) [from, to] = [to, from]
  const form = one(query.form)
  const target = one(query.target)
  const theme = one(query.theme)
  return {
    county_code: lockedCounty || (countyPattern.test(county) ? county : ''),
    from_day: from,
    to_day: to,
    form: form in activityFormLabels ? (form as ActivityForm) : '',
    target_group: target in targetGroupLabels ? (target as TargetGroup) : '',
    workers_day: one(query.wd) === '1',
    theme: theme in activityThemeLabels ? (theme as ActivityTheme) : '',
  }
}

/** filterToRouteQuery is the inverse of filterFromRouteQuery: only the set fields. */
export function filterToRouteQuery(f: DashboardFilterModel): Record<string, string> {
  const out: Record<string, string> = {}
  if (f.county_code) out.county = f.county_code
  if (f.from_day) out.from = f.from_day
  if (f.to_day) out.to = f.to_day
  if (f.form) out.form = f.form
  if (f.target_group) out.target = f.target_group
  if (f.workers_day) out.wd = '1'
  if (f.theme) out.theme = f.theme
  return out
}

/** sameFilter says whether two filters keep the same figures. */
export function sameFilter(a: DashboardFilterModel, b: DashboardFilterModel): boolean {
  return (
    a.county_code === b.county_code &&
    a.from_day === b.from_day &&
    a.to_day === b.to_day &&
    a.form === b.form &&
    a.target_group === b.target_group &&
    a.workers_day === b.workers_day &&
    a.theme === b.theme
  )
}

/** dashboardApiQuery is GetDashboard's query: the filter's fields under "filter.". */
export function dashboardApiQuery(f: DashboardFilterModel): Record<string, string> {
  return {
    'filter.county_code': f.county_code,
    'filter.from_day': f.from_day,
    'filter.to_day': f.to_day,
    'filter.form': f.form,
    'filter.target_group': f.target_group,
    'filter.workers_day': f.workers_day ? 'true' : '',
    'filter.theme': f.theme,
  }
}

function gatewayQuery(editionId: string, f: DashboardFilterModel): string {
  return buildQuery({
    edition: editionId,
    county_code: f.county_code,
    from_day: f.from_day,
    to_day: f.to_day,
    form: f.form,
    target_group: f.target_group,
    workers_day: f.workers_day,
    theme: f.theme,
  })
}

/** dashboardEventsUrl is the gateway's server-sent event stream of the dashboard. */
export function dashboardEventsUrl(editionId: string, f: DashboardFilterModel): string {
  return `/events/dashboard${gatewayQuery(editionId, f)}`
}

/** dashboardXlsxUrl downloads the current view as an Excel file. */
export function dashboardXlsxUrl(editionId: string, f: DashboardFilterModel): string {
  return `/download/dashboard.xlsx${gatewayQuery(editionId, f)}`
}

/** liveText is the live indicator's text. */
export function liveText(state: LiveState): string {
  switch (state) {
    case 'live':
      return '实时'
    case 'connecting':
      return '正在连接…'
    default:
      return '正在重新连接…'
  }
}

// ---- the headline figures -------------------------------------------------------------------

export type Totals = Record<keyof DashboardTotals, number>

const totalKeys: (keyof DashboardTotals)[] = [
  'participations',
  'ticketed',
  'walk_ins',
  'young_people',
  'adults',
  'science_workers',
  'volunteers',
  'distinct_people',
  'today',
  'yesterday',
  'refused_scans',
  'activities_planned',
  'activities_held',
  'online_activities',
  'venues_opened',
  'workers_day_activities',
  'workers_day_held',
  'workers_day_participations',
]

/** totalsOf reads the headline figures as numbers; a missing dashboard reads as zeros. */
export function totalsOf(d: Pick<Dashboard, 'totals'> | null | undefined): Totals {
  const out = {} as Totals
  for (const k of totalKeys) out[k] = toNumber(d?.totals?.[k])
  return out
}

/** share is part of whole in percent, one decimal; null when whole is 0. */
export function share(part: number, whole: number): number | null {
  if (!whole) return null
  return Math.round((part / whole) * 1000) / 10
}

/** percentText prints a share as "23.5%", or "—" when there is none. */
export function percentText(p: number | null): string {
  return p === null ? '—' : `${p}%`
}

export interface DayChange {
  diff: number
  /** percent change against yesterday; null when yesterday had none. */
  percent: number | null
  text: string
  trend: 'up' | 'down' | 'flat'
}

/** dayChange compares today with yesterday: "较昨日 +12（+5.3%）". */
export function dayChange(today: number, yesterday: number): DayChange {
  const diff = today - yesterday
  const percent = yesterday ? Math.round((diff / yesterday) * 1000) / 10 : null
  if (diff === 0) return { diff, percent, text: '与昨日持平', trend: 'flat' }
  const sign = diff > 0 ? '+' : '−'
  const abs = Math.abs(diff).toLocaleString('zh-CN')
  const pct = percent === null ? '' : `（${sign}${Math.abs(percent)}%）`
  return { diff, percent, text: `较昨日 ${sign}${abs}${pct}`, trend: diff > 0 ? 'up' : 'down' }
}

// ---- counties -------------------------------------------------------------------------------

export interface CountyRow {
  code: string
  name: string
  participations: number
  today: number
  youngPeople: number
  activitiesPlanned: number
  activitiesHeld: number
  venuesOpened: number
}

function countyRow(c: CountyRanking, name: string): CountyRow {
  return {
    code: c.county_code,
    name,
    participations: toNumber(c.participations),
    today: toNumber(c.today),
    youngPeople: toNumber(c.young_people),
    activitiesPlanned: toNumber(c.activities_planned),
    activitiesHeld: toNumber(c.activities_held),
    venuesOpened: toNumber(c.venues_opened),
  }
}

/**
 * countyRankingRows are the ranking's counties, largest first as the service sent them, then the
 * edition's other counties at zero (a county without check-ins is still on the list).
 * onlyCounty keeps one county (a filtered or county admin's view).
 */
export function countyRankingRows(ranking: readonly CountyRanking[] | null | undefined, counties: readonly County[], onlyCounty = ''): CountyRow[] {
  const names = new Map(counties.map((c) => [c.code, c.name]))
  const rows = (ranking ?? []).map((c) => countyRow(c, c.county_name || names.get(c.county_code) || c.county_code))
  const seen = new Set(rows.map((r) => r.code))
  for (const c of counties) {
    if (!seen.has(c.code)) {
      rows.push({ code: c.code, name: c.name, participations: 0, today: 0, youngPeople: 0, activitiesPlanned: 0, activitiesHeld: 0, venuesOpened: 0 })
    }
  }
  return onlyCounty ? rows.filter((r) => r.code === onlyCounty) : rows
}

// ---- hours and days -------------------------------------------------------------------------

export interface HourPoint {
  /** YYYY-MM-DDTHH */
  hour: string
  /** "05-25 09时" */
  label: string
  participations: number
}

const hourPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/
/** At most this many hours are filled in (40 days); longer spans keep the points as sent. */
const MAX_FILLED_HOURS = 24 * 40

function hourKey(t: number): string {
  const d = new Date(t)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}`
}

function hourLabel(hour: string): string {
  const m = hourPattern.exec(hour)
  return m ? `${m[2]}-${m[3]} ${m[4]}时` : hour
}

function hourInstant(hour: string): number | null {
  const m = hourPattern.exec(hour)
  if (!m) return null
  // The hours are the city's wall clock; counting them as UTC steps through them one by one.
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]))
}

/**
 * fillHours turns by_hour (only the hours with anyone) into a continuous series from the first
 * hour to the last, the hours between at zero, so the chart's time axis is even.
 */
export function fillHours(byHour: readonly HourCount[] | null | undefined): HourPoint[] {
  const points = (byHour ?? []).filter((h) => hourPattern.test(h.hour)).sort((a, b) => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : 0))
  if (points.length === 0) return []
  const counts = new Map<string, number>()
  for (const p of points) counts.set(p.hour, (counts.get(p.hour) ?? 0) + toNumber(p.participations))
  const first = hourInstant(points[0]!.hour)!
  const last = hourInstant(points[points.length - 1]!.hour)!
  const span = (last - first) / 3_600_000
  const keys = span > MAX_FILLED_HOURS ? [...counts.keys()] : Array.from({ length: span + 1 }, (_, i) => hourKey(first + i * 3_600_000))
  return keys.map((hour) => ({ hour, label: hourLabel(hour), participations: counts.get(hour) ?? 0 }))
}

export interface DayRow {
  day: string
  /** "5月25日" */
  label: string
  participations: number
  youngPeople: number
}

export function dayRows(byDay: readonly DayCount[] | null | undefined): DayRow[] {
  return (byDay ?? []).map((d) => {
    const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(d.day)
    return {
      day: d.day,
      label: m ? `${Number(m[1])}月${Number(m[2])}日` : d.day,
      participations: toNumber(d.participations),
      youngPeople: toNumber(d.young_people),
    }
  })
}

// ---- forms, target groups, refusals ---------------------------------------------------------

export interface FormRow {
  form: ActivityForm
  name: string
  planned: number
  held: number
  participations: number
}

export function formRows(forms: readonly FormCount[] | null | undefined): FormRow[] {
  return (forms ?? []).map((f) => ({
    form: f.form,
    name: f.form === 'ACTIVITY_FORM_UNSPECIFIED' ? '未注明' : label(activityFormLabels, f.form),
    planned: toNumber(f.activities_planned),
    held: toNumber(f.activities_held),
    participations: toNumber(f.participations),
  }))
}

export interface TargetGroupRow {
  group: TargetGroup
  name: string
  planned: number
  participations: number
}

export function targetGroupRows(groups: readonly TargetGroupCount[] | null | undefined): TargetGroupRow[] {
  return (groups ?? []).map((g) => ({
    group: g.target_group,
    name: g.target_group === 'TARGET_GROUP_UNSPECIFIED' ? '未注明' : label(targetGroupLabels, g.target_group),
    planned: toNumber(g.activities_planned),
    participations: toNumber(g.participations),
  }))
}

export interface ThemeRow {
  theme: ActivityTheme
  name: string
  planned: number
  held: number
  participations: number
}

/** themeRows name the themed weeks' figures, in the order sent (none first); they add up to the totals. */
export function themeRows(themes: readonly ThemeCount[] | null | undefined): ThemeRow[] {
  return (themes ?? []).map((k) => ({
    theme: k.theme,
    name: label(activityThemeLabels, k.theme),
    planned: toNumber(k.activities_planned),
    held: toNumber(k.activities_held),
    participations: toNumber(k.participations),
  }))
}

export interface RefusalRow {
  reason: string
  name: string
  refused: number
}

/** refusalRows name the refused scans' reasons, most first as sent; empty reasons are dropped. */
export function refusalRows(refusals: readonly RefusalCount[] | null | undefined): RefusalRow[] {
  return (refusals ?? [])
    .filter((r) => toNumber(r.refused) > 0)
    .map((r) => ({
      reason: r.reason,
      name: r.reason === 'REFUSAL_REASON_UNSPECIFIED' ? '其他' : label(refusalReasonLabels, r.reason),
      refused: toNumber(r.refused),
    }))
}

// ---- occupancy ------------------------------------------------------------------------------

export type Level = 'normal' | 'warning' | 'alarm'

/** occupancyPercent is inside over safe capacity, in percent with one decimal; null without capacity. */
export function occupancyPercent(inside: Int64 | number, safeCapacity: number): number | null {
  if (!safeCapacity) return null
  return Math.round((toNumber(inside) / safeCapacity) * 1000) / 10
}

const levelOf: Record<OccupancyLevel, Level | null> = {
  OCCUPANCY_LEVEL_UNSPECIFIED: null,
  OCCUPANCY_LEVEL_NORMAL: 'normal',
  OCCUPANCY_LEVEL_WARNING: 'warning',
  OCCUPANCY_LEVEL_ALARM: 'alarm',
}

/**
 * occupancyLevel is the service's level of a venue; when it sends none, the level is worked out
 * from the venue's thresholds (0 meaning 80% and 100%), as the service does.
 */
export function occupancyLevel(v: Pick<VenueOccupancy, 'level' | 'inside' | 'safe_capacity' | 'warn_percent' | 'alarm_percent'>): Level {
  const sent = levelOf[v.level]
  if (sent) return sent
  const pct = occupancyPercent(v.inside, v.safe_capacity)
  if (pct === null) return 'normal'
  if (pct >= (v.alarm_percent || 100)) return 'alarm'
  if (pct >= (v.warn_percent || 80)) return 'warning'
  return 'normal'
}

export const levelColors: Record<Level, string> = { normal: '#16a34a', warning: '#f59e0b', alarm: '#dc2626' }
export const levelNames: Record<Level, string> = { normal: '正常', warning: '预警', alarm: '告警' }

export interface OccupancyRow {
  id: string
  name: string
  countyCode: string
  inside: number
  capacity: number
  /** null when the venue has no safe capacity on file. */
  percent: number | null
  warn: number
  alarm: number
  level: Level
  /** "1,200 / 1,500 人 · 80%" or "35 人 · 未设安全容量" */
  text: string
  /** The same, shorter, for the big screen's bar labels: "80% · 1,200/1,500" or "35 人 · 未设容量". */
  shortText: string
  /** Doors that admitted people at the alarm level after their staff confirmed, most first. */
  overCapacity: { terminalId: string; admitted: number }[]
}

export function occupancyRows(venues: readonly VenueOccupancy[] | null | undefined): OccupancyRow[] {
  return (venues ?? []).map((v) => {
    const inside = toNumber(v.inside)
    const percent = occupancyPercent(inside, v.safe_capacity)
    const people = inside.toLocaleString('zh-CN')
    return {
      id: v.venue_id,
      name: v.venue_name || v.venue_id,
      countyCode: v.county_code,
      inside,
      capacity: v.safe_capacity,
      percent,
      warn: v.warn_percent || 80,
      alarm: v.alarm_percent || 100,
      level: occupancyLevel(v),
      text: percent === null ? `${people} 人 · 未设安全容量` : `${people} / ${v.safe_capacity.toLocaleString('zh-CN')} 人 · ${percent}%`,
      shortText: percent === null ? `${people} 人 · 未设容量` : `${percent}% · ${people}/${v.safe_capacity.toLocaleString('zh-CN')}`,
      overCapacity: (v.over_capacity_doors ?? []).map((d) => ({ terminalId: d.terminal_id, admitted: toNumber(d.admitted) })),
    }
  })
}

/** shiftDay moves a YYYY-MM-DD day by n days on the calendar; "" for text that is not a day. */
export function shiftDay(day: string, n: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return ''
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n))
  return d.toISOString().slice(0, 10)
}

/** filterSummary describes a filter in words for the big screen's heading: "5月25日—5月27日 · 科普讲座". */
export function filterSummary(f: DashboardFilterModel, countyLabel: string): string {
  const parts: string[] = [countyLabel]
  const day = (s: string) => {
    const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(s)
    return m ? `${Number(m[1])}月${Number(m[2])}日` : s
  }
  if (f.from_day && f.to_day) parts.push(f.from_day === f.to_day ? day(f.from_day) : `${day(f.from_day)}—${day(f.to_day)}`)
  else if (f.from_day) parts.push(`${day(f.from_day)}起`)
  else if (f.to_day) parts.push(`截至${day(f.to_day)}`)
  if (f.form) parts.push(label(activityFormLabels, f.form))
  if (f.target_group) parts.push(`面向${label(targetGroupLabels, f.target_group)}`)
  if (f.workers_day) parts.push('科技工作者日联合活动')
  if (f.theme) parts.push(f.theme === 'ACTIVITY_THEME_NONE' ? '不属于主题科技周' : label(activityThemeLabels, f.theme))
  return parts.join(' · ')
}
