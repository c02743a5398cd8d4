// ReportService: the counties' report back after the week (统计表 附件1, summary report, images
// and videos), the bureau's review, the table's columns, and the gateway's file endpoints
// (/upload/report-file with progress, /download/report-file, /download/merged-table).
import { api, upload } from './http'
import { pathSegment } from './query'
import type { FileKind, ListReportsResponse, Report, ReportColumn, ReportFile, ValueInput } from './types'

interface ReportResponse {
  report: Report
}

function reportPath(editionId: string, countyCode: string): string {
  return `/api/v1/editions/${pathSegment(editionId)}/reports/${pathSegment(countyCode)}`
}

// A unit's own report (各有关单位) is its county's path with the unit named: in the query of a
// read, in the body of a change; unitId '' is the county's own report.

/** getReport reads a county's or a unit's report; the page shows a failure itself, so quiet. */
export async function getReport(editionId: string, countyCode: string, unitId = ''): Promise<Report> {
  return (await api.get<ReportResponse>(reportPath(editionId, countyCode), { quiet: true, query: { unit_id: unitId } })).report
}

/** saveReport stores typed figures and corrections as a draft; columns not named keep theirs. */
export async function saveReport(editionId: string, countyCode: string, values: ValueInput[], unitId = ''): Promise<Report> {
  return (await api.put<ReportResponse>(reportPath(editionId, countyCode), { values, unit_id: unitId })).report
}

export async function submitReport(editionId: string, countyCode: string, unitId = ''): Promise<Report> {
  return (await api.post<ReportResponse>(`${reportPath(editionId, countyCode)}:submit`, { unit_id: unitId })).report
}

/** returnReport sends a submitted report back with a reason (city admin). */
export async function returnReport(editionId: string, countyCode: string, reason: string, unitId = ''): Promise<Report> {
  return (await api.post<ReportResponse>(`${reportPath(editionId, countyCode)}:return`, { reason, unit_id: unitId })).report
}

export async function acceptReport(editionId: string, countyCode: string, unitId = ''): Promise<Report> {
  return (await api.post<ReportResponse>(`${reportPath(editionId, countyCode)}:accept`, { unit_id: unitId })).report
}

/** reopenReport lets a county or unit submit after the deadline (city admin). */
export async function reopenReport(editionId: string, countyCode: string, unitId = ''): Promise<Report> {
  return (await api.post<ReportResponse>(`${reportPath(editionId, countyCode)}:reopen`, { unit_id: unitId })).report
}

/**
 * listReports returns the report state of every county, each followed by its units (city
 * admin), or of one county and its units (county set: that county's admin).
 */
export async function listReports(editionId: string, countyCode = ''): Promise<ListReportsResponse> {
  const resp = await api.get<ListReportsResponse>(`/api/v1/editions/${pathSegment(editionId)}/reports`, { quiet: true, query: { county_code: countyCode } })
  return { deadline: resp.deadline ?? '', reports: resp.reports ?? [] }
}

export async function deleteReportFile(fileId: string): Promise<void> {
  await api.delete<unknown>(`/api/v1/report-files/${pathSegment(fileId)}`)
}

/** setReportColumns sets the edition's table columns; the dialog shows a refusal, so quiet. */
export async function setReportColumns(editionId: string, columns: ReportColumn[]): Promise<ReportColumn[]> {
  const resp = await api.put<{ columns: ReportColumn[] }>(`/api/v1/editions/${pathSegment(editionId)}/report-columns`, { columns }, { quiet: true })
  return resp.columns ?? []
}

export interface ReportUpload {
  editionId: string
  countyCode: string
  /** unitId names a unit's own report; '' the county's. */
  unitId?: string
  kind: FileKind
  file: File
  onProgress?: (loaded: number, total: number) => void
  signal?: AbortSignal
}

/**
 * uploadReportFile sends one file of a report (multipart field "file") with progress; the
 * caller shows a refusal next to the file, so the call is quiet.
 */
export async function uploadReportFile(u: ReportUpload): Promise<ReportFile> {
  const form = new FormData()
  form.append('file', u.file, u.file.name)
  const resp = await upload<{ file: ReportFile }>('/upload/report-file', form, {
    query: { edition: u.editionId, county: u.countyCode, unit: u.unitId ?? '', kind: u.kind },
    onProgress: u.onProgress,
    signal: u.signal,
    quiet: true,
  })
  return resp.file
}

export function reportFileUrl(fileId: string): string {
  return `/download/report-file?id=${encodeURIComponent(fileId)}`
}

export function mergedTableUrl(editionId: string, format: 'xlsx' | 'csv'): string {
  return `/download/merged-table?edition=${encodeURIComponent(editionId)}&format=${format}`
}
