import { describe, expect, it } from 'vitest'
import type { ReportColumn, ReportValue } from '../api/types'
import {
  checkCorrected,
  checkReason,
  checkTyped,
  decimalsHint,
  emptyTyped,
  errorCount,
  figureRows,
  formErrors,
  normalizeNumber,
  rowErrors,
  shownFigure,
  snapshot,
  startCorrection,
  valueInputs,
  withdrawCorrection,
  type FigureRow,
} from './reportForm'

const columns: ReportColumn[] = [
  { key: 'activities_held', label: '开展活动总数（项）', source: 'COLUMN_SOURCE_COUNTED', metric: 'activities_held', decimals: 0 },
  { key: 'participations', label: '参与人次（人次）', source: 'COLUMN_SOURCE_COUNTED', metric: 'participations', decimals: 0 },
  { key: 'media_reports', label: '媒体报道（篇）', source: 'COLUMN_SOURCE_TYPED', metric: '', decimals: 0 },
  { key: 'funds', label: '经费投入（万元）', source: 'COLUMN_SOURCE_TYPED', metric: '', decimals: 2 },
]

const v = (column_key: string, fields: Partial<ReportValue>): ReportValue => ({
  column_key,
  counted: '',
  typed: '',
  corrected: '',
  correction_reason: '',
  value: '',
  units: '',
  ...fields,
})

const values: ReportValue[] = [
  v('activities_held', { counted: '42', value: '42' }),
  v('participations', { counted: '1200', corrected: '1350', correction_reason: '线下补录', value: '1350' }),
  v('funds', { typed: '12.50', value: '12.50' }),
]

describe('figureRows', () => {
  it('keeps the column order and fills the figures', () => {
    const rows = figureRows(columns, values)
    expect(rows.map((r) => r.key)).toEqual(['activities_held', 'participations', 'media_reports', 'funds'])
    expect(rows[0]).toMatchObject({ counted: '42', correcting: false, corrected: '', value: '42' })
    expect(rows[1]).toMatchObject({ counted: '1200', correcting: true, corrected: '1350', reason: '线下补录' })
    expect(rows[2]).toMatchObject({ typed: '', correcting: false, value: '' })
    expect(rows[3]).toMatchObject({ typed: '12.50', decimals: 2 })
  })

  it('copes with nothing', () => {
    expect(figureRows(undefined, undefined)).toEqual([])
    expect(figureRows(columns, undefined)).toHaveLength(4)
  })
})

describe('number checks', () => {
  it.each<[string, string]>([
    ['  12 ', '12'],
    ['１２３', '123'],
    ['１２．５', '12.5'],
    ['', ''],
  ])('normalizeNumber(%j) = %j', (text, want) => {
    expect(normalizeNumber(text)).toBe(want)
  })

  it.each<{ text: string; decimals: number; want: string }>([
    { text: '', decimals: 0, want: '' },
    { text: '0', decimals: 0, want: '' },
    { text: '123', decimals: 0, want: '' },
    { text: ' 123 ', decimals: 0, want: '' },
    { text: '１２３', decimals: 0, want: '' },
    { text: '12.5', decimals: 0, want: '请填写整数' },
    { text: '12.5', decimals: 2, want: '' },
    { text: '12.55', decimals: 2, want: '' },
    { text: '12.555', decimals: 2, want: '最多 2 位小数' },
    { text: '0.1234', decimals: 4, want: '' },
    { text: '12.', decimals: 2, want: '请填写数字（最多 2 位小数）' },
    { text: '.5', decimals: 2, want: '请填写数字（最多 2 位小数）' },
    { text: 'abc', decimals: 0, want: '请填写整数' },
    { text: '1,000', decimals: 0, want: '请填写整数' },
    { text: '1e3', decimals: 2, want: '请填写数字（最多 2 位小数）' },
    { text: '-3', decimals: 0, want: '不能为负数' },
    { text: '123456789012', decimals: 0, want: '' },
    { text: '1234567890123', decimals: 0, want: '数字过大（整数部分最多 12 位）' },
  ])('checkTyped($text, $decimals) = $want', ({ text, decimals, want }) => {
    expect(checkTyped(text, decimals)).toBe(want)
  })

  it.each<[string, string]>([
    ['', '请填写更正后的数字'],
    ['  ', '请填写更正后的数字'],
    ['0', ''],
    ['1350', ''],
    ['13.5', '更正后的数字须为整数'],
    ['十二', '更正后的数字须为整数'],
    ['-1', '不能为负数'],
    ['9999999999999', '数字过大（整数部分最多 12 位）'],
  ])('checkCorrected(%j) = %j', (text, want) => {
    expect(checkCorrected(text)).toBe(want)
  })

  it.each<[string, string]>([
    ['', '请填写更正原因'],
    ['   ', '请填写更正原因'],
    ['线下活动补录', ''],
    ['字'.repeat(500), ''],
    ['字'.repeat(501), '更正原因不能超过 500 字'],
  ])('checkReason(%#)', (text, want) => {
    expect(checkReason(text)).toBe(want)
  })

  it.each<[number, string]>([
    [0, '整数'],
    [2, '最多 2 位小数'],
  ])('decimalsHint(%d) = %s', (d, want) => {
    expect(decimalsHint(d)).toBe(want)
  })
})

describe('rows', () => {
  const row = (fields: Partial<FigureRow>): FigureRow => ({
    key: 'k',
    label: 'L',
    source: 'COLUMN_SOURCE_TYPED',
    metric: '',
    decimals: 0,
    counted: '',
    typed: '',
    correcting: false,
    corrected: '',
    reason: '',
    value: '',
    ...fields,
  })

  it.each<{ name: string; r: FigureRow; want: object }>([
    { name: 'typed fine', r: row({ typed: '3' }), want: {} },
    { name: 'typed empty (a draft may)', r: row({}), want: {} },
    { name: 'typed decimals', r: row({ typed: '3.14', decimals: 1 }), want: { typed: '最多 1 位小数' } },
    { name: 'counted untouched', r: row({ source: 'COLUMN_SOURCE_COUNTED', counted: '5' }), want: {} },
    {
      name: 'counted, correction opened and empty',
      r: row({ source: 'COLUMN_SOURCE_COUNTED', counted: '5', correcting: true }),
      want: { corrected: '请填写更正后的数字', reason: '请填写更正原因' },
    },
    {
      name: 'counted, corrected without reason',
      r: row({ source: 'COLUMN_SOURCE_COUNTED', counted: '5', correcting: true, corrected: '6' }),
      want: { reason: '请填写更正原因' },
    },
    {
      name: 'counted, decimal correction',
      r: row({ source: 'COLUMN_SOURCE_COUNTED', counted: '5', correcting: true, corrected: '6.5', reason: '补录' }),
      want: { corrected: '更正后的数字须为整数' },
    },
    { name: 'counted, corrected', r: row({ source: 'COLUMN_SOURCE_COUNTED', correcting: true, corrected: '6', reason: '补录' }), want: {} },
    { name: 'typed on a counted row is ignored', r: row({ source: 'COLUMN_SOURCE_COUNTED', typed: 'x' }), want: {} },
  ])('rowErrors: $name', ({ r, want }) => {
    expect(rowErrors(r)).toEqual(want)
  })

  it('formErrors and errorCount', () => {
    const rows = figureRows(columns, values)
    expect(formErrors(rows)).toEqual({})
    rows[1]!.reason = ''
    rows[3]!.typed = '1.234'
    const errors = formErrors(rows)
    expect(errors).toEqual({ participations: { reason: '请填写更正原因' }, funds: { typed: '最多 2 位小数' } })
    expect(errorCount(errors)).toBe(2)
  })

  it('valueInputs sends every row the way SaveReport wants it', () => {
    const rows = figureRows(columns, values)
    rows[2]!.typed = ' ３ '
    expect(valueInputs(rows)).toEqual([
      { column_key: 'activities_held', typed: '', corrected: '', correction_reason: '' },
      { column_key: 'participations', typed: '', corrected: '1350', correction_reason: '线下补录' },
      { column_key: 'media_reports', typed: '3', corrected: '', correction_reason: '' },
      { column_key: 'funds', typed: '12.50', corrected: '', correction_reason: '' },
    ])
  })

  it('a withdrawn correction is sent empty, and the form becomes dirty', () => {
    const rows = figureRows(columns, values)
    const saved = snapshot(rows)
    withdrawCorrection(rows[1]!)
    expect(rows[1]).toMatchObject({ correcting: false, corrected: '', reason: '' })
    expect(valueInputs(rows)[1]).toEqual({ column_key: 'participations', typed: '', corrected: '', correction_reason: '' })
    expect(snapshot(rows)).not.toBe(saved)
  })

  it('opening a correction without a figure changes nothing to send yet', () => {
    const rows = figureRows(columns, values)
    const saved = snapshot(rows)
    startCorrection(rows[0]!)
    expect(rows[0]!.correcting).toBe(true)
    expect(snapshot(rows)).toBe(saved)
    rows[0]!.corrected = '40'
    expect(snapshot(rows)).not.toBe(saved)
  })

  it('emptyTyped lists the typed columns left empty', () => {
    const rows = figureRows(columns, values)
    expect(emptyTyped(rows)).toEqual(['媒体报道（篇）'])
    rows[2]!.typed = ' 0 '
    expect(emptyTyped(rows)).toEqual([])
    rows[3]!.typed = '  '
    expect(emptyTyped(rows)).toEqual(['经费投入（万元）'])
  })

  it.each<[string | null | undefined, string]>([
    ['12', '12'],
    ['0', '0'],
    ['', '—'],
    [null, '—'],
    [undefined, '—'],
  ])('shownFigure(%j) = %s', (value, want) => {
    expect(shownFigure(value)).toBe(want)
  })
})
