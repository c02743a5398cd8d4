// Importing spreadsheets (activity plans, venues): the gateway's multipart upload endpoints.
import { request } from './http'
import type { ImportActivitiesResponse, ImportTarget } from './types'

/** SpreadsheetUpload is what every spreadsheet import sends. */
export interface SpreadsheetUpload {
  file: File
  dryRun: boolean
  /** "", "utf-8" or "gbk"; "" lets the server detect a CSV's encoding. */
  encoding: '' | 'utf-8' | 'gbk'
  /** headerMapping maps the file's own headers to the template's field keys. */
  headerMapping: Record<string, string>
}

export interface ImportOptions extends SpreadsheetUpload {
  target: ImportTarget
}

/** uploadForm is the multipart form of an upload; extra fields go between dry_run and encoding. */
export function uploadForm(opts: SpreadsheetUpload, extra: Record<string, string> = {}): FormData {
  const form = new FormData()
  form.append('file', opts.file, opts.file.name)
  form.append('dry_run', opts.dryRun ? 'true' : 'false')
  for (const [name, value] of Object.entries(extra)) form.append(name, value)
  form.append('encoding', opts.encoding)
  if (Object.keys(opts.headerMapping).length > 0) form.append('header_mapping', JSON.stringify(opts.headerMapping))
  return form
}

export function importActivities(editionId: string, opts: ImportOptions): Promise<ImportActivitiesResponse> {
  return request<ImportActivitiesResponse>('POST', '/upload/activities', {
    query: { edition_id: editionId },
    body: uploadForm(opts, { target: opts.target }),
  })
}

export function importTemplateUrl(editionId: string): string {
  return `/download/import-template?edition_id=${encodeURIComponent(editionId)}`
}
