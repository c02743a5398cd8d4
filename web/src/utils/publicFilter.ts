// The public list's filters, kept in the address so that a filtered list (a county's lectures
// for schools on 28 May) can be shared as a link. Enum values travel short and lower case
// (form=lecture, target=school); anything that does not read as a filter is dropped.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { ActivityForm, TargetGroup } from '../api/types'
import { activityFormLabels, targetGroupLabels } from './labels'
import { isDay } from './publicCalendar'

/** PublicFilter is what the public list is narrowed by; '' means any. */
export interface PublicFilter {
  county: string
  form: Exclude<ActivityForm, 'ACTIVITY_FORM_UNSPECIFIED'> | ''
  target: Exclude<TargetGroup, 'TARGET_GROUP_UNSPECIFIED'> | ''
  day: string
  signup: boolean
}

export const emptyFilter: PublicFilter = { county: '', form: '', target: '', day: '', signup: false }

const formPrefix = 'ACTIVITY_FORM_'
const targetPrefix = 'TARGET_GROUP_'

function one(query: LocationQuery, key: string): string {
  const v = query[key]
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' ? s.trim() : ''
}

function enumFrom<T extends string>(labels: Record<T, string>, prefix: string, short: string): T | '' {
  const name = prefix + short.toUpperCase()
  return short !== '' && /^[a-z_]+$/i.test(short) && name in labels ? (name as T) : ''
}

/** filterFromQuery reads the filters from the address's query. */
export function filterFromQuery(query: LocationQuery): PublicFilter {
  const county = one(query, 'county')
  const day = one(query, 'day')
  return {
    county: /^\d{6}$/.test(county) ? county : '',
    form: enumFrom(activityFormLabels, formPrefix, one(query, 'form')),
    target: enumFrom(targetGroupLabels, targetPrefix, one(query, 'target')),
    day: isDay(day) ? day : '',
    signup: one(query, 'signup') === '1',
  }
}

/**
 * filterToQuery writes the filters into a query, keeping the query's other keys (the edition)
 * and leaving out the filters that are not set, so the shared link stays short.
 */
export function filterToQuery(f: PublicFilter, keep: LocationQuery = {}): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  for (const [k, v] of Object.entries(keep)) {
    if (!['county', 'form', 'target', 'day', 'signup'].includes(k)) out[k] = v
  }
  if (f.county) out.county = f.county
  if (f.form) out.form = f.form.slice(formPrefix.length).toLowerCase()
  if (f.target) out.target = f.target.slice(targetPrefix.length).toLowerCase()
  if (f.day) out.day = f.day
  if (f.signup) out.signup = '1'
  return out
}

/** filterToRequest is the filter as ListPublicActivities' query parameters. */
export function filterToRequest(f: PublicFilter): {
  county_code: string
  form: ActivityForm | ''
  target_group: TargetGroup | ''
  day: string
  signup_only: boolean
} {
  return { county_code: f.county, form: f.form, target_group: f.target, day: f.day, signup_only: f.signup }
}

/** sameFilter says whether two filters ask for the same list. */
export function sameFilter(a: PublicFilter, b: PublicFilter): boolean {
  return a.county === b.county && a.form === b.form && a.target === b.target && a.day === b.day && a.signup === b.signup
}
