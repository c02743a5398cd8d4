// Formatting of numbers, times and phone numbers. Times are shown and entered in the edition's
// time zone (Asia/Shanghai unless the edition says otherwise), whatever the browser's zone is.
import type { Int64, Session } from '../api/types'

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

const pad = (n: number) => String(n).padStart(2, '0')

/** toNumber reads an int64 string (or a number) as a number; anything else is 0. */
export function toNumber(value: Int64 | number | null | undefined): number {
  if (value === null || value === undefined || value === '') return 0
  const n = typeof value === 'number' ? value : Number(value)
  return Number.isFinite(n) ? n : 0
}

/** formatCount prints a count with thousands separators: "12,345". */
export function formatCount(value: Int64 | number | null | undefined): string {
  return toNumber(value).toLocaleString('zh-CN')
}

export interface WallParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

const partFormatters = new Map<string, Intl.DateTimeFormat>()

/** wallParts is the wall clock of timeZone at an instant (the door app reads it too). */
export function wallParts(instant: number, timeZone: string): WallParts {
  let fmt = partFormatters.get(timeZone)
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    partFormatters.set(timeZone, fmt)
  }
  const out: Record<string, number> = {}
  for (const p of fmt.formatToParts(new Date(instant))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value)
  }
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  }
}

/** zoneOffsetMinutes is how far timeZone's wall clock is ahead of UTC at an instant. */
export function zoneOffsetMinutes(instant: number, timeZone: string): number {
  const w = wallParts(instant, timeZone)
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60000)
}

function parseInstant(value: string | null | undefined): number | null {
  if (!value) return null
  const t = Date.parse(value)
  return Number.isNaN(t) ? null : t
}

/** formatDateTime prints an RFC 3339 time as "2024-05-25 09:30" in timeZone; "—" when unset. */
export function formatDateTime(value: string | null | undefined, timeZone = DEFAULT_TIME_ZONE): string {
  const t = parseInstant(value)
  if (t === null) return '—'
  const w = wallParts(t, timeZone)
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`
}

/** formatSessionTime prints a session as "2024-05-25 09:00–11:30", or with both dates when it spans days. */
export function formatSessionTime(start: string | null | undefined, end: string | null | undefined, timeZone = DEFAULT_TIME_ZONE): string {
  const a = formatDateTime(start, timeZone)
  const b = formatDateTime(end, timeZone)
  if (a === '—' || b === '—') return `${a} – ${b}`
  if (a.slice(0, 10) === b.slice(0, 10)) return `${a}–${b.slice(11)}`
  return `${a} – ${b}`
}

/** isoToWallTime turns an RFC 3339 time into "YYYY-MM-DD HH:mm" on timeZone's clock (for pickers). */
export function isoToWallTime(value: string | null | undefined, timeZone = DEFAULT_TIME_ZONE): string {
  const t = parseInstant(value)
  return t === null ? '' : formatDateTime(value, timeZone)
}

/**
 * wallTimeToIso reads "YYYY-MM-DD HH:mm[:ss]" as a time on timeZone's clock and returns it as an
 * RFC 3339 UTC time, e.g. "2024-05-25 09:00" in Asia/Shanghai is "2024-05-25T01:00:00Z".
 * It returns "" for text that is not such a time.
 */
export function wallTimeToIso(wall: string, timeZone = DEFAULT_TIME_ZONE): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall.trim())
  if (!m) return ''
  const [year, month, day, hour, minute, second] = m.slice(1).map((s) => Number(s ?? 0))
  const guess = Date.UTC(year!, month! - 1, day!, hour!, minute!, second ?? 0)
  const first = zoneOffsetMinutes(guess, timeZone)
  let instant = guess - first * 60000
  const second_ = zoneOffsetMinutes(instant, timeZone)
  if (second_ !== first) instant = guess - second_ * 60000
  return new Date(instant).toISOString().replace('.000Z', 'Z')
}

/** todayInZone is today's date as YYYY-MM-DD on timeZone's calendar. */
export function todayInZone(timeZone = DEFAULT_TIME_ZONE, now = Date.now()): string {
  const w = wallParts(now, timeZone)
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`
}

/** placesLeft is how many places a session has left, or null when its places are not limited. */
export function placesLeft(session: Pick<Session, 'places' | 'confirmed'>): number | null {
  if (!session.places) return null
  return Math.max(0, session.places - (session.confirmed ?? 0))
}

/** isMobilePhone accepts a mainland mobile number of 11 digits, as the server does. */
export function isMobilePhone(phone: string): boolean {
  return /^1[3-9]\d{9}$/.test(phone.trim())
}

/** isSafeRedirect accepts only a path on this site, so ?redirect= cannot send people elsewhere. */
export function isSafeRedirect(path: unknown): path is string {
  return typeof path === 'string' && path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') && !path.startsWith('/login')
}

const englishWords = new Set(
  'is are was not no the a an of to be must has have may only and for in on with this it its cannot can at from by as or please your you'.split(' '),
)

/**
 * isChinese says whether a server's text is written in Chinese: it has Han characters, and
 * outside quotes no English word of the kind every English sentence has (is, not, the, of,
 * must…). A Chinese sentence may name PDF or plan.xlsx; an English one quoting "气象" is not
 * Chinese. The same rule as the server's errs.IsChinese.
 */
export function isChinese(text: unknown): text is string {
  if (typeof text !== 'string') return false
  const bare = text.replace(/“[^”]*”|"[^"]*"|「[^」]*」|‘[^’]*’/g, '')
  if (!/\p{Script=Han}/u.test(bare)) return false
  return !(bare.toLowerCase().match(/[a-z']+/g) ?? []).some((w) => englishWords.has(w))
}
