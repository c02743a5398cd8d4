// EditionService: /api/v1/editions.
import { api } from './http'
import { pathSegment } from './query'
import type { Edition } from './types'

export async function getEdition(editionId: string, options: { anonymous?: boolean; quiet?: boolean } = {}): Promise<Edition> {
  const resp = await api.get<{ edition: Edition }>(`/api/v1/editions/${pathSegment(editionId)}`, options)
  return resp.edition
}

export async function listEditions(options: { anonymous?: boolean; quiet?: boolean } = {}): Promise<Edition[]> {
  const resp = await api.get<{ editions: Edition[] }>('/api/v1/editions', options)
  return resp.editions ?? []
}

export async function createEdition(edition: Edition): Promise<Edition> {
  const resp = await api.post<{ edition: Edition }>('/api/v1/editions', { edition })
  return resp.edition
}

/** erasePersonalData erases an edition's sign-ups' names and phones now (city admin, after the week). */
export async function erasePersonalData(editionId: string): Promise<{ erased_signups: number; edition: Edition }> {
  return api.post<{ erased_signups: number; edition: Edition }>(`/api/v1/editions/${pathSegment(editionId)}:erasePersonalData`, {})
}

export async function updateEdition(edition: Edition): Promise<Edition> {
  const resp = await api.put<{ edition: Edition }>(`/api/v1/editions/${pathSegment(edition.id)}`, { edition })
  return resp.edition
}
