// The report back after the week (ReportService): status tags, the deadline, the files of a
// report, what keeps a county from submitting, the bureau's review actions and the list's
// counters. The server decides every rule; these only keep the console from offering what it
// would refuse, and say why in Chinese.
import type { FileKind, Report, ReportFile, ReportStatus, ReportSummary, Role } from '../api/types'
import { toNumber } from './format'
import { fileKindLabels, label, reportStatusLabels, reportStatusTag, type TagType } from './labels'

/** The state flags a report and a list line share. */
export type ReportState = Pick<ReportSummary, 'status' | 'late' | 'overdue' | 'reopened'>

export interface StateTag {
  key: 'status' | 'late' | 'overdue' | 'reopened'
  text: string
  type: TagType
}

/** reportTags are the tags of a report's state: the status, then 迟交, 逾期 and 已重新开放. */
export function reportTags(r: ReportState): StateTag[] {
  const out: StateTag[] = [{ key: 'status', text: label(reportStatusLabels, r.status), type: reportStatusTag(r.status) }]
  if (r.late) out.push({ key: 'late', text: '迟交', type: 'warning' })
  if (r.overdue) out.push({ key: 'overdue', text: '逾期', type: 'danger' })
  if (r.reopened) out.push({ key: 'reopened', text: '已重新开放', type: 'primary' })
  return out
}

/** unitSumsOf are, on a county's report, the sums of its submitted units' typed figures by column. */
export function unitSumsOf(report: Pick<Report, 'values'> | null | undefined): Record<string, string> {
  return Object.fromEntries((report?.values ?? []).filter((v) => v.units && v.units !== '0').map((v) => [v.column_key, v.units ?? '']))
}

/** reportEditable says whether figures and files may change: not while submitted or accepted. */
export function reportEditable(status: ReportStatus): boolean {
  return status === 'REPORT_STATUS_NOT_STARTED' || status === 'REPORT_STATUS_DRAFT' || status === 'REPORT_STATUS_RETURNED'
}

/**
 * countyMayEdit: only the county's own admin edits its report, only a unit's own organizer
 * edits the unit's report (its county reads it), and only while it is editable.
 */
export function countyMayEdit(
  role: Role | undefined,
  ownCounty: string,
  report: Pick<Report, 'county_code' | 'status'> & { unit_id?: string },
  ownUnit = '',
): boolean {
  if (!reportEditable(report.status)) return false
  // A unit's own report is its own to write; its county reads it.
  if (report.unit_id) return role === 'organizer' && ownUnit !== '' && ownUnit === report.unit_id
  return role === 'county_admin' && ownCounty !== '' && ownCounty === report.county_code
}

// ---- deadline -------------------------------------------------------------------------------

function dayNumber(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!m) return null
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000
}

/** daysLeft is how many days lie from today to the deadline (0 on the day, negative after). */
export function daysLeft(deadline: string, today: string): number | null {
  const d = dayNumber(deadline)
  const t = dayNumber(today)
  return d === null || t === null ? null : d - t
}

/** deadlineText says how the deadline stands: 距截止还有 3 天 / 今天截止 / 已过截止日期 2 天. */
export function deadlineText(deadline: string, today: string): string {
  const n = daysLeft(deadline, today)
  if (n === null) return ''
  if (n > 0) return `距截止还有 ${n} 天`
  if (n === 0) return '今天截止'
  return `已过截止日期 ${-n} 天`
}

/**
 * deadlinePassed says whether the deadline (the last day, inclusive) is behind us: the server's
 * overdue flag, or today's date in the edition's time zone after it.
 */
export function deadlinePassed(r: Pick<Report, 'deadline' | 'overdue'>, today: string): boolean {
  if (r.overdue) return true
  const n = daysLeft(r.deadline, today)
  return n !== null && n < 0
}

// ---- files ----------------------------------------------------------------------------------

export type UploadKind = Exclude<FileKind, 'FILE_KIND_UNSPECIFIED'>

/** fileKinds are the sections of a report's files, in page order. */
export const fileKinds: readonly UploadKind[] = ['FILE_KIND_SUMMARY', 'FILE_KIND_IMAGE', 'FILE_KIND_VIDEO']

/** fileKindSlug names a kind in element ids: #file-upload-summary, -image, -video. */
export const fileKindSlug: Record<UploadKind, 'summary' | 'image' | 'video'> = {
  FILE_KIND_SUMMARY: 'summary',
  FILE_KIND_IMAGE: 'image',
  FILE_KIND_VIDEO: 'video',
}

const extensions: Record<UploadKind, readonly string[]> = {
  FILE_KIND_SUMMARY: ['pdf', 'docx'],
  FILE_KIND_IMAGE: ['jpg', 'jpeg', 'png', 'webp'],
  FILE_KIND_VIDEO: ['mp4', 'mov'],
}

const mediaTypes: Record<UploadKind, readonly string[]> = {
  FILE_KIND_SUMMARY: ['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  FILE_KIND_IMAGE: ['image/jpeg', 'image/png', 'image/webp'],
  FILE_KIND_VIDEO: ['video/mp4', 'video/quicktime'],
}

const formatNames: Record<UploadKind, string> = {
  FILE_KIND_SUMMARY: 'PDF 或 DOCX',
  FILE_KIND_IMAGE: 'JPEG、PNG 或 WebP',
  FILE_KIND_VIDEO: 'MP4 或 MOV',
}

/** fileAccept is the file picker's accept attribute for a kind. */
export function fileAccept(kind: UploadKind): string {
  return [...extensions[kind].map((e) => `.${e}`), ...mediaTypes[kind]].join(',')
}

/** maxVideoText says the edition's limit: 每段不超过 3 分钟 (180 s), 1 分 30 秒, 45 秒. */
export function maxVideoText(seconds: number): string {
  if (!seconds || seconds <= 0) return ''
  const m = Math.floor(seconds / 60)
  const s = Math.round(seconds % 60)
  if (m === 0) return `每段不超过 ${s} 秒`
  return s === 0 ? `每段不超过 ${m} 分钟` : `每段不超过 ${m} 分 ${s} 秒`
}

/** fileKindHint is the line under a section's title. */
export function fileKindHint(kind: UploadKind, maxVideoSeconds: number): string {
  switch (kind) {
    case 'FILE_KIND_SUMMARY':
      return '活动周总结报告，PDF 或 DOCX 格式，报送前必须上传'
    case 'FILE_KIND_IMAGE':
      return '活动图片，JPEG、PNG 或 WebP 格式，可一次选择多张'
    case 'FILE_KIND_VIDEO': {
      const limit = maxVideoText(maxVideoSeconds)
      return `活动视频，MP4 或 MOV 格式${limit ? `，${limit}` : ''}`
    }
  }
}

/**
 * fileProblem checks a picked file before it is sent: its name's extension and that it is not
 * empty. The server reads the content itself (type, a video's length, size) and has the last word.
 */
export function fileProblem(kind: UploadKind, name: string, size: number): string {
  const dot = name.lastIndexOf('.')
  const ext = dot >= 0 ? name.slice(dot + 1).toLowerCase() : ''
  if (!extensions[kind].includes(ext)) return `${fileKindLabels[kind]}须为 ${formatNames[kind]} 文件`
  if (size <= 0) return '文件是空的'
  return ''
}

/** formatDuration prints a video's length as mm:ss (75:03 past an hour); "—" when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return '—'
  const total = Math.round(seconds)
  const m = Math.floor(total / 60)
  const s = total % 60
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
}

/** filesOf are a report's files of one kind, oldest first. */
export function filesOf(files: readonly ReportFile[] | undefined, kind: FileKind): ReportFile[] {
  return (files ?? [])
    .filter((f) => f.kind === kind)
    .sort((a, b) => (Date.parse(a.uploaded_at ?? '') || 0) - (Date.parse(b.uploaded_at ?? '') || 0))
}

/** fileSize prints a file's size: 820 KB, 12.5 MB, 1.20 GB. */
export function fileSize(size: string | number): string {
  const bytes = toNumber(size)
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  return `${Math.max(1, Math.round(bytes / 1024))} KB`
}

/** uploadPercent is the share of an upload sent, 0–100, whole. */
export function uploadPercent(loaded: number, total: number): number {
  if (!total || total <= 0) return 0
  return Math.min(100, Math.max(0, Math.floor((loaded / total) * 100)))
}

// ---- submission -----------------------------------------------------------------------------

export interface SubmitState {
  status: ReportStatus
  overdue: boolean
  reopened: boolean
  deadline: string
  /** today on the edition's calendar, YYYY-MM-DD. */
  today: string
  hasSummary: boolean
  /** The labels of the typed columns left empty. */
  emptyTyped: readonly string[]
  /** uploading is set while files are still going up. */
  uploading: boolean
}

/** submitBlockers lists, in Chinese, what keeps a county from submitting; none means it may. */
export function submitBlockers(s: SubmitState): string[] {
  if (s.status === 'REPORT_STATUS_SUBMITTED') return ['已报送，等待市科技局审核']
  if (s.status === 'REPORT_STATUS_ACCEPTED') return ['市科技局已接收，不能再次报送']
  const out: string[] = []
  if (deadlinePassed(s, s.today) && !s.reopened) {
    out.push(`已过截止日期${s.deadline ? `（${s.deadline}）` : ''}，需市科技局重新开放后才能报送`)
  }
  if (!s.hasSummary) out.push('尚未上传总结报告（PDF 或 DOCX）')
  if (s.emptyTyped.length > 0) {
    const shown = s.emptyTyped.slice(0, 5).join('、')
    out.push(`尚有 ${s.emptyTyped.length} 项填报数据未填写：${shown}${s.emptyTyped.length > 5 ? ' 等' : ''}`)
  }
  if (s.uploading) out.push('文件正在上传，请等待上传完成')
  return out
}

// ---- review (city admin) --------------------------------------------------------------------

export type ReviewAction = 'return' | 'accept' | 'reopen'

/**
 * reviewActions are the bureau's buttons for a report: return and accept a submitted one, and
 * reopen one whose deadline passed unsubmitted (once).
 */
export function reviewActions(role: Role | undefined, r: ReportState): ReviewAction[] {
  if (role !== 'city_admin') return []
  const out: ReviewAction[] = []
  if (r.status === 'REPORT_STATUS_SUBMITTED') out.push('return', 'accept')
  if (r.overdue && !r.reopened && r.status !== 'REPORT_STATUS_SUBMITTED' && r.status !== 'REPORT_STATUS_ACCEPTED') out.push('reopen')
  return out
}

export interface ReportCounts {
  total: number
  /** submitted counts the reports in the bureau's hands: waiting for review or accepted. */
  submitted: number
  /** pending waits for review. */
  pending: number
  accepted: number
  returned: number
  overdue: number
  late: number
}

/** reportCounts are the numbers of the list's counter strip. */
export function reportCounts(reports: readonly ReportState[]): ReportCounts {
  const out: ReportCounts = { total: reports.length, submitted: 0, pending: 0, accepted: 0, returned: 0, overdue: 0, late: 0 }
  for (const r of reports) {
    if (r.status === 'REPORT_STATUS_SUBMITTED') out.pending++
    if (r.status === 'REPORT_STATUS_ACCEPTED') out.accepted++
    if (r.status === 'REPORT_STATUS_RETURNED') out.returned++
    if (r.overdue) out.overdue++
    if (r.late) out.late++
  }
  out.submitted = out.pending + out.accepted
  return out
}

/**
 * columnsLocked guesses whether the table's columns are fixed: the server refuses new columns
 * once a county has submitted, and a submitted, returned or accepted report has.
 */
export function columnsLocked(reports: readonly Pick<ReportSummary, 'status' | 'submitted_at'>[]): boolean {
  return reports.some(
    (r) => !!r.submitted_at || r.status === 'REPORT_STATUS_SUBMITTED' || r.status === 'REPORT_STATUS_RETURNED' || r.status === 'REPORT_STATUS_ACCEPTED',
  )
}
