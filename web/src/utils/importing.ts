// Helpers of the spreadsheet import pages: the file's size, the summary of the problems found and
// the header mapping typed in by people.
import type { SpreadsheetUpload } from '../api/importer'
import type { RowError } from '../api/types'
import { isChinese } from './format'

/** fileSizeText prints a file size as "12 KB" or "1.5 MB". */
export function fileSizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`
}

/** A row's problem as either import answers it (activities' RowError, venues' VenueRowError). */
export type RowProblem = Pick<RowError, 'row' | 'column' | 'message' | 'reason' | 'localized_message'>

/** ImportRequest is what the import page sends: the file, check or import, encoding, mapping. */
export type ImportRequest = SpreadsheetUpload

/** ImportAnswer is what both imports answer in common: where the table was read and its problems. */
export interface ImportAnswer {
  rows: number
  errors: RowProblem[]
  columns: Record<string, string>
  sheet: string
  header_row: number
}

/**
 * rowProblemText is what the problem list says about a row: the server's Chinese words, never
 * its English message (an older server without them gets a general Chinese text).
 */
export function rowProblemText(p: RowProblem): string {
  if (isChinese(p.localized_message)) return p.localized_message
  if (isChinese(p.message)) return p.message
  return '这一行的内容不符合要求，请对照模板检查'
}

/** tableWhere says where the table was read: the sheet and the header's row, when titles were skipped. */
export function tableWhere(r: { sheet: string; header_row: number }): string {
  const sheet = r.sheet ? `工作表「${r.sheet}」` : '文件'
  return r.header_row > 1 ? `读取了${sheet}第 ${r.header_row} 行的表头，上方的标题行已跳过。` : `读取了${sheet}的表头。`
}

/** importErrorTitle sums up a failed check or import: rows read, rows at fault, problems. */
export function importErrorTitle(rows: number, errors: readonly Pick<RowError, 'row'>[], dryRun: boolean): string {
  const faulty = new Set(errors.map((e) => e.row)).size
  return `${dryRun ? '检查' : '导入'}未通过：${rows} 行中有 ${faulty} 行存在 ${errors.length} 个问题，未写入任何数据。`
}

/** headerMappingOf keeps the complete pairs of a mapping editor, headers trimmed. */
export function headerMappingOf(pairs: readonly { header: string; field: string }[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of pairs) if (m.header.trim() && m.field) out[m.header.trim()] = m.field
  return out
}

/** mappedColumns are the recognised columns read under another header than the template's. */
export function mappedColumns(columns: Record<string, string> | null | undefined, templateHeaders: Record<string, string>): [string, string][] {
  return Object.entries(columns ?? {}).filter(([header, key]) => templateHeaders[key] !== header)
}
