// Times in a named IANA zone (the edition's, e.g. Asia/Shanghai) without a date library: the
// door shows "已入场 10:02" in the venue's time, whatever zone the device is set to.

import { wallParts, type WallParts } from '../../src/utils/format'

const DAY = 86_400_000

/** zoneOrUTC returns tz when the platform knows it, else UTC (as the server's judge does). */
export function zoneOrUTC(tz: string | undefined): string {
  if (!tz) return 'UTC'
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return tz
  } catch {
    return 'UTC'
  }
}

// The wall clock comes from the console's formatting module: one implementation of a zone's
// parts for both bundles (it imports nothing but types, so the door stays small).
function fields(ms: number, tz: string): WallParts {
  return wallParts(ms, zoneOrUTC(tz))
}

/** offsetAt is how far the zone's wall clock is ahead of UTC at instant ms. */
export function offsetAt(ms: number, tz: string): number {
  const f = fields(ms, tz)
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second)
  return wall - (ms - (((ms % 1000) + 1000) % 1000))
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** hhmm formats an instant as HH:MM in tz. */
export function hhmm(ms: number, tz: string): string {
  const f = fields(ms, tz)
  return `${pad(f.hour)}:${pad(f.minute)}`
}

/** hhmmss formats an instant as HH:MM:SS in tz. */
export function hhmmss(ms: number, tz: string): string {
  const f = fields(ms, tz)
  return `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`
}

/** ymd is the local day of an instant in tz, YYYY-MM-DD. */
export function ymd(ms: number, tz: string): string {
  const f = fields(ms, tz)
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`
}

/** parseDay reads YYYY-MM-DD; undefined when it is not a real date. */
export function parseDay(s: string | undefined): { y: number; m: number; d: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s ?? '')
  if (!m) return undefined
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3])
  const t = new Date(Date.UTC(y, mo - 1, d))
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return undefined
  return { y, m: mo, d }
}

/** startOfDay is the instant the day YYYY-MM-DD begins in tz (00:00 there). */
export function startOfDay(day: string, tz: string): number | undefined {
  const p = parseDay(day)
  if (!p) return undefined
  const guess = Date.UTC(p.y, p.m - 1, p.d)
  let t = guess - offsetAt(guess, tz)
  const again = guess - offsetAt(t, tz)
  if (again !== t) t = again
  return t
}

/** nextDay is the day after YYYY-MM-DD. */
export function nextDay(day: string): string | undefined {
  const p = parseDay(day)
  if (!p) return undefined
  const t = new Date(Date.UTC(p.y, p.m - 1, p.d) + DAY)
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`
}

/** dayBounds is [start, end) of the local day of instant ms in tz. */
export function dayBounds(ms: number, tz: string): [number, number] {
  const day = ymd(ms, tz)
  const start = startOfDay(day, tz) ?? ms - (ms % DAY)
  const end = startOfDay(nextDay(day) ?? day, tz) ?? start + DAY
  return [start, end]
}

/** parseTime reads an RFC 3339 timestamp of the JSON API; undefined for null or junk. */
export function parseTime(s: string | null | undefined): number | undefined {
  if (!s) return undefined
  const t = Date.parse(s)
  return Number.isFinite(t) ? t : undefined
}
