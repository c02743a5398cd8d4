import { describe, expect, it } from 'vitest'
import { doorMessage } from './api'
import { backoffDelay, parseDuration, retryHint } from './backoff'
import { counts, todaysActivities } from './counts'
import { isFailed, isPending, toWire, type QueuedRecord } from './records'
import { alreadyText, reasonText } from './reasons'
import { setupFromSearch, setupFromText, withoutSetup } from './setup'
import type { Activity, Occupancy } from './snapshot'
import { dayBounds, hhmm, startOfDay, ymd } from './time'

const at = (iso: string) => Date.parse(iso)
const TZ = 'Asia/Shanghai'

describe('backoff', () => {
  it('doubles from 1 s to 30 s with ±25 % jitter', () => {
    const mid = () => 0.5
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoffDelay(n, 0, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000])
    expect(backoffDelay(0, 0, () => 0)).toBe(750)
    expect(backoffDelay(0, 0, () => 1)).toBe(1250)
    expect(backoffDelay(10, 0, () => 1)).toBe(30000)
  })

  it('never waits less than the server asks', () => {
    expect(backoffDelay(0, 4500, () => 0.5)).toBe(4500)
    expect(backoffDelay(0, 60_000, () => 0.5)).toBe(60_000)
  })

  it('reads RetryInfo from an error body', () => {
    expect(parseDuration('0.200s')).toBe(200)
    expect(parseDuration('3s')).toBe(3000)
    expect(parseDuration('soon')).toBeUndefined()
    expect(retryHint([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retry_delay: '0.200s' }])).toBe(200)
    expect(retryHint([{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo' }])).toBeUndefined()
    expect(retryHint(undefined)).toBeUndefined()
  })
})

describe('setup codes', () => {
  it.each([
    ['ABCD-EFGH', 'ABCD-EFGH'],
    ['  abcd-efgh \n', 'abcd-efgh'],
    ['http://127.0.0.1:7100/door/?setup=K7QP-2MZX', 'K7QP-2MZX'],
    ['https://door.example/door/?a=1&setup=k7qp2mzx#x', 'k7qp2mzx'],
    ['/door/?setup=K7QP', 'K7QP'],
    ['https://door.example/door/', undefined],
    ['SW1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', undefined],
    ['这不是', undefined],
    ['', undefined],
  ])('%j → %j', (text, code) => {
    expect(setupFromText(text)).toBe(code)
  })

  it('reads and removes the page parameter', () => {
    expect(setupFromSearch('?setup=ABCD-1234')).toBe('ABCD-1234')
    expect(setupFromSearch('?x=1')).toBeUndefined()
    expect(withoutSetup('http://127.0.0.1:7100/door/?setup=ABCD')).toBe('/door/')
    expect(withoutSetup('http://127.0.0.1:7100/door/?a=1&setup=ABCD#h')).toBe('/door/?a=1#h')
  })
})

describe('time in the edition’s zone', () => {
  it('formats and bounds days in Asia/Shanghai whatever the machine’s zone', () => {
    expect(hhmm(at('2024-05-26T02:02:59Z'), TZ)).toBe('10:02')
    expect(ymd(at('2024-05-25T16:00:00Z'), TZ)).toBe('2024-05-26')
    expect(startOfDay('2024-05-26', TZ)).toBe(at('2024-05-26T00:00:00+08:00'))
    expect(dayBounds(at('2024-05-26T12:00:00+08:00'), TZ)).toEqual([at('2024-05-26T00:00:00+08:00'), at('2024-05-27T00:00:00+08:00')])
    expect(startOfDay('2024-02-30', TZ)).toBeUndefined()
  })

  it('handles a zone with daylight saving time', () => {
    expect(startOfDay('2024-03-31', 'Europe/Berlin')).toBe(at('2024-03-31T00:00:00+01:00'))
    expect(startOfDay('2024-04-01', 'Europe/Berlin')).toBe(at('2024-04-01T00:00:00+02:00'))
  })
})

describe('reasons', () => {
  it('says each refusal in plain Chinese', () => {
    expect(reasonText('REVOKED')).toBe('票已作废')
    expect(reasonText('TIME_OUT_OF_RANGE')).toBe('时间异常（请检查设备时钟）')
    expect(reasonText('SOMETHING_NEW')).toBe('拒绝入场')
    expect(alreadyText('10:02', '2号门')).toBe('已入场 10:02 于 2号门')
    expect(alreadyText(undefined, '')).toBe('已入场 于 其他检票口')
  })
})

function rec(over: Partial<QueuedRecord>): QueuedRecord {
  return {
    sequence: 1,
    occurredAt: at('2024-05-26T10:00:00+08:00'),
    venueId: 'v1',
    terminalId: 't1',
    kind: 'walk_in',
    category: 'PARTICIPANT_CATEGORY_YOUNG_PERSON',
    headcount: 1,
    activityId: 'a1',
    local: { outcome: 'admitted' },
    uploaded: false,
    ...over,
  }
}

describe('records on the wire', () => {
  it('writes each kind as UploadCheckins takes it', () => {
    expect(toWire(rec({ sequence: 12, occurredAt: at('2026-12-01T10:02:03.123Z') }))).toEqual({
      sequence: '12',
      occurred_at: '2026-12-01T10:02:03.123Z',
      venue_id: 'v1',
      activity_id: 'a1',
      walk_in: { category: 'PARTICIPANT_CATEGORY_YOUNG_PERSON', headcount: 1 },
    })
    expect(toWire(rec({ kind: 'ticket', payload: 'SW1:X', activityId: 'a1', overCapacityConfirmed: true }))).toEqual({
      sequence: '1',
      occurred_at: '2024-05-26T02:00:00.000Z',
      venue_id: 'v1',
      ticket: { payload: 'SW1:X' },
      over_capacity_confirmed: true,
    })
    expect(toWire(rec({ kind: 'group', youngPeople: 30, teachers: 2, groupName: '初二（3）班' })).group).toEqual({
      young_people: 30,
      teachers: 2,
      group_name: '初二（3）班',
    })
    expect(toWire(rec({ kind: 'checkout', headcount: 3 })).checkout).toEqual({ headcount: 3 })
  })

  it('tells pending, failed and isolated records apart', () => {
    expect(isPending(rec({}))).toBe(true)
    expect(isPending(rec({ uploaded: true }))).toBe(false)
    expect(isPending(rec({ failed: 'bad', isolate: true }))).toBe(true)
    expect(isPending(rec({ failed: 'bad' }))).toBe(false)
    expect(isFailed(rec({ failed: 'bad' }))).toBe(true)
    expect(isFailed(rec({ failed: 'bad', isolate: true }))).toBe(false)
  })
})

describe('counts', () => {
  const now = at('2024-05-26T10:30:00+08:00')
  const occ: Occupancy = {
    day: '2024-05-26',
    admittedToday: 100,
    inside: 90,
    safeCapacity: 100,
    warnPercent: 80,
    alarmPercent: 95,
    level: 'WARNING',
    countedAt: at('2024-05-26T10:29:00+08:00'),
  }

  it('adds this device’s records the server has not counted yet', () => {
    const records = [
      rec({ sequence: 1, kind: 'group', youngPeople: 3, teachers: 1 }), // pending: +4
      rec({ sequence: 2, kind: 'checkout', headcount: 2 }), // pending: −2 inside
      rec({ sequence: 3, uploaded: true, server: { outcome: 'admitted', recordedAt: at('2024-05-26T10:28:00+08:00') } }), // counted
      rec({ sequence: 4, uploaded: true, server: { outcome: 'admitted', recordedAt: at('2024-05-26T10:29:30+08:00') } }), // after counted_at: +1
      rec({ sequence: 5, kind: 'ticket', local: { outcome: 'refused', reason: 'EXPIRED' } }), // refused: 0
      rec({ sequence: 6, occurredAt: at('2024-05-25T10:00:00+08:00') }), // yesterday
    ]
    const c = counts(occ, records, now, TZ)
    expect(c.admittedToday).toBe(105)
    expect(c.inside).toBe(93)
    expect(c.safeCapacity).toBe(100)
    expect(c.alarm).toBe(false)
    expect(c.warning).toBe(true)
  })

  it('is at the alarm level when the server says so or the estimate reaches the line', () => {
    expect(counts({ ...occ, level: 'ALARM' }, [], now, TZ).alarm).toBe(true)
    const five = [1, 2, 3, 4, 5].map((sequence) => rec({ sequence }))
    expect(counts(occ, five, now, TZ)).toMatchObject({ inside: 95, alarm: true })
    expect(counts({ ...occ, safeCapacity: 0, level: 'UNSPECIFIED' }, five, now, TZ).alarm).toBe(false)
  })

  it('drops the server’s figures of another day', () => {
    expect(counts({ ...occ, day: '2024-05-25', level: 'ALARM' }, [], now, TZ)).toMatchObject({ admittedToday: 0, inside: 0, alarm: false })
  })

  it('lists today’s open activities by their first session', () => {
    const acts: Activity[] = [
      { id: 'late', editionId: '2024', title: '晚场', open: true, sessions: [{ start: at('2024-05-26T19:00:00+08:00'), end: at('2024-05-26T21:00:00+08:00') }] },
      { id: 'closed', editionId: '2024', title: '撤销', open: false, sessions: [{ start: at('2024-05-26T09:00:00+08:00'), end: at('2024-05-26T11:00:00+08:00') }] },
      { id: 'tomorrow', editionId: '2024', title: '明天', open: true, sessions: [{ start: at('2024-05-27T09:00:00+08:00'), end: at('2024-05-27T11:00:00+08:00') }] },
      { id: 'early', editionId: '2024', title: '早场', open: true, sessions: [{ start: at('2024-05-26T09:00:00+08:00'), end: at('2024-05-26T11:00:00+08:00') }] },
    ]
    expect(todaysActivities(acts, now, TZ).map((a) => a.id)).toEqual(['early', 'late'])
  })
})

describe('doorMessage', () => {
  it.each([
    [400, { message: 'setup code is not valid', localized_message: { message: '设置码无效或已过期' } }, '设置码无效或已过期'],
    [400, { message: '还没有活动周' }, '还没有活动周'],
    [401, { message: 'terminal has been revoked' }, '终端凭据已失效，请重新配对'],
    [503, { message: 'check-in is shutting down' }, '服务器繁忙，稍后自动重试'],
    [500, {}, '服务器错误（HTTP 500）'],
    [404, { message: 'not found' }, '请求未成功（HTTP 404）'],
  ])('%i %j', (status, body, want) => {
    expect(doorMessage(status, body)).toBe(want)
  })
})
