// What each role sees in the console. The server enforces every rule; this only keeps the
// console from offering what would be refused.
import type { ActivityStatus, County, Role } from '../api/types'

export interface MenuItem {
  path: string
  title: string
  /** icon names an @element-plus/icons-vue icon (see ConsoleLayout). */
  icon: 'DataLine' | 'Warning' | 'Calendar' | 'Upload' | 'Star' | 'OfficeBuilding' | 'Location' | 'User' | 'Setting' | 'Document' | 'DocumentChecked' | 'Lock'
  roles: readonly Role[]
}

export const allRoles: readonly Role[] = ['city_admin', 'county_admin', 'organizer', 'viewer']
export const adminRoles: readonly Role[] = ['city_admin', 'county_admin']
export const writerRoles: readonly Role[] = ['city_admin', 'county_admin', 'organizer']
/** statsRoles may read the live statistics (the reporting service's readers). */
export const statsRoles: readonly Role[] = ['city_admin', 'county_admin', 'viewer']
/** dashboardRoles may open the dashboard: the readers, and organizers for their own unit's activities. */
export const dashboardRoles: readonly Role[] = ['city_admin', 'county_admin', 'viewer', 'organizer']
/**
 * reportRoles submit a report back: county admins their county's (and see its units'),
 * organizers their unit's own (各有关单位); reviewRoles review them all.
 */
export const reportRoles: readonly Role[] = ['county_admin', 'organizer']
export const reviewRoles: readonly Role[] = ['city_admin']
/** noticeRoles get notices: the bureau, county admins and organizers (viewers have none). */
export const noticeRoles: readonly Role[] = ['city_admin', 'county_admin', 'organizer']

export const menu: readonly MenuItem[] = [
  { path: '/dashboard', title: '实时数据', icon: 'DataLine', roles: dashboardRoles },
  { path: '/anomalies', title: '异常扫码', icon: 'Warning', roles: dashboardRoles },
  { path: '/activities', title: '活动管理', icon: 'Calendar', roles: allRoles },
  { path: '/import', title: '批量导入', icon: 'Upload', roles: writerRoles },
  { path: '/featured', title: '特色活动推荐', icon: 'Star', roles: adminRoles },
  { path: '/report', title: '总结报送', icon: 'Document', roles: reportRoles },
  { path: '/reports', title: '总结报送审核', icon: 'DocumentChecked', roles: reviewRoles },
  { path: '/units', title: '组织单位', icon: 'OfficeBuilding', roles: adminRoles },
  { path: '/venues', title: '场馆与终端', icon: 'Location', roles: adminRoles },
  { path: '/accounts', title: '账号管理', icon: 'User', roles: adminRoles },
  { path: '/audit', title: '审计日志', icon: 'Lock', roles: adminRoles },
  { path: '/edition', title: '活动周设置', icon: 'Setting', roles: allRoles },
]

/** menuFor lists the menu entries a role sees, in menu order. */
export function menuFor(role: Role | undefined): MenuItem[] {
  if (!role) return []
  return menu.filter((m) => m.roles.includes(role))
}

/** homeFor is where a role lands after signing in. */
export function homeFor(role: Role | undefined): string {
  return role && statsRoles.includes(role) ? '/dashboard' : '/activities'
}

/** allowed says whether a role may open a page limited to roles (no limit: everyone signed in). */
export function allowed(role: Role | undefined, roles: readonly Role[] | undefined): boolean {
  if (!roles) return true
  return role !== undefined && roles.includes(role)
}

export type ActivityAction = 'edit' | 'submit' | 'approve' | 'return' | 'cancel' | 'nominate' | 'signups'

/** activityActions lists the actions that fit a role and an activity's status, in button order. */
export function activityActions(role: Role | undefined, status: ActivityStatus, requiresSignup: boolean): ActivityAction[] {
  if (!role || role === 'viewer') return []
  const out: ActivityAction[] = []
  const editable = status === 'ACTIVITY_STATUS_DRAFT' || status === 'ACTIVITY_STATUS_RETURNED'
  if (editable) out.push('edit', 'submit')
  if (status === 'ACTIVITY_STATUS_SUBMITTED' && adminRoles.includes(role)) out.push('approve', 'return')
  if (status === 'ACTIVITY_STATUS_APPROVED' && role === 'county_admin') out.push('nominate')
  if (requiresSignup && status !== 'ACTIVITY_STATUS_DRAFT') out.push('signups')
  if (status !== 'ACTIVITY_STATUS_CANCELLED') out.push('cancel')
  return out
}

/** creatableRoles are the roles of the accounts a role may create. */
export function creatableRoles(role: Role | undefined): Role[] {
  if (role === 'city_admin') return ['county_admin', 'viewer']
  if (role === 'county_admin') return ['organizer']
  return []
}

/**
 * countyChoices are the counties a role may pick in a county filter or form: all of them for
 * city-wide roles, only their own for a county admin (and none for an organizer, whose unit
 * fixes the county).
 */
export function countyChoices(role: Role | undefined, ownCounty: string, counties: readonly County[]): County[] {
  if (role === 'city_admin' || role === 'viewer') return [...counties]
  if (role === 'county_admin') {
    const own = counties.find((c) => c.code === ownCounty)
    return own ? [own] : ownCounty ? [{ code: ownCounty, name: ownCounty }] : []
  }
  return []
}

/** lockedCounty is the county a role is held to in every filter: a county admin's own, else "". */
export function lockedCounty(role: Role | undefined, ownCounty: string): string {
  return role === 'county_admin' ? ownCounty : ''
}
