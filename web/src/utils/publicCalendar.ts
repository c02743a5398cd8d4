// The public calendar: the edition's days, and which activities and sessions fall on each, on
// the edition's clock. A session belongs to every day it touches (an evening talk that runs past
// midnight is on both), as the registration service's day filter counts it.
import type { PublicActivity, Session } from '../api/types'
import { wallParts } from './format'

const pad = (n: number) => String(n).padStart(2, '0')
const weekdays = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']
const DAY = 86_400_000

/** isDay accepts a date as YYYY-MM-DD that exists on the calendar. */
export function isDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!m) return false
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return new Date(t).toISOString().slice(0, 10) === text
}

/** editionDays lists the days from startsOn to endsOn (YYYY-MM-DD), both included; at most 62. */
export function editionDays(startsOn: string, endsOn: string): string[] {
  if (!isDay(startsOn) || !isDay(endsOn)) return []
  const out: string[] = []
  for (let t = Date.parse(`${startsOn}T00:00:00Z`), end = Date.parse(`${endsOn}T00:00:00Z`); t <= end && out.length < 62; t += DAY) {
    out.push(new Date(t).toISOString().slice(0, 10))
  }
  return out
}

function dayOf(instant: number, timeZone: string): string {
  const w = wallParts(instant, timeZone)
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`
}

/** sessionDays are the days, on timeZone's calendar, that a session touches: [start, end). */
export function sessionDays(s: Pick<Session, 'starts_at' | 'ends_at'>, timeZone: string): string[] {
  const start = s.starts_at ? Date.parse(s.starts_at) : NaN
  if (Number.isNaN(start)) return []
  let end = s.ends_at ? Date.parse(s.ends_at) : NaN
  if (Number.isNaN(end) || end <= start) end = start + 1
  const first = dayOf(start, timeZone)
  const last = dayOf(end - 1, timeZone) // a session ending at midnight is not on the next day
  const out = [first]
  // Step by whole days from the first (noon avoids any daylight-saving edge).
  for (let t = Date.parse(`${first}T12:00:00Z`) + DAY; out.length < 62; t += DAY) {
    const d = new Date(t).toISOString().slice(0, 10)
    if (d > last) break
    out.push(d)
  }
  return out
}

/** sessionsOnDay are an activity's sessions on day. */
export function sessionsOnDay(a: PublicActivity, day: string, timeZone: string): Session[] {
  return a.details.sessions.filter((s) => sessionDays(s, timeZone).includes(day))
}

/** countByDay counts, for each day, the activities with a session on it. */
export function countByDay(activities: PublicActivity[], timeZone: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const a of activities) {
    const days = new Set(a.details.sessions.flatMap((s) => sessionDays(s, timeZone)))
    for (const d of days) out.set(d, (out.get(d) ?? 0) + 1)
  }
  return out
}

/** dayLabel prints a day for the calendar strip: { date: '5月25日', weekday: '周六' }. */
export function dayLabel(day: string): { date: string; weekday: string } {
  if (!isDay(day)) return { date: day, weekday: '' }
  const t = new Date(`${day}T00:00:00Z`)
  return { date: `${t.getUTCMonth() + 1}月${t.getUTCDate()}日`, weekday: weekdays[t.getUTCDay()] ?? '' }
}

/** timeOnDay prints a session's hours as seen on day: "09:00–11:00", "23:00–次日01:00". */
export function timeOnDay(s: Pick<Session, 'starts_at' | 'ends_at'>, timeZone: string): string {
  const fmt = (value: string | null | undefined): { day: string; hm: string } => {
    const t = value ? Date.parse(value) : NaN
    if (Number.isNaN(t)) return { day: '', hm: '—' }
    const w = wallParts(t, timeZone)
    return { day: `${w.year}-${pad(w.month)}-${pad(w.day)}`, hm: `${pad(w.hour)}:${pad(w.minute)}` }
  }
  const a = fmt(s.starts_at)
  const b = fmt(s.ends_at)
  if (!a.day || !b.day || a.day === b.day) return `${a.hm}–${b.hm}`
  return `${a.hm}–${Number(b.day.slice(5, 7))}月${Number(b.day.slice(8))}日 ${b.hm}`
}
