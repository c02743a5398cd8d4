// The venue form's model, its checks (the venue service's rules, so mistakes show before the
// round trip) and its conversion from a Venue and to VenueDetails.
import type { Venue, VenueDetails, VenueKind } from '../api/types'

export const DEFAULT_WARN_PERCENT = 80
export const DEFAULT_ALARM_PERCENT = 100

export interface VenueFormModel {
  name: string
  kind: VenueKind | ''
  county_code: string
  address: string
  /** Degrees as typed; both empty leaves the venue off the map. */
  latitude: string
  longitude: string
  /** 0 means not set. */
  safe_capacity: number
  contact_name: string
  contact_phone: string
  safety_plan_on_file: boolean
  warn_percent: number
  alarm_percent: number
}

export type VenueFormField = keyof VenueFormModel

export function emptyVenueForm(countyCode = ''): VenueFormModel {
  return {
    name: '',
    kind: '',
    county_code: countyCode,
    address: '',
    latitude: '',
    longitude: '',
    safe_capacity: 0,
    contact_name: '',
    contact_phone: '',
    safety_plan_on_file: false,
    warn_percent: DEFAULT_WARN_PERCENT,
    alarm_percent: DEFAULT_ALARM_PERCENT,
  }
}

/** venueToForm fills the form from a stored venue; thresholds of 0 show their defaults. */
export function venueToForm(v: Venue): VenueFormModel {
  return {
    name: v.name,
    kind: v.kind === 'VENUE_KIND_UNSPECIFIED' ? '' : v.kind,
    county_code: v.county_code,
    address: v.address ?? '',
    latitude: v.coordinates ? String(v.coordinates.latitude) : '',
    longitude: v.coordinates ? String(v.coordinates.longitude) : '',
    safe_capacity: v.safe_capacity ?? 0,
    contact_name: v.contact_name ?? '',
    contact_phone: v.contact_phone ?? '',
    safety_plan_on_file: Boolean(v.safety_plan_on_file),
    warn_percent: v.warn_percent || DEFAULT_WARN_PERCENT,
    alarm_percent: v.alarm_percent || DEFAULT_ALARM_PERCENT,
  }
}

function degrees(text: string): number | null {
  const t = text.trim()
  if (t === '' || !/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return null
  return Number(t)
}

/** formToVenueDetails turns a checked form into the request's details. */
export function formToVenueDetails(m: VenueFormModel): VenueDetails {
  const lat = degrees(m.latitude)
  const lng = degrees(m.longitude)
  return {
    name: m.name.trim(),
    kind: m.kind || 'VENUE_KIND_UNSPECIFIED',
    county_code: m.county_code,
    address: m.address.trim(),
    coordinates: lat !== null && lng !== null ? { latitude: lat, longitude: lng } : null,
    safe_capacity: Math.max(0, Math.floor(m.safe_capacity || 0)),
    contact_name: m.contact_name.trim(),
    contact_phone: m.contact_phone.trim(),
    safety_plan_on_file: m.safety_plan_on_file,
    warn_percent: Math.floor(m.warn_percent || 0),
    alarm_percent: Math.floor(m.alarm_percent || 0),
  }
}

const chars = (s: string) => [...s.trim()].length

/**
 * venueFormProblems checks the form as the venue service does and returns one message per field
 * at fault; an empty object means the form may be sent.
 */
export function venueFormProblems(m: VenueFormModel): Partial<Record<VenueFormField, string>> {
  const out: Partial<Record<VenueFormField, string>> = {}
  const n = chars(m.name)
  if (n === 0) out.name = '请填写场馆名称'
  else if (n < 2 || n > 200) out.name = '名称为 2 到 200 个字'
  if (!m.kind || m.kind === 'VENUE_KIND_UNSPECIFIED') out.kind = '请选择场馆类型'
  if (!/^\d{6}$/.test(m.county_code)) out.county_code = '请选择县（市、区）'
  if (chars(m.address) > 500) out.address = '地址最多 500 个字'

  const latText = m.latitude.trim()
  const lngText = m.longitude.trim()
  if (latText !== '' || lngText !== '') {
    const lat = degrees(latText)
    const lng = degrees(lngText)
    if (latText === '' || lngText === '') {
      out[latText === '' ? 'latitude' : 'longitude'] = '经纬度需同时填写，或都不填'
    } else {
      if (lat === null || lat < -90 || lat > 90) out.latitude = '纬度为 -90 到 90 之间的度数，如 37.8706'
      if (lng === null || lng < -180 || lng > 180) out.longitude = '经度为 -180 到 180 之间的度数，如 112.5489'
    }
  }

  const cap = m.safe_capacity
  if (!Number.isInteger(cap) || cap < 0 || cap > 1_000_000) out.safe_capacity = '安全容量为 0 到 1,000,000 之间的整数（0 表示未设置）'
  if (chars(m.contact_name) > 50) out.contact_name = '联系人最多 50 个字'
  const phone = m.contact_phone.trim()
  if (phone.length > 30) out.contact_phone = '联系电话最多 30 个字符'
  else if (phone !== '' && !/^[0-9+\-()（） ]+$/.test(phone)) out.contact_phone = '联系电话只能包含数字、空格、+、- 和括号'

  const warn = m.warn_percent
  const alarm = m.alarm_percent
  if (!Number.isInteger(warn) || warn < 1 || warn > 1000) out.warn_percent = '预警阈值为 1% 到 1000%'
  if (!Number.isInteger(alarm) || alarm < 1 || alarm > 1000) out.alarm_percent = '告警阈值为 1% 到 1000%'
  else if (!out.warn_percent && warn > alarm) out.alarm_percent = '告警阈值不能低于预警阈值'
  return out
}

/** thresholdsText prints a venue's thresholds as "80% / 100%", with the defaults for 0. */
export function thresholdsText(v: Pick<Venue, 'warn_percent' | 'alarm_percent'>): string {
  return `${v.warn_percent || DEFAULT_WARN_PERCENT}% / ${v.alarm_percent || DEFAULT_ALARM_PERCENT}%`
}

/** capacityText prints a safe capacity, "未设置" for 0. */
export function capacityText(capacity: number | null | undefined): string {
  return capacity ? `${capacity.toLocaleString('zh-CN')} 人` : '未设置'
}

/** SAFETY_PLAN_MAX_BYTES is the venue service's limit for an attached plan. */
export const SAFETY_PLAN_MAX_BYTES = 10 * 1024 * 1024
const planExtensions = ['.pdf', '.docx', '.doc', '.jpg', '.jpeg', '.png']
export const safetyPlanAccept = planExtensions.join(',')

/** safetyPlanProblem says why a file cannot be a safety plan, or "" when it can. */
export function safetyPlanProblem(name: string, size: number): string {
  const lower = name.toLowerCase()
  if (!planExtensions.some((ext) => lower.endsWith(ext))) return '请上传 PDF、Word（.doc/.docx）或图片（.jpg/.png）文件'
  if (size <= 0) return '文件是空的'
  if (size > SAFETY_PLAN_MAX_BYTES) return '文件超过 10 MB'
  return ''
}
