// Importing activity plans from a spreadsheet: the gateway's multipart upload endpoint.
import { request } from './http'
import type { ImportActivitiesResponse, ImportTarget } from './types'

export interface ImportOptions {
  file: File
  dryRun: boolean
  target: ImportTarget
  /** "", "utf-8" or "gbk"; "" lets the server detect a CSV's encoding. */
  encoding: '' | 'utf-8' | 'gbk'
  /** headerMapping maps the file's own headers to the template's field keys. */
  headerMapping: Record<string, string>
}

export function importActivities(editionId: string, opts: ImportOptions): Promise<ImportActivitiesResponse> {
  const form = new FormData()
  form.append('file', opts.file, opts.file.name)
  form.append('dry_run', opts.dryRun ? 'true' : 'false')
  form.append('target', opts.target)
  form.append('encoding', opts.encoding)
  if (Object.keys(opts.headerMapping).length > 0) form.append('header_mapping', JSON.stringify(opts.headerMapping))
  return request<ImportActivitiesResponse>('POST', '/upload/activities', {
    query: { edition_id: editionId },
    body: form,
  })
}

export function importTemplateUrl(editionId: string): string {
  return `/download/import-template?edition_id=${encodeURIComponent(editionId)}`
}
