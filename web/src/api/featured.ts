// FeaturedService: the counties' nominations for the featured list (附件2).
import { api } from './http'
import { pathSegment } from './query'
import type { Nomination, NominationStatus } from './types'

export async function listNominations(
  editionId: string,
  filter: { status?: NominationStatus; county_code?: string },
): Promise<Nomination[]> {
  const resp = await api.get<{ nominations: Nomination[] }>(`/api/v1/editions/${pathSegment(editionId)}/nominations`, {
    query: { ...filter },
  })
  return resp.nominations ?? []
}

export async function nominateActivity(activityId: string, recommendation: string): Promise<Nomination> {
  const resp = await api.post<{ nomination: Nomination }>(`/api/v1/activities/${pathSegment(activityId)}:nominate`, {
    recommendation,
  })
  return resp.nomination
}

export async function decideNomination(activityId: string, accept: boolean, note: string): Promise<Nomination> {
  const resp = await api.post<{ nomination: Nomination }>(`/api/v1/activities/${pathSegment(activityId)}:decide`, {
    accept,
    note,
  })
  return resp.nomination
}

export function featuredExportUrl(editionId: string): string {
  return `/download/featured?edition_id=${encodeURIComponent(editionId)}`
}
