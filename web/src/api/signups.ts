// SignupService: the public pages (no account) and the organizers' sign-up lists.
import { api } from './http'
import { pathSegment } from './query'
import type {
  CancelSignupResponse,
  ListPublicActivitiesResponse,
  PublicActivity,
  Signup,
  SignUpRequest,
  SignUpResponse,
} from './types'

const anonymous = { anonymous: true } as const

export function listPublicActivities(
  editionId: string,
  filter: {
    county_code?: string
    signup_only?: boolean
    form?: string
    target_group?: string
    day?: string
    page_size?: number
    page_token?: string
  },
): Promise<ListPublicActivitiesResponse> {
  return api.get<ListPublicActivitiesResponse>(`/api/v1/public/editions/${pathSegment(editionId)}/activities`, {
    ...anonymous,
    query: { ...filter },
  })
}

export async function getPublicActivity(id: string): Promise<PublicActivity> {
  const resp = await api.get<{ activity: PublicActivity }>(`/api/v1/public/activities/${pathSegment(id)}`, anonymous)
  return resp.activity
}

export function signUp(activityId: string, sessionId: string, req: SignUpRequest): Promise<SignUpResponse> {
  const path = `/api/v1/public/activities/${pathSegment(activityId)}/sessions/${pathSegment(sessionId)}:signup`
  return api.post<SignUpResponse>(path, req, { ...anonymous, quiet: true })
}

export async function getSignup(id: string, manageCode: string): Promise<Signup> {
  const path = `/api/v1/public/signups/${pathSegment(id)}:get`
  return (await api.post<{ signup: Signup }>(path, { manage_code: manageCode }, { ...anonymous, quiet: true })).signup
}

/** findSignup finds a sign-up by the phone number it was made with and its manage code. */
export async function findSignup(phone: string, manageCode: string): Promise<Signup> {
  const body = { phone, manage_code: manageCode }
  return (await api.post<{ signup: Signup }>('/api/v1/public/signups:find', body, { ...anonymous, quiet: true })).signup
}

export function cancelSignup(id: string, manageCode: string): Promise<CancelSignupResponse> {
  return api.post<CancelSignupResponse>(`/api/v1/public/signups/${pathSegment(id)}:cancel`, { manage_code: manageCode }, anonymous)
}

export async function listSignups(activityId: string, sessionId = ''): Promise<Signup[]> {
  const resp = await api.get<{ signups: Signup[] }>(`/api/v1/activities/${pathSegment(activityId)}/signups`, {
    query: { session_id: sessionId },
  })
  return resp.signups ?? []
}

export function signupsExportUrl(activityId: string): string {
  return `/download/signups?activity_id=${encodeURIComponent(activityId)}`
}

/** qrImageUrl is the gateway's PNG of a ticket's QR code. */
export function qrImageUrl(payload: string, size = 280): string {
  return `/qr.png?data=${encodeURIComponent(payload)}&size=${size}`
}
