// The statistics table's columns as the city admin sets them (SetReportColumns): what a counted
// column counts, in Chinese, and the checks ReportColumn makes, before saving.
import type { ColumnSource, ReportColumn } from '../api/types'
import { activityFormLabels, activityThemeLabels } from './labels'

/** The activity forms a counted column may count by (ReportColumn.metric "activities_held:<form>"). */
export const metricForms = [
  'lecture',
  'exhibition',
  'consultation',
  'online_interaction',
  'hands_on_experiment',
  'open_day',
  'scientist_spirit_talk',
  'performance_video',
  'other',
] as const

/**
 * The themes a counted column may count by (ReportColumn.metric "theme_activities_held:<theme>",
 * "theme_participations:<theme>"), none included: what the themed weeks leave of the week.
 */
export const metricThemes = ['none', 'agriculture', 'meteorology', 'forestry_grassland', 'transport'] as const

function themeLabel(theme: string): string {
  if (theme === 'none') return '非主题科技周'
  return (activityThemeLabels as Record<string, string>)[`ACTIVITY_THEME_${theme.toUpperCase()}`] ?? theme
}

export interface MetricOption {
  value: string
  label: string
  /** suggested is the column heading proposed when the metric is picked. */
  suggested: string
}

function formLabel(form: string): string {
  return (activityFormLabels as Record<string, string>)[`ACTIVITY_FORM_${form.toUpperCase()}`] ?? form
}

/** metricOptions are the metrics a counted column may have, in the proto's order. */
export const metricOptions: readonly MetricOption[] = [
  { value: 'activities_held', label: '开展活动总数', suggested: '开展活动总数（项）' },
  ...metricForms.map((f) => ({
    value: `activities_held:${f}`,
    label: `各形式开展数：${formLabel(f)}`,
    suggested: `${formLabel(f)}（项）`,
  })),
  { value: 'major_activities_held', label: '重大示范活动', suggested: '重大示范活动（项）' },
  { value: 'workers_day_activities_held', label: '科技工作者日联合活动', suggested: '与科技工作者日联合开展（项）' },
  ...metricThemes.map((k) => ({
    value: `theme_activities_held:${k}`,
    label: `主题科技周开展数：${themeLabel(k)}`,
    suggested: `${themeLabel(k)}活动（项）`,
  })),
  { value: 'participations', label: '参与人次', suggested: '参与人次（人次）' },
  { value: 'workers_day_participations', label: '科技工作者日联合活动人次', suggested: '科技工作者日联合活动（人次）' },
  ...metricThemes.map((k) => ({
    value: `theme_participations:${k}`,
    label: `主题科技周人次：${themeLabel(k)}`,
    suggested: `${themeLabel(k)}（人次）`,
  })),
  { value: 'young_people', label: '青少年人次', suggested: '青少年参与人次（人次）' },
  { value: 'venues_opened', label: '开放场馆数', suggested: '开放场馆数（个）' },
]

const metricByValue = new Map(metricOptions.map((m) => [m.value, m]))

/** metricLabel names a metric in Chinese, or returns it as is when unknown. */
export function metricLabel(metric: string | undefined): string {
  if (!metric) return '—'
  return metricByValue.get(metric)?.label ?? metric
}

export interface ColumnDraft {
  key: string
  label: string
  source: ColumnSource
  metric: string
  decimals: number
  /** saved marks a column the server has; its key stays (figures are stored under it). */
  saved: boolean
}

export function columnDrafts(columns: readonly ReportColumn[] | undefined): ColumnDraft[] {
  return (columns ?? []).map((c) => ({
    key: c.key,
    label: c.label,
    source: c.source,
    metric: c.metric ?? '',
    decimals: c.decimals ?? 0,
    saved: true,
  }))
}

/** uniqueKey returns base, or base_2, base_3 … when taken; base is made to fit the key pattern. */
export function uniqueKey(base: string, taken: readonly string[]): string {
  let b = base.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '')
  if (b === '') b = 'col'
  b = b.slice(0, 34)
  const used = new Set(taken)
  if (!used.has(b)) return b
  for (let n = 2; ; n++) {
    const k = `${b}_${n}`
    if (!used.has(k)) return k
  }
}

/** newColumn is a new typed column with a free key. */
export function newColumn(drafts: readonly ColumnDraft[]): ColumnDraft {
  return { key: uniqueKey('col', drafts.map((d) => d.key)), label: '', source: 'COLUMN_SOURCE_TYPED', metric: '', decimals: 0, saved: false }
}

/**
 * pickMetric sets a counted column's metric; a new column also takes a key after it and, when
 * its heading is empty or was the previous suggestion, the suggested heading.
 */
export function pickMetric(draft: ColumnDraft, metric: string, drafts: readonly ColumnDraft[]): void {
  const before = metricByValue.get(draft.metric)?.suggested
  draft.metric = metric
  const option = metricByValue.get(metric)
  if (option && (draft.label.trim() === '' || draft.label === before)) draft.label = option.suggested
  if (!draft.saved) {
    draft.key = uniqueKey(
      metric.replace(':', '_'),
      drafts.filter((d) => d !== draft).map((d) => d.key),
    )
  }
}

/** moveItem returns the list with the item at `from` moved to `to` (clamped). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list]
  if (from < 0 || from >= out.length) return out
  const target = Math.min(Math.max(to, 0), out.length - 1)
  const [item] = out.splice(from, 1)
  out.splice(target, 0, item as T)
  return out
}

export interface ColumnProblem {
  /** index of the column, or -1 for the table as a whole. */
  index: number
  field: 'key' | 'label' | 'source' | 'metric' | 'decimals' | 'table'
  message: string
}

const keyPattern = /^[a-z][a-z0-9_]{0,39}$/
export const MAX_COLUMNS = 60

/** checkColumns lists what SetReportColumns would refuse, in Chinese. */
export function checkColumns(drafts: readonly ColumnDraft[]): ColumnProblem[] {
  const out: ColumnProblem[] = []
  if (drafts.length === 0) out.push({ index: -1, field: 'table', message: '统计表至少需要一列' })
  if (drafts.length > MAX_COLUMNS) out.push({ index: -1, field: 'table', message: `统计表最多 ${MAX_COLUMNS} 列` })
  const seen = new Map<string, number>()
  drafts.forEach((d, i) => {
    if (!keyPattern.test(d.key)) {
      out.push({ index: i, field: 'key', message: '标识须以小写字母开头，只含小写字母、数字和下划线，最多 40 个字符' })
    } else if (seen.has(d.key)) {
      out.push({ index: i, field: 'key', message: `标识与第 ${seen.get(d.key)! + 1} 列重复` })
    } else {
      seen.set(d.key, i)
    }
    const len = [...d.label.trim()].length
    if (len === 0) out.push({ index: i, field: 'label', message: '请填写列标题' })
    else if (len > 60) out.push({ index: i, field: 'label', message: '列标题不能超过 60 字' })
    if (d.source === 'COLUMN_SOURCE_COUNTED') {
      if (!d.metric) out.push({ index: i, field: 'metric', message: '请选择统计口径' })
      else if (!metricByValue.has(d.metric)) out.push({ index: i, field: 'metric', message: `未知的统计口径：${d.metric}` })
    } else if (d.source === 'COLUMN_SOURCE_TYPED') {
      if (!Number.isInteger(d.decimals) || d.decimals < 0 || d.decimals > 4) out.push({ index: i, field: 'decimals', message: '小数位数须为 0–4' })
    } else {
      out.push({ index: i, field: 'source', message: '请选择数据来源' })
    }
  })
  return out
}

/** columnsToSave turns the drafts into SetReportColumns' columns. */
export function columnsToSave(drafts: readonly ColumnDraft[]): ReportColumn[] {
  return drafts.map((d) => {
    const counted = d.source === 'COLUMN_SOURCE_COUNTED'
    return {
      key: d.key,
      label: d.label.trim(),
      source: d.source,
      metric: counted ? d.metric : '',
      decimals: counted ? 0 : d.decimals,
    }
  })
}
