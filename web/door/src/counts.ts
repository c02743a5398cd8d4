// What the door shows of the venue's day: the server's figures from the last sync plus this
// device's own records the server had not counted yet, and whether the venue is at its alarm
// level (doors then ask before each admission).

import { people, type QueuedRecord } from './records'
import type { Activity, Occupancy } from './snapshot'
import { dayBounds, ymd } from './time'

export interface Counts {
  admittedToday: number
  inside: number
  safeCapacity: number
  alarmAt: number
  level: Occupancy['level']
  /** alarm: the server says ALARM, or the estimate inside reached the alarm line. */
  alarm: boolean
  warning: boolean
}

/** uncounted: the record is not in the server's figures yet (not uploaded, or after counted_at). */
export function uncounted(r: QueuedRecord, occ: Occupancy | undefined): boolean {
  if (!r.uploaded) return true
  if (!occ?.countedAt) return false
  return (r.server?.recordedAt ?? 0) > occ.countedAt
}

export function counts(occ: Occupancy | undefined, records: Iterable<QueuedRecord>, now: number, tz: string): Counts {
  const today = ymd(now, tz)
  // The server's figures are for occupancy.day; on another day they no longer hold.
  const sameDay = !!occ && (occ.day === '' || occ.day === today)
  let admitted = sameDay ? occ.admittedToday : 0
  let inside = sameDay ? occ.inside : 0
  const [from, to] = dayBounds(now, tz)
  for (const r of records) {
    if (r.occurredAt < from || r.occurredAt >= to || !uncounted(r, sameDay ? occ : undefined)) continue
    const p = people(r)
    if (p > 0) admitted += p
    inside = Math.max(0, inside + p)
  }
  const safeCapacity = occ?.safeCapacity ?? 0
  const alarmPercent = occ?.alarmPercent || 100
  const warnPercent = occ?.warnPercent || 80
  const alarmAt = safeCapacity > 0 ? (safeCapacity * alarmPercent) / 100 : Infinity
  const warnAt = safeCapacity > 0 ? (safeCapacity * warnPercent) / 100 : Infinity
  const level = sameDay ? (occ?.level ?? 'UNSPECIFIED') : 'UNSPECIFIED'
  const alarm = level === 'ALARM' || inside >= alarmAt
  return {
    admittedToday: admitted,
    inside,
    safeCapacity,
    alarmAt,
    level,
    alarm,
    warning: !alarm && (level === 'WARNING' || inside >= warnAt),
  }
}

/** todaysActivities are the open activities with a session on today's date (in tz), by start. */
export function todaysActivities(activities: Activity[], now: number, tz: string): Activity[] {
  const [from, to] = dayBounds(now, tz)
  const open = activities.filter((a) => a.open)
  const today = open.filter((a) => a.sessions.some((s) => s.start < to && s.end > from))
  const first = (a: Activity) => a.sessions.find((s) => s.end > from)?.start ?? 0
  return today.sort((x, y) => first(x) - first(y) || x.title.localeCompare(y.title))
}
