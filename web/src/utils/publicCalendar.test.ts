import { describe, expect, it } from 'vitest'
import type { PublicActivity } from '../api/types'
import { countByDay, dayLabel, editionDays, isDay, sessionDays, sessionsOnDay, timeOnDay } from './publicCalendar'

const tz = 'Asia/Shanghai'
// Wall-clock times in Shanghai (UTC+8) as RFC 3339 UTC instants.
const at = (day: string, hm: string) => new Date(`${day}T${hm}:00+08:00`).toISOString()
const session = (id: string, day: string, from: string, toDay: string, to: string) => ({
  id,
  starts_at: at(day, from),
  ends_at: at(toDay, to),
  places: 0,
  confirmed: 0,
  waiting: 0,
})
const activity = (id: string, ...sessions: ReturnType<typeof session>[]) =>
  ({ id, county_code: '140105', organizer: '', venue_name: '', details: { title: id, sessions } }) as unknown as PublicActivity

describe('edition days', () => {
  it('lists every day of the week, both ends included', () => {
    expect(editionDays('2024-05-25', '2024-06-01')).toEqual([
      '2024-05-25', '2024-05-26', '2024-05-27', '2024-05-28', '2024-05-29', '2024-05-30', '2024-05-31', '2024-06-01',
    ])
  })
  it.each([
    ['', '2024-06-01'],
    ['2024-06-01', '2024-05-25'],
    ['2024-02-30', '2024-03-01'],
  ])('gives nothing for %j to %j', (a, b) => {
    expect(editionDays(a, b)).toEqual([])
  })
  it.each([
    ['2024-05-30', true],
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2024-5-30', false],
    ['30/05/2024', false],
  ])('isDay(%j) = %j', (d, want) => {
    expect(isDay(d)).toBe(want)
  })
})

describe('sessions by day on the edition clock', () => {
  it.each([
    ['a morning', session('s', '2024-05-26', '09:00', '2024-05-26', '11:00'), ['2024-05-26']],
    // 00:30 in Shanghai is the day before in UTC: the edition's clock decides.
    ['just after midnight', session('s', '2024-05-26', '00:30', '2024-05-26', '02:00'), ['2024-05-26']],
    ['past midnight', session('s', '2024-05-27', '23:00', '2024-05-28', '01:00'), ['2024-05-27', '2024-05-28']],
    ['ending at midnight', session('s', '2024-05-27', '22:00', '2024-05-28', '00:00'), ['2024-05-27']],
    ['three days', session('s', '2024-05-25', '09:00', '2024-05-27', '17:00'), ['2024-05-25', '2024-05-26', '2024-05-27']],
  ])('%s', (_name, s, want) => {
    expect(sessionDays(s, tz)).toEqual(want)
  })

  it('counts each activity once a day and picks its sessions of the day', () => {
    const twice = activity('twice', session('a1', '2024-05-26', '09:00', '2024-05-26', '11:00'), session('a2', '2024-05-26', '14:00', '2024-05-26', '16:00'))
    const late = activity('late', session('b1', '2024-05-27', '23:00', '2024-05-28', '01:00'))
    const counts = countByDay([twice, late], tz)
    expect(Object.fromEntries(counts)).toEqual({ '2024-05-26': 1, '2024-05-27': 1, '2024-05-28': 1 })
    expect(sessionsOnDay(twice, '2024-05-26', tz).map((s) => s.id)).toEqual(['a1', 'a2'])
    expect(sessionsOnDay(late, '2024-05-28', tz).map((s) => s.id)).toEqual(['b1'])
    expect(sessionsOnDay(twice, '2024-05-27', tz)).toEqual([])
  })

  it('prints the hours of the day', () => {
    expect(timeOnDay(session('s', '2024-05-26', '09:00', '2024-05-26', '11:30'), tz)).toBe('09:00–11:30')
    expect(timeOnDay(session('s', '2024-05-27', '23:00', '2024-05-28', '01:00'), tz)).toBe('23:00–5月28日 01:00')
  })

  it.each([
    ['2024-05-25', '5月25日', '周六'],
    ['2024-05-30', '5月30日', '周四'],
  ])('labels %s as %s %s', (d, date, weekday) => {
    expect(dayLabel(d)).toEqual({ date, weekday })
  })
})
