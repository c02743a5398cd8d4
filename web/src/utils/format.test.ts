import { describe, expect, it } from 'vitest'
import {
  formatCount,
  formatDateTime,
  formatSessionTime,
  isChinese,
  isMobilePhone,
  isoToWallTime,
  isSafeRedirect,
  placesLeft,
  todayInZone,
  toNumber,
  wallTimeToIso,
  zoneOffsetMinutes,
} from './format'

describe('toNumber and formatCount', () => {
  it.each([
    ['12345', 12345, '12,345'],
    [7, 7, '7'],
    ['', 0, '0'],
    [null, 0, '0'],
    [undefined, 0, '0'],
    ['x', 0, '0'],
    ['1234567', 1234567, '1,234,567'],
  ])('%j', (input, n, text) => {
    expect(toNumber(input)).toBe(n)
    expect(formatCount(input)).toBe(text)
  })
})

describe('time zones', () => {
  it.each([
    { wall: '2024-05-25 09:00', tz: 'Asia/Shanghai', iso: '2024-05-25T01:00:00Z' },
    { wall: '2024-05-25 00:30', tz: 'Asia/Shanghai', iso: '2024-05-24T16:30:00Z' },
    { wall: '2024-05-25T09:00:30', tz: 'Asia/Shanghai', iso: '2024-05-25T01:00:30Z' },
    { wall: '2024-07-01 12:00', tz: 'Europe/Berlin', iso: '2024-07-01T10:00:00Z' },
    { wall: '2024-01-15 12:00', tz: 'Europe/Berlin', iso: '2024-01-15T11:00:00Z' },
    { wall: '2024-05-25 09:00', tz: 'UTC', iso: '2024-05-25T09:00:00Z' },
    { wall: 'tomorrow', tz: 'Asia/Shanghai', iso: '' },
    { wall: '', tz: 'Asia/Shanghai', iso: '' },
  ])('wallTimeToIso($wall, $tz)', ({ wall, tz, iso }) => {
    expect(wallTimeToIso(wall, tz)).toBe(iso)
  })

  it.each([
    { iso: '2024-05-25T01:00:00Z', tz: 'Asia/Shanghai', wall: '2024-05-25 09:00' },
    { iso: '2024-05-31T16:00:00Z', tz: 'Asia/Shanghai', wall: '2024-06-01 00:00' },
    { iso: '2024-05-25T09:00:00+08:00', tz: 'Asia/Shanghai', wall: '2024-05-25 09:00' },
    { iso: '', tz: 'Asia/Shanghai', wall: '' },
    { iso: null, tz: 'Asia/Shanghai', wall: '' },
  ])('isoToWallTime($iso)', ({ iso, tz, wall }) => {
    expect(isoToWallTime(iso, tz)).toBe(wall)
  })

  it.each([
    { iso: '2024-05-25T01:00:00Z', want: '2024-05-25 09:00' },
    { iso: null, want: '—' },
    { iso: 'garbage', want: '—' },
  ])('formatDateTime($iso)', ({ iso, want }) => {
    expect(formatDateTime(iso, 'Asia/Shanghai')).toBe(want)
  })

  it.each([
    { a: '2024-05-25T01:00:00Z', b: '2024-05-25T03:30:00Z', want: '2024-05-25 09:00–11:30' },
    { a: '2024-05-25T01:00:00Z', b: '2024-05-26T03:30:00Z', want: '2024-05-25 09:00 – 2024-05-26 11:30' },
    { a: null, b: '2024-05-25T03:30:00Z', want: '— – 2024-05-25 11:30' },
  ])('formatSessionTime($a, $b)', ({ a, b, want }) => {
    expect(formatSessionTime(a, b, 'Asia/Shanghai')).toBe(want)
  })

  it('offsets and today', () => {
    expect(zoneOffsetMinutes(Date.parse('2024-05-25T00:00:00Z'), 'Asia/Shanghai')).toBe(480)
    expect(todayInZone('Asia/Shanghai', Date.parse('2024-05-31T16:00:00Z'))).toBe('2024-06-01')
  })
})

describe('places', () => {
  it.each([
    { places: 0, confirmed: 5, left: null },
    { places: 30, confirmed: 0, left: 30 },
    { places: 30, confirmed: 29, left: 1 },
    { places: 30, confirmed: 30, left: 0 },
    { places: 30, confirmed: 31, left: 0 },
  ])('$places places, $confirmed confirmed', ({ places, confirmed, left }) => {
    expect(placesLeft({ places, confirmed })).toBe(left)
  })
})

describe('isMobilePhone', () => {
  it.each([
    ['13812341234', true],
    [' 19900001111 ', true],
    ['12812341234', false],
    ['1381234123', false],
    ['138123412345', false],
    ['1381234abcd', false],
    ['', false],
  ])('%j → %s', (phone, valid) => {
    expect(isMobilePhone(phone)).toBe(valid)
  })
})

describe('isSafeRedirect', () => {
  it.each([
    ['/activities?status=ACTIVITY_STATUS_SUBMITTED', true],
    ['/dashboard', true],
    ['//evil.example/x', false],
    ['/\\evil.example', false],
    ['https://evil.example', false],
    ['/login?redirect=/x', false],
    [undefined, false],
    [['/a'], false],
  ])('%j → %s', (path, want) => {
    expect(isSafeRedirect(path)).toBe(want)
  })
})

describe('isChinese', () => {
  it.each([
    ['“气象”不是单位类型，请填写其中之一：气象部门', true],
    ['总结报告请上传 PDF 或 Word（.docx）文件', true],
    ['"气象" is not a unit kind', false],
    ['form 联欢会 is not one of the known activity forms', false],
    ['form 联欢会 is not one of the known activity forms: 科普讲座、科技展览、科技咨询、网络互动', false],
    ['“plan.csv”是空的', true],
    ['', false],
    [42, false],
  ])('%j → %s', (text, want) => {
    expect(isChinese(text)).toBe(want)
  })
})
