import { describe, expect, it } from 'vitest'
import { mergeSync, readOccupancy } from './snapshot'
import type { DoorOccupancy, SessionTimes, SyncResponse } from './types'

/** loose passes what the contract's types rule out (a gateway set up otherwise, an older one): the door still reads it. */
const loose = <T>(v: unknown): T => v as T

function answer(over: Partial<SyncResponse>): SyncResponse {
  return {
    cursor: 'v1.gen.1',
    full: false,
    server_time: '2024-05-26T02:00:00Z',
    terminal_id: 't1',
    terminal_name: '东门 1',
    venue_id: 'v1',
    venue_name: '山西省科学技术馆',
    county_code: '140105',
    clock_skew_detected: false,
    editions: [{ edition_id: '2024', public_key: 'AAAA', starts_on: '2024-05-25', ends_on: '2024-06-01', time_zone: 'Asia/Shanghai' }],
    activities: [
      {
        activity_id: 'A1',
        edition_id: '2024',
        title: '展览',
        open: true,
        sessions: [
          { starts_at: '2024-05-27T01:00:00Z', ends_at: '2024-05-27T04:00:00Z' },
          { starts_at: '2024-05-26T01:00:00Z', ends_at: '2024-05-26T04:00:00Z' },
        ],
      },
    ],
    revoked_ticket_ids: [],
    admitted: [],
    occupancy: {
      day: '2024-05-26',
      admitted_today: '120',
      inside: '80',
      safe_capacity: 100,
      warn_percent: 80,
      alarm_percent: 95,
      level: 'OCCUPANCY_LEVEL_WARNING',
      counted_at: '2024-05-26T01:59:58Z',
    },
    tickets: [],
    ...over,
  }
}

const adm = (ticket_id: string, admitted_at: string, door = '东门 1') => ({ ticket_id, admitted_at, terminal_id: 't1', door })

describe('mergeSync', () => {
  it('takes a first answer whole', () => {
    const { snapshot, admittedChanged, revokedChanged } = mergeSync(
      undefined,
      answer({ full: true, revoked_ticket_ids: ['R1', 'r1'], admitted: [adm('T1', '2024-05-26T01:02:00Z')] }),
    )
    expect(admittedChanged && revokedChanged).toBe(true)
    expect(snapshot.venueName).toBe('山西省科学技术馆')
    expect(snapshot.revoked).toEqual(['r1'])
    expect(snapshot.admitted).toEqual({ t1: { at: Date.parse('2024-05-26T01:02:00Z'), terminalId: 't1', door: '东门 1' } })
    expect(snapshot.activities[0]!.id).toBe('a1')
    expect(snapshot.activities[0]!.sessions.map((s) => new Date(s.start).toISOString())).toEqual([
      '2024-05-26T01:00:00.000Z',
      '2024-05-27T01:00:00.000Z',
    ])
    expect(snapshot.occupancy).toEqual({
      day: '2024-05-26',
      admittedToday: 120,
      inside: 80,
      safeCapacity: 100,
      warnPercent: 80,
      alarmPercent: 95,
      level: 'WARNING',
      countedAt: Date.parse('2024-05-26T01:59:58Z'),
    })
    expect(snapshot.serverTime).toBe(Date.parse('2024-05-26T02:00:00Z'))
  })

  it('adds a delta to what it had: admitted by ticket, revocations as a set', () => {
    const first = mergeSync(undefined, answer({ full: true, revoked_ticket_ids: ['r1'], admitted: [adm('t1', '2024-05-26T01:02:00Z')] })).snapshot
    const m = mergeSync(
      first,
      answer({
        revoked_ticket_ids: ['r1', 'r2'],
        // t1 repeats from the previous answer (the overlap); t2 is new.
        admitted: [adm('t1', '2024-05-26T01:02:00Z'), adm('t2', '2024-05-26T01:05:00Z', '西门')],
      }),
    )
    expect(m.snapshot.revoked.sort()).toEqual(['r1', 'r2'])
    expect(Object.keys(m.snapshot.admitted).sort()).toEqual(['t1', 't2'])
    expect(m.snapshot.admitted.t2!.door).toBe('西门')
    expect(m.admittedChanged && m.revokedChanged).toBe(true)

    const again = mergeSync(m.snapshot, answer({ revoked_ticket_ids: ['r2'], admitted: [adm('t2', '2024-05-26T01:05:00Z', '西门')] }))
    expect(again.admittedChanged).toBe(false)
    expect(again.revokedChanged).toBe(false)
    expect(again.snapshot.revoked.sort()).toEqual(['r1', 'r2'])
  })

  it('keeps the first admission of a ticket', () => {
    const s = mergeSync(undefined, answer({ full: true, admitted: [adm('t1', '2024-05-26T01:05:00Z', '西门')] })).snapshot
    const later = mergeSync(s, answer({ admitted: [adm('t1', '2024-05-26T01:09:00Z', '北门')] })).snapshot
    expect(later.admitted.t1!.door).toBe('西门')
    const earlier = mergeSync(s, answer({ admitted: [adm('t1', '2024-05-26T01:01:00Z', '南门')] })).snapshot
    expect(earlier.admitted.t1!.door).toBe('南门')
  })

  it('replaces everything on a full answer', () => {
    const s = mergeSync(undefined, answer({ full: true, revoked_ticket_ids: ['r1'], admitted: [adm('t1', '2024-05-26T01:02:00Z')] })).snapshot
    const m = mergeSync(s, answer({ full: true, revoked_ticket_ids: ['r9'], admitted: [adm('t9', '2024-05-26T01:02:00Z')], activities: [] }))
    expect(m.snapshot.revoked).toEqual(['r9'])
    expect(Object.keys(m.snapshot.admitted)).toEqual(['t9'])
    expect(m.snapshot.activities).toEqual([])
  })

  it('always replaces editions, activities and occupancy', () => {
    const s = mergeSync(undefined, answer({ full: true })).snapshot
    const m = mergeSync(
      s,
      answer({
        activities: [{ activity_id: 'a2', edition_id: '2024', title: '讲座', open: false, sessions: loose<SessionTimes[]>(null) }],
        occupancy: { ...answer({}).occupancy!, level: 'OCCUPANCY_LEVEL_ALARM', inside: '99' },
        clock_skew_detected: true,
      }),
    ).snapshot
    expect(m.activities).toEqual([{ id: 'a2', editionId: '2024', title: '讲座', open: false, sessions: [] }])
    expect(m.occupancy?.level).toBe('ALARM')
    expect(m.occupancy?.inside).toBe(99)
    expect(m.clockSkew).toBe(true)
  })

  it('reads occupancy levels by name or number, and a missing occupancy as none', () => {
    expect(readOccupancy(loose<DoorOccupancy>({ level: 3 }))?.level).toBe('ALARM')
    expect(readOccupancy(loose<DoorOccupancy>({ level: 'OCCUPANCY_LEVEL_NORMAL' }))?.level).toBe('NORMAL')
    expect(readOccupancy(loose<DoorOccupancy>({}))).toMatchObject({ level: 'UNSPECIFIED', inside: 0, safeCapacity: 0 })
    expect(readOccupancy(null)).toBeUndefined()
  })

  it('keeps the venue tickets by short code: replaced on a full answer, added on a delta', () => {
    const t = (id: string, code: string) => ({ ticket_id: id, short_code: code, payload: `SW1:${id}` })
    const first = mergeSync(undefined, answer({ full: true, tickets: [t('a', 'K7Q2M9XD'), t('b', 'W59F57S5')] }))
    expect(first.ticketsChanged).toBe(true)
    expect(first.snapshot.tickets).toEqual({ K7Q2M9XD: ['SW1:a'], W59F57S5: ['SW1:b'] })
    // A repeat changes nothing; a new ticket is added; two tickets may share a code.
    const again = mergeSync(first.snapshot, answer({ tickets: [t('a', 'K7Q2M9XD')] }))
    expect(again.ticketsChanged).toBe(false)
    const more = mergeSync(again.snapshot, answer({ tickets: [t('c', 'k7q2m9xd'), t('d', 'E62XPJRE')] }))
    expect(more.ticketsChanged).toBe(true)
    expect(more.snapshot.tickets).toEqual({ K7Q2M9XD: ['SW1:a', 'SW1:c'], W59F57S5: ['SW1:b'], E62XPJRE: ['SW1:d'] })
    expect(first.snapshot.tickets).toEqual({ K7Q2M9XD: ['SW1:a'], W59F57S5: ['SW1:b'] })
    // A full answer starts over.
    expect(mergeSync(more.snapshot, answer({ full: true, tickets: [t('d', 'E62XPJRE')] })).snapshot.tickets).toEqual({ E62XPJRE: ['SW1:d'] })
  })
})
