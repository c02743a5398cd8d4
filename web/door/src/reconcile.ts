// The server's answers to an upload, matched to the records sent: each record gets the
// server's verdict, and a ticket this device admitted (green) that the server refused as
// ALREADY_CHECKED_IN becomes a double-entry warning — someone got in twice, and staff must see it.

import { fromResult, type QueuedRecord, type ServerVerdict } from './records'
import type { CheckinResult } from './types'
import { hhmm } from './time'
import { formatCode } from './code'

export interface Warning {
  /** sequence is the record's, the warning's key. */
  sequence: number
  ticketId: string
  /** code is the ticket's short code, as printed under its QR code. */
  code?: string
  /** scannedAt is when this device admitted it. */
  scannedAt: number
  /** firstAt and firstDoor are the admission the server holds. */
  firstAt?: number
  firstDoor?: string
  seen: boolean
}

export interface Reconciled {
  verdicts: Map<number, ServerVerdict>
  warnings: Warning[]
}

/** reconcile matches results (in request order, each naming its sequence) to the records sent. */
export function reconcile(sent: QueuedRecord[], results: CheckinResult[]): Reconciled {
  const bySeq = new Map(sent.map((r) => [r.sequence, r]))
  const verdicts = new Map<number, ServerVerdict>()
  const warnings: Warning[] = []
  results.forEach((res, i) => {
    const seq = res.sequence !== undefined && res.sequence !== '' ? Number(res.sequence) : sent[i]?.sequence
    const rec = seq !== undefined ? bySeq.get(seq) : undefined
    if (!rec) return
    const v = fromResult(res)
    verdicts.set(rec.sequence, v)
    if (rec.kind === 'ticket' && rec.local.outcome === 'admitted' && v.outcome === 'refused' && v.reason === 'ALREADY_CHECKED_IN') {
      const w: Warning = { sequence: rec.sequence, ticketId: rec.ticketId ?? '', scannedAt: rec.occurredAt, seen: false }
      if (v.firstAt !== undefined) w.firstAt = v.firstAt
      if (v.firstDoor) w.firstDoor = v.firstDoor
      warnings.push(w)
    }
  })
  return { verdicts, warnings }
}

/** warningText is "双重入场：票 K7Q2 M9XD 10:02 已在 东门 入场", naming the ticket as it is printed. */
export function warningText(w: Warning, tz: string): string {
  const code = w.code ? formatCode(w.code) : w.ticketId.replace(/-/g, '').slice(0, 4).toUpperCase()
  const time = w.firstAt !== undefined ? ` ${hhmm(w.firstAt, tz)}` : ''
  return `双重入场：票 ${code}${time} 已在 ${w.firstDoor || '其他检票口'} 入场`
}
