import { describe, expect, it } from 'vitest'
import type { ActivityDetails, Venue } from '../api/types'
import {
  detailsToForm,
  emptySafetyPlan,
  emptySessionRow,
  formToDetails,
  isOnlineForm,
  placeProblem,
  safetyPlanMissing,
  sessionProblems,
  venueSafetyPlan,
  type SessionRow,
} from './activityForm'

const details: ActivityDetails = {
  title: '走进重点实验室',
  form: 'ACTIVITY_FORM_OPEN_DAY',
  target_groups: ['TARGET_GROUP_YOUTH'],
  venue_id: '0190f3a0-0000-7000-8000-000000000001',
  sessions: [
    { id: 's1', starts_at: '2024-05-25T01:00:00Z', ends_at: '2024-05-25T03:00:00Z', places: 40, confirmed: 12, waiting: 0 },
  ],
  requires_signup: true,
  online_url: '',
  major_demonstration: true,
  workers_day_joint: false,
  description: '参观实验室',
  theme: 'ACTIVITY_THEME_AGRICULTURE',
  safety_plan: null,
}

describe('activity form', () => {
  it('round-trips details through the form in the edition time zone', () => {
    const form = detailsToForm(details, 'Asia/Shanghai')
    expect(form.sessions[0]).toMatchObject({ id: 's1', start: '2024-05-25 09:00', end: '2024-05-25 11:00', places: 40, confirmed: 12 })
    const back = formToDetails(form, 'Asia/Shanghai')
    expect(back.sessions[0]).toEqual({ ...details.sessions[0], confirmed: 0, waiting: 0 })
    expect({ ...back, sessions: [] }).toEqual({ ...details, sessions: [] })
  })

  it('trims text and sends an unspecified form when none is picked', () => {
    const form = detailsToForm(details, 'Asia/Shanghai')
    form.title = '  标题  '
    form.form = ''
    form.online_url = ' https://live.example.cn '
    const d = formToDetails(form, 'Asia/Shanghai')
    expect(d.title).toBe('标题')
    expect(d.form).toBe('ACTIVITY_FORM_UNSPECIFIED')
    expect(d.online_url).toBe('https://live.example.cn')
  })

  it('leaves the theme to the unit when none is picked', () => {
    const form = detailsToForm({ ...details, theme: 'ACTIVITY_THEME_UNSPECIFIED' }, 'Asia/Shanghai')
    expect(form.theme).toBe('')
    expect(formToDetails(form, 'Asia/Shanghai').theme).toBe('ACTIVITY_THEME_UNSPECIFIED')
  })

  it.each([
    ['ACTIVITY_FORM_ONLINE_INTERACTION', true],
    ['ACTIVITY_FORM_LECTURE', false],
    ['', false],
  ] as const)('isOnlineForm(%s)', (form, want) => {
    expect(isOnlineForm(form)).toBe(want)
  })
})

const row = (start: string, end: string, places = 0): SessionRow => ({ ...emptySessionRow(), start, end, places })

describe('sessionProblems', () => {
  it.each([
    { rows: [], want: ['至少需要一个场次'] },
    { rows: [row('2024-05-25 09:00', '2024-05-25 11:00')], want: [] },
    { rows: [row('', '2024-05-25 11:00')], want: ['第 1 场：请填写开始和结束时间'] },
    {
      rows: [row('2024-05-25 09:00', '2024-05-25 11:00'), row('2024-05-25 11:00', '2024-05-25 11:00')],
      want: ['第 2 场：结束时间必须晚于开始时间'],
    },
    { rows: [row('2024-05-25 09:00', '2024-05-25 11:00', 100001)], want: ['第 1 场：名额应在 0 到 100000 之间'] },
  ])('$rows.length rows → $want', ({ rows, want }) => {
    expect(sessionProblems(rows)).toEqual(want)
  })
})

describe('placeProblem', () => {
  const base = { form: 'ACTIVITY_FORM_LECTURE' as const, venue_id: 'v1', online_url: '', requires_signup: false }
  it.each([
    { name: 'venue, no link', m: base, want: null },
    { name: 'venue and sign-up', m: { ...base, requires_signup: true }, want: null },
    { name: 'no venue, no link', m: { ...base, venue_id: '' }, want: 'venue_id' },
    { name: 'no venue, a link', m: { ...base, venue_id: '', online_url: 'https://x.cn' }, want: null },
    { name: 'no venue, a link, sign-up', m: { ...base, venue_id: '', online_url: 'https://x.cn', requires_signup: true }, want: 'requires_signup' },
    { name: 'online form without link', m: { ...base, form: 'ACTIVITY_FORM_ONLINE_INTERACTION' as const }, want: 'online_url' },
    { name: 'online form with link', m: { ...base, form: 'ACTIVITY_FORM_ONLINE_INTERACTION' as const, online_url: 'https://x.cn' }, want: null },
  ])('$name', ({ m, want }) => {
    expect(placeProblem(m)?.field ?? null).toBe(want)
  })
})

describe('safety plan', () => {
  const venue = {
    name: '山西省科技馆',
    contact_name: '张安全',
    contact_phone: '0351-4222068',
    safe_capacity: 800,
    safety_plan_on_file: true,
    safety_plan_file_name: '安全预案.pdf',
  } as unknown as Venue

  it("offers the venue's person, phone, capacity and plan on file, keeping what the venue cannot say", () => {
    const p = venueSafetyPlan(venue, { ...emptySafetyPlan(), evacuation_route: '东门疏散' })
    expect(p.person).toBe('张安全')
    expect(p.phone).toBe('0351-4222068')
    expect(p.capacity_control).toContain('800')
    expect(p.emergency_plan).toContain('安全预案.pdf')
    expect(p.evacuation_route).toBe('东门疏散')
    expect(safetyPlanMissing(p)).toEqual(['医疗点'])
  })

  it.each([
    { name: 'nothing written', plan: null, want: ['安全负责人', '联系电话', '人流控制措施', '疏散路线', '医疗点', '应急预案'] },
    { name: 'spaces only', plan: { ...emptySafetyPlan(), person: '  ' }, want: ['安全负责人', '联系电话', '人流控制措施', '疏散路线', '医疗点', '应急预案'] },
  ])('names what is missing: $name', ({ plan, want }) => {
    expect(safetyPlanMissing(plan)).toEqual(want)
  })

  it('sends no plan when nothing is written, and a trimmed one otherwise', () => {
    const form = detailsToForm(details, 'Asia/Shanghai')
    expect(formToDetails(form, 'Asia/Shanghai').safety_plan).toBeNull()
    form.safety_plan.person = ' 张安全 '
    expect(formToDetails(form, 'Asia/Shanghai').safety_plan).toEqual({ ...emptySafetyPlan(), person: '张安全' })
  })
})
