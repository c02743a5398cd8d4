// The door's own judgment of a ticket, by the same rules and in the same order as the check-in
// service's judge (services/checkin/internal/domain/judge.go), so the answer can show at once,
// online or not; the upload confirms it.
//
//  1. parse and signature, with the edition's key from the sync    → INVALID_SIGNATURE
//  2. the activity: not among this venue's activities              → WRONG_VENUE
//                   among them but not open                        → ACTIVITY_NOT_OPEN
//  3. time plausibility: the scan's time within the edition's days
//     (and the activity's sessions), give or take a day            → TIME_OUT_OF_RANGE
//  4. the ticket's window [valid_from, valid_until]                 → NOT_YET_VALID / EXPIRED
//  5. revoked                                                       → REVOKED
//  6. already admitted at this venue (sync + this device)           → ALREADY_CHECKED_IN

import type { Reason } from './reasons'
import type { Activity, Admission, Edition } from './snapshot'
import { KeyRing, parseTicket, type Ticket } from './ticket'
import { nextDay, startOfDay, zoneOrUTC } from './time'

/** EDITION_TOLERANCE is how far before an edition's first day or after its last a scan counts. */
export const EDITION_TOLERANCE = 24 * 3600_000

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

export interface JudgeContext {
  /** activities are this venue's, by lower-case id. */
  activities: Map<string, Activity>
  editions: Map<string, Edition>
  revoked: Set<string>
  /** admission finds a ticket's first admission at the venue (synced, or by this device). */
  admission(ticketId: string): Admission | undefined
  keys: KeyRing
}

export interface Verdict {
  outcome: 'admitted' | 'refused'
  reason?: Reason
  ticket?: Ticket
  activity?: Activity
  /** timeZone is the edition's zone (for "已入场 HH:MM"). */
  timeZone: string
  firstAt?: number
  firstDoor?: string
  /** outsideSession: admitted, but outside every session of the activity (an anomaly). */
  outsideSession?: boolean
}

/** editionWindow is [start of the first day, end of the last day) in the edition's zone. */
export function editionWindow(e: Edition | undefined): [number, number] | undefined {
  if (!e) return undefined
  const tz = zoneOrUTC(e.timeZone)
  const from = startOfDay(e.startsOn, tz)
  const after = nextDay(e.endsOn)
  const until = after ? startOfDay(after, tz) : undefined
  if (from === undefined || until === undefined || until <= from) return undefined
  return [from, until]
}

/**
 * plausible reports whether a scan at time at can count for activity a of edition e: within
 * the edition's days, widened by the activity's sessions, give or take a day. With neither
 * known, anything is plausible (the server also refuses scans ahead of its own clock, which a
 * device cannot tell by itself).
 */
export function plausible(at: number, a: Activity | undefined, e: Edition | undefined): boolean {
  let win = editionWindow(e)
  for (const s of a?.sessions ?? []) {
    win = win ? [Math.min(win[0], s.start), Math.max(win[1], s.end)] : [s.start, s.end]
  }
  if (!win) return true
  return at >= win[0] - EDITION_TOLERANCE && at <= win[1] + EDITION_TOLERANCE
}

/** duringSession reports whether at lies in one of the activity's sessions. */
export function duringSession(at: number, a: Activity): boolean {
  if (a.sessions.length === 0) return true
  return a.sessions.some((s) => at >= s.start && at < s.end)
}

/** judgeTicket decides a scanned text at time now (ms). */
export async function judgeTicket(ctx: JudgeContext, payload: string, now: number): Promise<Verdict> {
  const parsed = parseTicket(payload)
  const fallbackZone = zoneOrUTC([...ctx.editions.values()][0]?.timeZone || DEFAULT_TIME_ZONE)
  if (!parsed) return { outcome: 'refused', reason: 'INVALID_SIGNATURE', timeZone: fallbackZone }
  const t = parsed.ticket
  const edition = ctx.editions.get(t.editionId)
  if (!edition || !(await ctx.keys.verify(edition.publicKey, parsed.message, parsed.signature))) {
    return { outcome: 'refused', reason: 'INVALID_SIGNATURE', timeZone: fallbackZone }
  }
  const activity = ctx.activities.get(t.activityId)
  const actEdition = activity ? (ctx.editions.get(activity.editionId) ?? edition) : edition
  const v: Verdict = { outcome: 'refused', ticket: t, timeZone: zoneOrUTC(actEdition.timeZone || DEFAULT_TIME_ZONE) }
  if (activity) v.activity = activity
  if (!activity) return { ...v, reason: 'WRONG_VENUE' }
  if (!activity.open) return { ...v, reason: 'ACTIVITY_NOT_OPEN' }
  if (!plausible(now, activity, ctx.editions.get(activity.editionId))) return { ...v, reason: 'TIME_OUT_OF_RANGE' }
  if (now < t.validFrom * 1000) return { ...v, reason: 'NOT_YET_VALID' }
  if (now > t.validUntil * 1000) return { ...v, reason: 'EXPIRED' }
  if (ctx.revoked.has(t.ticketId)) return { ...v, reason: 'REVOKED' }
  const first = ctx.admission(t.ticketId)
  if (first) {
    const out: Verdict = { ...v, reason: 'ALREADY_CHECKED_IN', firstAt: first.at }
    if (first.door) out.firstDoor = first.door
    return out
  }
  return { ...v, outcome: 'admitted', outsideSession: !duringSession(now, activity) }
}
