// The anomalies' reader: flagged scans counted by kind, per venue and door, laid out as the
// console's tables show them (a column per kind, in a fixed order).
import type { AnomalyKind } from '../api/types'
import { anomalyLabels } from './labels'

/** anomalyKinds are the kinds in the order of the tables' columns. */
export const anomalyKinds = Object.keys(anomalyLabels) as Exclude<AnomalyKind, 'ANOMALY_UNSPECIFIED'>[]

/** anomalyColumns are the anomaly tables' figure columns: one per kind in that order, then 合计. */
export const anomalyColumns = [...anomalyKinds.map((k) => ({ label: anomalyLabels[k], num: true })), { label: '合计', num: true }]

interface KindCount {
  kind?: AnomalyKind
  records?: string | number | bigint
}

/** kindCount is the records of one kind among counts (0 when absent). */
export function kindCount(kinds: readonly KindCount[] | null | undefined, kind: AnomalyKind): number {
  const k = (kinds ?? []).find((c) => c.kind === kind)
  return k ? Number(k.records ?? 0) : 0
}

/** kindSummary reads counts as "连续快速扫码 3 · 场次外扫码 1", most first as sent; "无" when none. */
export function kindSummary(kinds: readonly KindCount[] | null | undefined): string {
  const parts = (kinds ?? [])
    .filter((k) => k.kind && k.kind !== 'ANOMALY_UNSPECIFIED' && Number(k.records ?? 0) > 0)
    .map((k) => `${anomalyLabels[k.kind as Exclude<AnomalyKind, 'ANOMALY_UNSPECIFIED'>] ?? k.kind} ${Number(k.records)}`)
  return parts.length ? parts.join(' · ') : '无'
}
