import { describe, expect, it } from 'vitest'
import type { Edition } from '../api/types'
import { contactEmailPattern, contactLine, contactPhonePattern, pickConsoleEdition, pickPublicEdition, validEditionId } from './editions'

function edition(id: string, starts_on: string, ends_on: string): Edition {
  return {
    id,
    name: id,
    theme: '',
    starts_on,
    ends_on,
    report_deadline: ends_on,
    max_video_seconds: 180,
    counties: [],
    time_zone: 'Asia/Shanghai',
    forms: [],
    ticket_public_key: '',
    personal_data_retention_days: 0,
    personal_data_erased_at: null,
    contact: null,
  }
}

const y2025 = edition('2025', '2025-05-17', '2025-05-24')
const demo = edition('demo', '2026-11-28', '2026-12-05')
const y2024 = edition('2024', '2024-05-25', '2024-06-01')
const newestFirst = [demo, y2025, y2024]

describe('pickConsoleEdition', () => {
  it.each([
    { named: '2025', remembered: 'demo', preferred: '2024', want: '2025' },
    { named: '', remembered: 'demo', preferred: '2024', want: 'demo' },
    { named: '', remembered: '', preferred: '2024', want: '2024' },
    { named: 'gone', remembered: 'old', preferred: '2023', want: 'demo' },
  ])('named $named, remembered $remembered, preferred $preferred', ({ named, remembered, preferred, want }) => {
    expect(pickConsoleEdition(newestFirst, named, remembered, preferred)).toBe(want)
  })

  it('has nothing to pick from an empty list', () => {
    expect(pickConsoleEdition([], '2024', '', '2024')).toBe('')
  })
})

describe('pickPublicEdition', () => {
  it.each([
    { today: '2024-05-28', want: '2024' },
    { today: '2024-06-01', want: '2024' },
    { today: '2024-06-02', want: '2025' },
    { today: '2026-11-30', want: 'demo' },
    { today: '2027-01-01', want: 'demo' },
    { today: '2020-01-01', want: '2024' },
  ])('on $today → $want', ({ today, want }) => {
    expect(pickPublicEdition(newestFirst, today)).toBe(want)
  })

  it('has nothing to pick from an empty list', () => {
    expect(pickPublicEdition([], '2024-05-28')).toBe('')
  })
})

describe('validEditionId', () => {
  it.each([
    ['2024', true],
    ['demo-2', true],
    ['', false],
    ['Demo', false],
    ['a/b', false],
    [undefined, false],
  ])('%j → %s', (id, want) => {
    expect(validEditionId(id)).toBe(want)
  })
})

describe('contactLine', () => {
  it.each([
    {
      name: "the notice's line",
      c: { office: '市科技局国际合作办公室', person: '王宏颖', phone: '4222068', email: 'w251342595@163.com' },
      want: '联系人：市科技局国际合作办公室 王宏颖 电话 4222068 邮箱 w251342595@163.com',
    },
    { name: 'no mailbox', c: { office: '', person: '王宏颖', phone: '4222068', email: '' }, want: '联系人：王宏颖 电话 4222068' },
    { name: 'nothing given', c: { office: '', person: '', phone: '', email: '' }, want: '' },
    { name: 'no contact', c: null, want: '' },
  ])('$name', ({ c, want }) => {
    expect(contactLine(c)).toBe(want)
  })
})

describe('contact patterns', () => {
  it.each([
    { phone: '4222068', ok: true },
    { phone: '0351-4222068', ok: true },
    { phone: '03514222068', ok: true },
    { phone: '13812345678', ok: true },
    { phone: '12345', ok: false },
    { phone: '4222O68', ok: false },
  ])('phone $phone', ({ phone, ok }) => {
    expect(contactPhonePattern.test(phone)).toBe(ok)
  })
  it.each([
    { email: 'w251342595@163.com', ok: true },
    { email: 'w251342595', ok: false },
    { email: 'a b@163.com', ok: false },
  ])('e-mail $email', ({ email, ok }) => {
    expect(contactEmailPattern.test(email)).toBe(ok)
  })
})
