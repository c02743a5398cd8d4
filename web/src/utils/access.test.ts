import { describe, expect, it } from 'vitest'
import type { ActivityStatus, Role } from '../api/types'
import { activityActions, allowed, countyChoices, creatableRoles, homeFor, lockedCounty, menuFor } from './access'

describe('menuFor', () => {
  it.each<{ role: Role | undefined; want: string[] }>([
    { role: 'city_admin', want: ['/dashboard', '/anomalies', '/activities', '/import', '/featured', '/reports', '/units', '/venues', '/accounts', '/audit', '/edition'] },
    { role: 'county_admin', want: ['/dashboard', '/anomalies', '/activities', '/import', '/featured', '/report', '/units', '/venues', '/accounts', '/audit', '/edition'] },
    { role: 'organizer', want: ['/dashboard', '/anomalies', '/activities', '/import', '/report', '/edition'] },
    { role: 'viewer', want: ['/dashboard', '/anomalies', '/activities', '/edition'] },
    { role: undefined, want: [] },
  ])('$role', ({ role, want }) => {
    expect(menuFor(role).map((m) => m.path)).toEqual(want)
  })
})

describe('homeFor and allowed', () => {
  it.each<{ role: Role | undefined; home: string }>([
    { role: 'city_admin', home: '/dashboard' },
    { role: 'county_admin', home: '/dashboard' },
    { role: 'viewer', home: '/dashboard' },
    { role: 'organizer', home: '/activities' },
    { role: undefined, home: '/activities' },
  ])('$role lands on $home', ({ role, home }) => {
    expect(homeFor(role)).toBe(home)
  })

  it.each<{ role: Role | undefined; roles: Role[] | undefined; want: boolean }>([
    { role: 'viewer', roles: undefined, want: true },
    { role: 'viewer', roles: ['city_admin'], want: false },
    { role: 'city_admin', roles: ['city_admin', 'county_admin'], want: true },
    { role: undefined, roles: ['viewer'], want: false },
  ])('$role may open $roles: $want', ({ role, roles, want }) => {
    expect(allowed(role, roles)).toBe(want)
  })
})

describe('activityActions', () => {
  it.each<{ role: Role | undefined; status: ActivityStatus; signup: boolean; want: string[] }>([
    { role: 'organizer', status: 'ACTIVITY_STATUS_DRAFT', signup: true, want: ['edit', 'submit', 'cancel'] },
    { role: 'organizer', status: 'ACTIVITY_STATUS_RETURNED', signup: false, want: ['edit', 'submit', 'cancel'] },
    { role: 'organizer', status: 'ACTIVITY_STATUS_SUBMITTED', signup: false, want: ['cancel'] },
    { role: 'organizer', status: 'ACTIVITY_STATUS_APPROVED', signup: true, want: ['signups', 'cancel'] },
    { role: 'county_admin', status: 'ACTIVITY_STATUS_SUBMITTED', signup: false, want: ['approve', 'return', 'cancel'] },
    { role: 'county_admin', status: 'ACTIVITY_STATUS_APPROVED', signup: true, want: ['nominate', 'signups', 'cancel'] },
    { role: 'city_admin', status: 'ACTIVITY_STATUS_APPROVED', signup: false, want: ['cancel'] },
    { role: 'city_admin', status: 'ACTIVITY_STATUS_SUBMITTED', signup: true, want: ['approve', 'return', 'signups', 'cancel'] },
    { role: 'city_admin', status: 'ACTIVITY_STATUS_CANCELLED', signup: true, want: ['signups'] },
    { role: 'viewer', status: 'ACTIVITY_STATUS_SUBMITTED', signup: true, want: [] },
    { role: undefined, status: 'ACTIVITY_STATUS_DRAFT', signup: false, want: [] },
  ])('$role on $status (sign-up $signup)', ({ role, status, signup, want }) => {
    expect(activityActions(role, status, signup)).toEqual(want)
  })
})

describe('creatableRoles', () => {
  it.each<{ role: Role | undefined; want: Role[] }>([
    { role: 'city_admin', want: ['county_admin', 'viewer'] },
    { role: 'county_admin', want: ['organizer'] },
    { role: 'organizer', want: [] },
    { role: 'viewer', want: [] },
  ])('$role', ({ role, want }) => {
    expect(creatableRoles(role)).toEqual(want)
  })
})

describe('countyChoices and lockedCounty', () => {
  const counties = [
    { code: '140105', name: '小店区' },
    { code: '140106', name: '迎泽区' },
  ]
  it.each<{ role: Role | undefined; own: string; want: string[]; locked: string }>([
    { role: 'city_admin', own: '', want: ['140105', '140106'], locked: '' },
    { role: 'viewer', own: '', want: ['140105', '140106'], locked: '' },
    { role: 'county_admin', own: '140106', want: ['140106'], locked: '140106' },
    { role: 'county_admin', own: '149999', want: ['149999'], locked: '149999' },
    { role: 'county_admin', own: '', want: [], locked: '' },
    { role: 'organizer', own: '140105', want: [], locked: '' },
    { role: undefined, own: '', want: [], locked: '' },
  ])('$role of $own', ({ role, own, want, locked }) => {
    expect(countyChoices(role, own, counties).map((c) => c.code)).toEqual(want)
    expect(lockedCounty(role, own)).toBe(locked)
  })
})
