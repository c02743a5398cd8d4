import { describe, expect, it } from 'vitest'
import {
  checkColumns,
  columnDrafts,
  columnsToSave,
  metricLabel,
  metricOptions,
  moveItem,
  newColumn,
  pickMetric,
  uniqueKey,
  type ColumnDraft,
} from './reportColumns'

const draft = (fields: Partial<ColumnDraft>): ColumnDraft => ({
  key: 'media_reports',
  label: '媒体报道（篇）',
  source: 'COLUMN_SOURCE_TYPED',
  metric: '',
  decimals: 0,
  saved: false,
  ...fields,
})

describe('metrics', () => {
  it('lists every metric of the proto', () => {
    expect(metricOptions).toHaveLength(26)
    expect(metricOptions.map((m) => m.value)).toContain('theme_participations:forestry_grassland')
    expect(metricOptions.map((m) => m.value)).toContain('activities_held:scientist_spirit_talk')
  })

  it.each<[string | undefined, string]>([
    ['activities_held', '开展活动总数'],
    ['activities_held:lecture', '各形式开展数：科普讲座'],
    ['activities_held:hands_on_experiment', '各形式开展数：科学实验'],
    ['activities_held:performance_video', '各形式开展数：表演/微视频'],
    ['major_activities_held', '重大示范活动'],
    ['participations', '参与人次'],
    ['workers_day_participations', '科技工作者日联合活动人次'],
    ['theme_activities_held:meteorology', '主题科技周开展数：气象科技周'],
    ['theme_participations:transport', '主题科技周人次：交通运输科技周'],
    ['theme_participations:none', '主题科技周人次：非主题科技周'],
    ['young_people', '青少年人次'],
    ['venues_opened', '开放场馆数'],
    ['future_metric', 'future_metric'],
    ['', '—'],
    [undefined, '—'],
  ])('metricLabel(%j) = %s', (metric, want) => {
    expect(metricLabel(metric)).toBe(want)
  })
})

describe('keys', () => {
  it.each<{ base: string; taken: string[]; want: string }>([
    { base: 'col', taken: [], want: 'col' },
    { base: 'col', taken: ['col'], want: 'col_2' },
    { base: 'col', taken: ['col', 'col_2'], want: 'col_3' },
    { base: 'activities_held_lecture', taken: [], want: 'activities_held_lecture' },
    { base: 'Funds-2024', taken: [], want: 'funds_2024' },
    { base: '2024', taken: [], want: 'col' },
    { base: '经费', taken: [], want: 'col' },
    { base: 'x'.repeat(50), taken: [], want: 'x'.repeat(34) },
  ])('uniqueKey($base, $taken) = $want', ({ base, taken, want }) => {
    expect(uniqueKey(base, taken)).toBe(want)
  })

  it('newColumn is typed with a free key', () => {
    expect(newColumn([draft({ key: 'col' })])).toEqual({ key: 'col_2', label: '', source: 'COLUMN_SOURCE_TYPED', metric: '', decimals: 0, saved: false })
  })
})

describe('pickMetric', () => {
  it('names a new column after its metric', () => {
    const d = draft({ key: 'col', label: '', source: 'COLUMN_SOURCE_COUNTED' })
    const others = [draft({ key: 'activities_held_lecture', saved: true }), d]
    pickMetric(d, 'activities_held:lecture', others)
    expect(d).toMatchObject({ metric: 'activities_held:lecture', key: 'activities_held_lecture_2', label: '科普讲座（项）' })
    pickMetric(d, 'participations', others)
    expect(d).toMatchObject({ key: 'participations', label: '参与人次（人次）' })
  })

  it('keeps a saved column key and a heading written by hand', () => {
    const d = draft({ key: 'people', label: '参与总人次', source: 'COLUMN_SOURCE_COUNTED', metric: 'participations', saved: true })
    pickMetric(d, 'young_people', [d])
    expect(d).toMatchObject({ key: 'people', label: '参与总人次', metric: 'young_people' })
  })
})

describe('moveItem', () => {
  it.each<{ from: number; to: number; want: string[] }>([
    { from: 0, to: 1, want: ['b', 'a', 'c'] },
    { from: 2, to: 0, want: ['c', 'a', 'b'] },
    { from: 1, to: 5, want: ['a', 'c', 'b'] },
    { from: 0, to: -1, want: ['a', 'b', 'c'] },
    { from: 7, to: 0, want: ['a', 'b', 'c'] },
  ])('$from → $to', ({ from, to, want }) => {
    expect(moveItem(['a', 'b', 'c'], from, to)).toEqual(want)
  })
})

describe('checkColumns', () => {
  it.each<{ name: string; drafts: ColumnDraft[]; want: string[] }>([
    { name: 'fine', drafts: [draft({}), draft({ key: 'n', label: '参与人次', source: 'COLUMN_SOURCE_COUNTED', metric: 'participations' })], want: [] },
    { name: 'empty table', drafts: [], want: ['-1 table 统计表至少需要一列'] },
    {
      name: 'too many',
      drafts: Array.from({ length: 61 }, (_, i) => draft({ key: `c${i}` })),
      want: ['-1 table 统计表最多 60 列'],
    },
    { name: 'bad key', drafts: [draft({ key: 'Media' })], want: ['0 key 标识须以小写字母开头，只含小写字母、数字和下划线，最多 40 个字符'] },
    { name: 'duplicate key', drafts: [draft({}), draft({})], want: ['1 key 标识与第 1 列重复'] },
    { name: 'no label', drafts: [draft({ label: '  ' })], want: ['0 label 请填写列标题'] },
    { name: 'long label', drafts: [draft({ label: '字'.repeat(61) })], want: ['0 label 列标题不能超过 60 字'] },
    { name: 'counted without metric', drafts: [draft({ source: 'COLUMN_SOURCE_COUNTED' })], want: ['0 metric 请选择统计口径'] },
    { name: 'unknown metric', drafts: [draft({ source: 'COLUMN_SOURCE_COUNTED', metric: 'x' })], want: ['0 metric 未知的统计口径：x'] },
    { name: 'too many decimals', drafts: [draft({ decimals: 5 })], want: ['0 decimals 小数位数须为 0–4'] },
    { name: 'no source', drafts: [draft({ source: 'COLUMN_SOURCE_UNSPECIFIED' })], want: ['0 source 请选择数据来源'] },
  ])('$name', ({ drafts, want }) => {
    expect(checkColumns(drafts).map((p) => `${p.index} ${p.field} ${p.message}`)).toEqual(want)
  })
})

describe('columnDrafts and columnsToSave', () => {
  it('round-trips, trims labels and drops what the source does not use', () => {
    const drafts = columnDrafts([
      { key: 'a', label: '开展活动总数（项）', source: 'COLUMN_SOURCE_COUNTED', metric: 'activities_held', decimals: 0 },
      { key: 'funds', label: '经费（万元）', source: 'COLUMN_SOURCE_TYPED', metric: '', decimals: 2 },
    ])
    expect(drafts.every((d) => d.saved)).toBe(true)
    drafts[0]!.decimals = 3
    drafts[1]!.metric = 'participations'
    drafts[1]!.label = ' 经费投入（万元） '
    expect(columnsToSave(drafts)).toEqual([
      { key: 'a', label: '开展活动总数（项）', source: 'COLUMN_SOURCE_COUNTED', metric: 'activities_held', decimals: 0 },
      { key: 'funds', label: '经费投入（万元）', source: 'COLUMN_SOURCE_TYPED', metric: '', decimals: 2 },
    ])
    expect(columnDrafts(undefined)).toEqual([])
  })
})
