// ActivityService: registering, reviewing and listing activities.
import { api } from './http'
import { pathSegment } from './query'
import type { Activity, ActivityDetails, ActivityFilter, ListActivitiesResponse } from './types'

interface ActivityResponse {
  activity: Activity
}

const activityPath = (id: string) => `/api/v1/activities/${pathSegment(id)}`

export function listActivities(editionId: string, filter: ActivityFilter): Promise<ListActivitiesResponse> {
  return api.get<ListActivitiesResponse>(`/api/v1/editions/${pathSegment(editionId)}/activities`, {
    query: { ...filter },
  })
}

export async function getActivity(id: string): Promise<Activity> {
  return (await api.get<ActivityResponse>(activityPath(id))).activity
}

/** createActivity registers a draft; unitId may be empty for an organizer's own unit. */
export async function createActivity(editionId: string, unitId: string, details: ActivityDetails): Promise<Activity> {
  const body = { edition_id: editionId, unit_id: unitId, details }
  return (await api.post<ActivityResponse>('/api/v1/activities', body, { quiet: true })).activity
}

export async function updateActivity(id: string, details: ActivityDetails): Promise<Activity> {
  return (await api.put<ActivityResponse>(activityPath(id), { details }, { quiet: true })).activity
}

export async function submitActivity(id: string): Promise<Activity> {
  return (await api.post<ActivityResponse>(`${activityPath(id)}:submit`)).activity
}

export async function approveActivity(id: string): Promise<Activity> {
  return (await api.post<ActivityResponse>(`${activityPath(id)}:approve`)).activity
}

export async function returnActivity(id: string, reason: string): Promise<Activity> {
  return (await api.post<ActivityResponse>(`${activityPath(id)}:return`, { reason })).activity
}

export function cancelActivity(id: string, reason: string): Promise<{ activity: Activity; revoked_tickets: number }> {
  return api.post(`${activityPath(id)}:cancel`, { reason })
}
