// UnitService: the organizer units.
import { api } from './http'
import { pathSegment } from './query'
import type { ListUnitsResponse, Unit, UnitKind } from './types'

export function listUnits(filter: { county_code?: string; page_size?: number; page_token?: string }): Promise<ListUnitsResponse> {
  return api.get<ListUnitsResponse>('/api/v1/units', { query: { ...filter } })
}

/** listAllUnits follows the pages of a county's units (for pickers). */
export async function listAllUnits(countyCode: string): Promise<Unit[]> {
  const units: Unit[] = []
  let token = ''
  for (let page = 0; page < 50; page++) {
    const resp = await listUnits({ county_code: countyCode, page_size: 1000, page_token: token })
    units.push(...(resp.units ?? []))
    token = resp.next_page_token
    if (!token) break
  }
  return units
}

export async function getUnit(id: string): Promise<Unit> {
  return (await api.get<{ unit: Unit }>(`/api/v1/units/${pathSegment(id)}`, { quiet: true })).unit
}

export async function createUnit(name: string, countyCode: string, kind: UnitKind): Promise<Unit> {
  const resp = await api.post<{ unit: Unit }>('/api/v1/units', { name, county_code: countyCode, kind }, { quiet: true })
  return resp.unit
}
