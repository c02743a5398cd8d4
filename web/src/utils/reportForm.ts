// The statistics table (附件1) as a form: one row per column, counted figures with an optional
// correction and its reason, typed figures with the column's decimals; the checks the server
// makes (SaveReportRequest / ValueInput), in Chinese, before anything is sent.
import type { ColumnSource, ReportColumn, ReportValue, ValueInput } from '../api/types'

/** MAX_INTEGER_DIGITS and MAX_REASON are ValueInput's limits (12 digits, 500 characters). */
export const MAX_INTEGER_DIGITS = 12
export const MAX_REASON = 500

export interface FigureRow {
  key: string
  label: string
  source: ColumnSource
  metric: string
  decimals: number
  /** counted is the system's figure (counted columns), as the server sent it. */
  counted: string
  /** typed is the county's figure (typed columns). */
  typed: string
  /** correcting is set while a counted figure is corrected. */
  correcting: boolean
  corrected: string
  reason: string
  /** value is the figure that counts, as the server last computed it. */
  value: string
}

export const isCounted = (row: Pick<FigureRow, 'source'>): boolean => row.source === 'COLUMN_SOURCE_COUNTED'

/** figureRows builds the form: the columns in order with their figures (missing ones empty). */
export function figureRows(columns: readonly ReportColumn[] | undefined, values: readonly ReportValue[] | undefined): FigureRow[] {
  const byKey = new Map((values ?? []).map((v) => [v.column_key, v]))
  return (columns ?? []).map((c) => {
    const v = byKey.get(c.key)
    const corrected = v?.corrected ?? ''
    return {
      key: c.key,
      label: c.label,
      source: c.source,
      metric: c.metric ?? '',
      decimals: c.decimals ?? 0,
      counted: v?.counted ?? '',
      typed: v?.typed ?? '',
      correcting: c.source === 'COLUMN_SOURCE_COUNTED' && corrected !== '',
      corrected,
      reason: v?.correction_reason ?? '',
      value: v?.value ?? '',
    }
  })
}

/** normalizeNumber trims a typed figure and turns full-width digits and points into ASCII. */
export function normalizeNumber(text: string | null | undefined): string {
  return (text ?? '')
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/[\uFF0E\u3002]/g, '.')
    .trim()
}

/** decimalsHint says what a typed column takes: 整数 or 最多 2 位小数. */
export function decimalsHint(decimals: number): string {
  return decimals > 0 ? `最多 ${decimals} 位小数` : '整数'
}

function numberProblem(text: string, decimals: number): string {
  if (/^[-－]/.test(text)) return '不能为负数'
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text)
  if (!m) return decimals > 0 ? `请填写数字（${decimalsHint(decimals)}）` : '请填写整数'
  if (m[2] !== undefined && m[2].length > decimals) return decimals > 0 ? `最多 ${decimals} 位小数` : '请填写整数'
  if (m[1]!.length > MAX_INTEGER_DIGITS) return `数字过大（整数部分最多 ${MAX_INTEGER_DIGITS} 位）`
  return ''
}

/** checkTyped checks a typed figure against its column's decimals; empty is allowed in a draft. */
export function checkTyped(text: string, decimals: number): string {
  const t = normalizeNumber(text)
  if (t === '') return ''
  return numberProblem(t, Math.min(Math.max(decimals, 0), 4))
}

/** checkCorrected checks a correction of a counted figure: a whole number, required. */
export function checkCorrected(text: string): string {
  const t = normalizeNumber(text)
  if (t === '') return '请填写更正后的数字'
  const why = numberProblem(t, 0)
  return why === '请填写整数' ? '更正后的数字须为整数' : why
}

/** checkReason checks a correction's reason: required, at most 500 characters. */
export function checkReason(text: string): string {
  const t = (text ?? '').trim()
  if (t === '') return '请填写更正原因'
  if ([...t].length > MAX_REASON) return `更正原因不能超过 ${MAX_REASON} 字`
  return ''
}

export interface RowErrors {
  typed?: string
  corrected?: string
  reason?: string
}

/** rowErrors are a row's problems by field; an empty object when it is fine. */
export function rowErrors(row: FigureRow): RowErrors {
  const out: RowErrors = {}
  if (isCounted(row)) {
    if (!row.correcting) return out
    const c = checkCorrected(row.corrected)
    const r = checkReason(row.reason)
    if (c) out.corrected = c
    if (r) out.reason = r
    return out
  }
  const t = checkTyped(row.typed, row.decimals)
  if (t) out.typed = t
  return out
}

/** formErrors are the problems of the rows that have any, by column key. */
export function formErrors(rows: readonly FigureRow[]): Record<string, RowErrors> {
  const out: Record<string, RowErrors> = {}
  for (const row of rows) {
    const e = rowErrors(row)
    if (Object.keys(e).length > 0) out[row.key] = e
  }
  return out
}

/** errorCount counts the problems of formErrors. */
export function errorCount(errors: Record<string, RowErrors>): number {
  return Object.values(errors).reduce((n, e) => n + Object.keys(e).length, 0)
}

/**
 * valueInputs is what SaveReport gets: every row, typed figures for typed columns, the
 * correction and its reason for counted ones ("" withdraws a correction).
 */
export function valueInputs(rows: readonly FigureRow[]): ValueInput[] {
  return rows.map((row) => {
    if (isCounted(row)) {
      return {
        column_key: row.key,
        typed: '',
        corrected: row.correcting ? normalizeNumber(row.corrected) : '',
        correction_reason: row.correcting ? row.reason.trim() : '',
      }
    }
    return { column_key: row.key, typed: normalizeNumber(row.typed), corrected: '', correction_reason: '' }
  })
}

/** snapshot is a comparable picture of the form, to tell unsaved changes. */
export function snapshot(rows: readonly FigureRow[]): string {
  return JSON.stringify(valueInputs(rows))
}

/** emptyTyped are the labels of the typed columns left empty (submission needs them all). */
export function emptyTyped(rows: readonly FigureRow[]): string[] {
  return rows.filter((r) => !isCounted(r) && normalizeNumber(r.typed) === '').map((r) => r.label)
}

/** startCorrection opens a counted row's correction; withdrawCorrection closes and clears it. */
export function startCorrection(row: FigureRow): void {
  row.correcting = true
}

export function withdrawCorrection(row: FigureRow): void {
  row.correcting = false
  row.corrected = ''
  row.reason = ''
}

/** shownFigure prints a figure for reading: the figure, or "—" when there is none. */
export function shownFigure(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? '—' : value
}
