// What the door writes to its queue for every scan, walk-in, group and check-out, and how a
// queued record goes over the wire.

import type { Category, CheckinResult, WireRecord } from './types'
import type { Reason } from './reasons'

export type Kind = 'ticket' | 'walk_in' | 'group' | 'checkout'

/** LocalVerdict is the device's own judgment, shown at once. */
export interface LocalVerdict {
  outcome: 'admitted' | 'refused'
  reason?: Reason
}

/** ServerVerdict is what the server answered for the record. */
export interface ServerVerdict {
  outcome: 'admitted' | 'refused'
  reason?: Reason
  recordId?: string
  firstAt?: number
  firstDoor?: string
  recordedAt?: number
  replayed?: boolean
  anomalies?: string[]
}

export interface QueuedRecord {
  /** sequence is the device's own number, from 1, never reused: the idempotency key. */
  sequence: number
  /** occurredAt is when it happened (ms, the clock corrected by the last sync's offset). */
  occurredAt: number
  venueId: string
  terminalId: string
  kind: Kind
  /** activityId is the chosen activity (walk-ins, groups, check-outs) or the ticket's own. */
  activityId?: string
  payload?: string
  ticketId?: string
  editionId?: string
  holder?: number
  category?: Category
  headcount?: number
  youngPeople?: number
  teachers?: number
  groupName?: string
  overCapacityConfirmed?: boolean
  local: LocalVerdict
  /** uploaded is false until the server answered; server is its verdict. */
  uploaded: boolean
  server?: ServerVerdict
  /** failed is the server's message when it refused the record as invalid (HTTP 400/403). */
  failed?: string
  /** isolate: failed in a batch, to be sent again alone to find which record is bad. */
  isolate?: boolean
}

export type NewRecord = Omit<QueuedRecord, 'sequence' | 'uploaded'>

/** isPending: waits for upload (failed records that need no isolation are left aside). */
export function isPending(r: QueuedRecord): boolean {
  return !r.uploaded && (r.failed === undefined || r.isolate === true)
}

/** isFailed: the server refused it as invalid and sending it again will not help. */
export function isFailed(r: QueuedRecord): boolean {
  return !r.uploaded && r.failed !== undefined && r.isolate !== true
}

/** effectiveOutcome is the server's verdict once known, else the device's. */
export function effectiveOutcome(r: QueuedRecord): 'admitted' | 'refused' {
  return r.server?.outcome ?? r.local.outcome
}

/** people is how many people the record lets in (positive) or out (negative), if admitted. */
export function people(r: QueuedRecord): number {
  if (effectiveOutcome(r) !== 'admitted') return 0
  switch (r.kind) {
    case 'ticket':
      return 1
    case 'walk_in':
      return r.headcount ?? 1
    case 'group':
      return (r.youngPeople ?? 0) + (r.teachers ?? 0)
    case 'checkout':
      return -(r.headcount ?? 1)
  }
}

/** toWire is the record as UploadCheckins takes it. */
export function toWire(r: QueuedRecord): WireRecord {
  const w: WireRecord = {
    sequence: String(r.sequence),
    occurred_at: new Date(r.occurredAt).toISOString(),
    venue_id: r.venueId,
  }
  if (r.kind !== 'ticket' && r.activityId) w.activity_id = r.activityId
  switch (r.kind) {
    case 'ticket':
      w.ticket = { payload: r.payload ?? '' }
      break
    case 'walk_in':
      w.walk_in = { category: r.category!, headcount: r.headcount ?? 1 }
      break
    case 'group':
      w.group = { young_people: r.youngPeople ?? 0, teachers: r.teachers ?? 0, group_name: r.groupName ?? '' }
      break
    case 'checkout':
      w.checkout = { headcount: r.headcount ?? 1 }
      break
  }
  if (r.overCapacityConfirmed) w.over_capacity_confirmed = true
  return w
}

/** shortReason turns "REFUSAL_REASON_EXPIRED" into "EXPIRED"; undefined for none. */
export function shortReason(name: string | undefined): Reason | undefined {
  if (!name) return undefined
  const s = name.replace(/^REFUSAL_REASON_/, '')
  return s === 'UNSPECIFIED' || s === '' ? undefined : (s as Reason)
}

/** fromResult reads the server's result for a record. */
export function fromResult(res: CheckinResult): ServerVerdict {
  const admitted = res.outcome === 'OUTCOME_ADMITTED'
  const v: ServerVerdict = { outcome: admitted ? 'admitted' : 'refused' }
  if (!admitted) {
    const reason = shortReason(res.refusal_reason)
    if (reason) v.reason = reason
  }
  if (res.record_id) v.recordId = res.record_id
  const first = res.first_checked_in_at ? Date.parse(res.first_checked_in_at) : NaN
  if (Number.isFinite(first)) v.firstAt = first
  if (res.first_door) v.firstDoor = res.first_door
  const rec = res.recorded_at ? Date.parse(res.recorded_at) : NaN
  if (Number.isFinite(rec)) v.recordedAt = rec
  if (res.replayed) v.replayed = true
  if (res.anomalies?.length) v.anomalies = res.anomalies
  return v
}

/** Payloads outside the API's 8–512 characters cannot be uploaded as they are. */
export const PAYLOAD_MIN = 8
export const PAYLOAD_MAX = 512
