// AuditService: each service's audit trail, read through the gateway's
// /api/v1/audit/{service}/entries and exported as /download/audit.xlsx.
import { api } from './http'
import { buildQuery } from './query'
import type { AuditEntry } from './types'

/** The services whose trails the console reads (check-in's holds only terminals' calls, none audited). */
export type AuditSource = 'registration' | 'venue' | 'reporting'

export const auditSources: { value: AuditSource; label: string }[] = [
  { value: 'registration', label: '登录、活动、报名与账号' },
  { value: 'venue', label: '场馆与签到终端' },
  { value: 'reporting', label: '统计、总结报送与通知' },
]

export interface AuditFilter {
  /** from and to are RFC 3339 times; empty means open. */
  from?: string
  to?: string
  actor?: string
  method?: string
  outcome?: string
  county_code?: string
}

export interface AuditPage {
  entries: AuditEntry[]
  next_before: string
}

function filterQuery(filter: AuditFilter): Record<string, string> {
  const q: Record<string, string> = {}
  for (const [k, v] of Object.entries(filter)) if (v) q[k] = v
  return q
}

export async function listAuditEntries(source: AuditSource, filter: AuditFilter, before = '', pageSize = 50): Promise<AuditPage> {
  const resp = await api.get<AuditPage>(`/api/v1/audit/${source}/entries`, {
    query: { ...filterQuery(filter), before, page_size: String(pageSize) },
  })
  return { entries: resp.entries ?? [], next_before: resp.next_before ?? '0' }
}

/** auditExportUrl downloads the filtered trail as an Excel file (the export is audited too). */
export function auditExportUrl(source: AuditSource, filter: AuditFilter): string {
  return '/download/audit.xlsx' + buildQuery({ service: source, ...filterQuery(filter) })
}
