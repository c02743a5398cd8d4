// The activity form's model and its conversion from and to ActivityDetails. Session times are
// edited as wall-clock text ("2024-05-25 09:00") in the edition's time zone.
import type { ActivityDetails, ActivityForm, ActivityTheme, SafetyPlan, Session, TargetGroup, Venue } from '../api/types'
import { isoToWallTime, wallTimeToIso } from './format'

export interface SessionRow {
  /** id of an existing session; "" for a new one. */
  id: string
  start: string
  end: string
  places: number
  confirmed: number
  waiting: number
}

export interface ActivityFormModel {
  title: string
  form: ActivityForm | ''
  target_groups: TargetGroup[]
  venue_id: string
  sessions: SessionRow[]
  requires_signup: boolean
  online_url: string
  major_demonstration: boolean
  workers_day_joint: boolean
  description: string
  /** theme is the themed week; "" leaves it to the unit's kind (new) or keeps it (update). */
  theme: ActivityTheme | ''
  safety_plan: SafetyPlan
}

/** safetyPlanParts are a safety plan's parts with their labels, in the form's order. */
export const safetyPlanParts: readonly { key: keyof SafetyPlan; label: string; max: number }[] = [
  { key: 'person', label: '安全负责人', max: 50 },
  { key: 'phone', label: '联系电话', max: 30 },
  { key: 'capacity_control', label: '人流控制措施', max: 1000 },
  { key: 'evacuation_route', label: '疏散路线', max: 1000 },
  { key: 'medical_point', label: '医疗点', max: 500 },
  { key: 'emergency_plan', label: '应急预案', max: 4000 },
]

export function emptySafetyPlan(): SafetyPlan {
  return { person: '', phone: '', capacity_control: '', evacuation_route: '', medical_point: '', emergency_plan: '' }
}

/** safetyPlanMissing lists the labels of the parts not yet written, as the county's approval asks for all. */
export function safetyPlanMissing(p: SafetyPlan | null | undefined): string[] {
  return safetyPlanParts.filter((part) => !(p?.[part.key] ?? '').trim()).map((part) => part.label)
}

/**
 * venueSafetyPlan is the plan a venue offers as the default: its person responsible on site and
 * their phone, crowd control by its safe capacity, and its own security and emergency plan when
 * one is on file. Parts the venue cannot say (routes, first aid) stay as they were.
 */
export function venueSafetyPlan(v: Venue, current: SafetyPlan): SafetyPlan {
  const out = { ...current }
  if (v.contact_name) out.person = v.contact_name
  if (v.contact_phone) out.phone = v.contact_phone
  if (v.safe_capacity > 0) out.capacity_control = `按「${v.name}」安全容量 ${v.safe_capacity} 人控制场内人数，达到告警线即暂停入场，分批放行。`
  if (v.safety_plan_on_file) {
    out.emergency_plan = `执行「${v.name}」已备案的安全保卫方案及应急预案${v.safety_plan_file_name ? `（${v.safety_plan_file_name}）` : ''}；发生险情时由安全负责人统一指挥疏散，同时拨打 110、119、120。`
  }
  return out
}

export function emptySessionRow(): SessionRow {
  return { id: '', start: '', end: '', places: 0, confirmed: 0, waiting: 0 }
}

export function emptyActivityForm(): ActivityFormModel {
  return {
    title: '',
    form: '',
    target_groups: [],
    venue_id: '',
    sessions: [emptySessionRow()],
    requires_signup: false,
    online_url: '',
    major_demonstration: false,
    workers_day_joint: false,
    description: '',
    theme: '',
    safety_plan: emptySafetyPlan(),
  }
}

/** isOnlineForm says whether a form needs no venue. */
export function isOnlineForm(form: ActivityForm | ''): boolean {
  return form === 'ACTIVITY_FORM_ONLINE_INTERACTION'
}

export function detailsToForm(d: ActivityDetails, timeZone: string): ActivityFormModel {
  return {
    title: d.title,
    form: d.form === 'ACTIVITY_FORM_UNSPECIFIED' ? '' : d.form,
    target_groups: [...(d.target_groups ?? [])],
    venue_id: d.venue_id,
    sessions: (d.sessions ?? []).map((s) => ({
      id: s.id,
      start: isoToWallTime(s.starts_at, timeZone),
      end: isoToWallTime(s.ends_at, timeZone),
      places: s.places,
      confirmed: s.confirmed,
      waiting: s.waiting,
    })),
    requires_signup: d.requires_signup,
    online_url: d.online_url,
    major_demonstration: d.major_demonstration,
    workers_day_joint: d.workers_day_joint,
    description: d.description,
    theme: d.theme === 'ACTIVITY_THEME_UNSPECIFIED' ? '' : d.theme,
    safety_plan: { ...emptySafetyPlan(), ...(d.safety_plan ?? {}) },
  }
}

export function formToDetails(m: ActivityFormModel, timeZone: string): ActivityDetails {
  const sessions: Session[] = m.sessions.map((s) => ({
    id: s.id,
    starts_at: wallTimeToIso(s.start, timeZone),
    ends_at: wallTimeToIso(s.end, timeZone),
    places: Math.max(0, Math.floor(s.places || 0)),
    confirmed: 0,
    waiting: 0,
  }))
  return {
    title: m.title.trim(),
    form: m.form || 'ACTIVITY_FORM_UNSPECIFIED',
    target_groups: [...m.target_groups],
    venue_id: m.venue_id,
    sessions,
    requires_signup: m.requires_signup,
    online_url: m.online_url.trim(),
    major_demonstration: m.major_demonstration,
    workers_day_joint: m.workers_day_joint,
    description: m.description.trim(),
    theme: m.theme || 'ACTIVITY_THEME_UNSPECIFIED',
    safety_plan: planOrNull(m.safety_plan),
  }
}

/** planOrNull trims a plan's parts and sends none when nothing is written. */
function planOrNull(p: SafetyPlan): SafetyPlan | null {
  const out = emptySafetyPlan()
  for (const part of safetyPlanParts) out[part.key] = p[part.key].trim()
  return safetyPlanParts.some((part) => out[part.key]) ? out : null
}

/**
 * sessionProblems checks the sessions the way the server will, so people see the problem next
 * to the row: every session needs a start and an end after it. It returns one message per
 * faulty row ("第 2 场：…"), none when all is well.
 */
export function sessionProblems(rows: readonly SessionRow[]): string[] {
  if (rows.length === 0) return ['至少需要一个场次']
  const out: string[] = []
  rows.forEach((r, i) => {
    const n = `第 ${i + 1} 场`
    if (!r.start || !r.end) out.push(`${n}：请填写开始和结束时间`)
    else if (r.end <= r.start) out.push(`${n}：结束时间必须晚于开始时间`)
    if (r.places < 0 || r.places > 100000) out.push(`${n}：名额应在 0 到 100000 之间`)
  })
  return out
}

export type PlaceField = 'venue_id' | 'online_url' | 'requires_signup'

/**
 * placeProblem checks where an activity takes place, by the registration service's rules: an
 * online activity (网络互动) needs its link; without a venue it needs a link and cannot require
 * sign-up, since there is no door to check tickets at. It names the field at fault, or null.
 */
export function placeProblem(m: Pick<ActivityFormModel, 'form' | 'venue_id' | 'online_url' | 'requires_signup'>): {
  field: PlaceField
  message: string
} | null {
  const link = m.online_url.trim() !== ''
  if (isOnlineForm(m.form) && !link) return { field: 'online_url', message: '网络互动活动请填写线上链接' }
  if (!m.venue_id && !link) return { field: 'venue_id', message: '请选择活动地点；线上活动可不选地点，但须填写线上链接' }
  if (!m.venue_id && m.requires_signup) return { field: 'requires_signup', message: '没有活动地点就无法核验门票，线上活动不能要求报名' }
  return null
}
