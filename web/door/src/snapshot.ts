// What the door knows from its syncs, and how a sync answer changes it: editions, activities
// and occupancy are always complete and replace what was there; admitted tickets and
// revocations replace on a full answer and add up on a delta one (admitted kept by ticket,
// revocations as a set, since an answer may repeat a few of the previous one). The venue's
// tickets, by short code, replace on a full answer and add up on a delta one.

import type { DoorActivity, DoorOccupancy, EditionKey, SyncResponse } from './types'
import { parseTime } from './time'

export interface Admission {
  /** at is when the ticket was admitted (ms). */
  at: number
  terminalId?: string
  door?: string
}

export interface Occupancy {
  day: string
  admittedToday: number
  inside: number
  safeCapacity: number
  warnPercent: number
  alarmPercent: number
  level: 'UNSPECIFIED' | 'NORMAL' | 'WARNING' | 'ALARM'
  countedAt?: number
}

export interface Activity {
  id: string
  editionId: string
  title: string
  open: boolean
  sessions: { start: number; end: number }[]
}

export interface Edition {
  id: string
  publicKey: string
  startsOn: string
  endsOn: string
  timeZone: string
}

export interface Snapshot {
  terminalId: string
  terminalName: string
  venueId: string
  venueName: string
  countyCode: string
  editions: Edition[]
  activities: Activity[]
  /** revoked are ticket ids (lower case), a set. */
  revoked: string[]
  /** admitted maps ticket id (lower case) to its first admission at the venue. */
  admitted: Record<string, Admission>
  /**
   * tickets maps a short code to the signed payloads of the venue's tickets that have it: one,
   * but for the rare code two tickets share (the door then asks for the QR code).
   */
  tickets: Record<string, string[]>
  occupancy?: Occupancy
  serverTime?: number
  clockSkew: boolean
}

export interface Merged {
  snapshot: Snapshot
  /** admittedChanged, revokedChanged and ticketsChanged say whether those large parts need writing. */
  admittedChanged: boolean
  revokedChanged: boolean
  ticketsChanged: boolean
}

const LEVELS = ['UNSPECIFIED', 'NORMAL', 'WARNING', 'ALARM'] as const

function num(v: string | number | undefined | null): number {
  const n = typeof v === 'number' ? v : Number(v ?? 0)
  return Number.isFinite(n) ? n : 0
}

export function readOccupancy(o: DoorOccupancy | null | undefined): Occupancy | undefined {
  if (!o) return undefined
  let level: Occupancy['level'] = 'UNSPECIFIED'
  if (typeof o.level === 'number') level = LEVELS[o.level] ?? 'UNSPECIFIED'
  else if (o.level) {
    const s = o.level.replace(/^OCCUPANCY_LEVEL_/, '')
    level = (LEVELS as readonly string[]).includes(s) ? (s as Occupancy['level']) : 'UNSPECIFIED'
  }
  const out: Occupancy = {
    day: o.day ?? '',
    admittedToday: num(o.admitted_today),
    inside: num(o.inside),
    safeCapacity: num(o.safe_capacity),
    warnPercent: num(o.warn_percent),
    alarmPercent: num(o.alarm_percent),
    level,
  }
  const counted = parseTime(o.counted_at)
  if (counted !== undefined) out.countedAt = counted
  return out
}

function readEdition(e: EditionKey): Edition {
  return {
    id: e.edition_id,
    publicKey: e.public_key ?? '',
    startsOn: e.starts_on ?? '',
    endsOn: e.ends_on ?? '',
    timeZone: e.time_zone ?? '',
  }
}

function readActivity(a: DoorActivity): Activity {
  const sessions: Activity['sessions'] = []
  for (const s of a.sessions ?? []) {
    const start = parseTime(s.starts_at)
    const end = parseTime(s.ends_at)
    if (start !== undefined && end !== undefined) sessions.push({ start, end })
  }
  sessions.sort((x, y) => x.start - y.start)
  return { id: a.activity_id.toLowerCase(), editionId: a.edition_id, title: a.title, open: a.open, sessions }
}

export function emptySnapshot(): Snapshot {
  return {
    terminalId: '',
    terminalName: '',
    venueId: '',
    venueName: '',
    countyCode: '',
    editions: [],
    activities: [],
    revoked: [],
    admitted: {},
    tickets: {},
    clockSkew: false,
  }
}

/** mergeSync applies a sync answer to what the door held before (none: an empty snapshot). */
export function mergeSync(prev: Snapshot | undefined, resp: SyncResponse): Merged {
  const base = prev ?? emptySnapshot()
  const full = resp.full || !prev
  let admittedChanged = full
  let revokedChanged = full
  const admitted: Record<string, Admission> = full ? {} : { ...base.admitted }
  for (const a of resp.admitted ?? []) {
    if (!a.ticket_id) continue
    const id = a.ticket_id.toLowerCase()
    const at = parseTime(a.admitted_at) ?? 0
    const old = admitted[id]
    // The first admission is the one that counts; a repeat of it changes nothing.
    if (old && old.at <= at) continue
    const entry: Admission = { at }
    if (a.terminal_id) entry.terminalId = a.terminal_id
    if (a.door) entry.door = a.door
    admitted[id] = entry
    admittedChanged = true
  }
  let revoked = base.revoked
  if (full) {
    revoked = [...new Set((resp.revoked_ticket_ids ?? []).map((s) => s.toLowerCase()))]
  } else if (resp.revoked_ticket_ids?.length) {
    const set = new Set(base.revoked)
    const before = set.size
    for (const id of resp.revoked_ticket_ids) set.add(id.toLowerCase())
    if (set.size !== before) {
      revoked = [...set]
      revokedChanged = true
    }
  }
  let ticketsChanged = full
  let tickets = full ? {} : base.tickets
  for (const t of resp.tickets ?? []) {
    if (!t.short_code || !t.payload) continue
    const code = t.short_code.toUpperCase()
    const known = tickets[code] ?? []
    if (known.includes(t.payload)) continue
    if (!ticketsChanged) tickets = { ...tickets }
    tickets[code] = [...known, t.payload]
    ticketsChanged = true
  }
  const snapshot: Snapshot = {
    terminalId: resp.terminal_id || base.terminalId,
    terminalName: resp.terminal_name || base.terminalName,
    venueId: resp.venue_id || base.venueId,
    venueName: resp.venue_name || base.venueName,
    countyCode: resp.county_code || base.countyCode,
    editions: resp.editions ? resp.editions.map(readEdition) : base.editions,
    activities: resp.activities ? resp.activities.map(readActivity) : base.activities,
    revoked,
    admitted,
    tickets,
    clockSkew: resp.clock_skew_detected === true,
  }
  const occupancy = resp.occupancy === undefined ? base.occupancy : readOccupancy(resp.occupancy)
  if (occupancy) snapshot.occupancy = occupancy
  const serverTime = parseTime(resp.server_time)
  if (serverTime !== undefined) snapshot.serverTime = serverTime
  return { snapshot, admittedChanged, revokedChanged, ticketsChanged }
}
