// VenueService: the registry of venues activities take place at, their safety plans and the
// venue import (the gateway's multipart upload and download endpoints).
import { api, request } from './http'
import { uploadForm, type SpreadsheetUpload } from './importer'
import { pathSegment } from './query'
import type { ImportVenuesResponse, ListVenuesResponse, Venue, VenueDetails, VenueFilter } from './types'

interface VenueResponse {
  venue: Venue
}

export function listVenues(filter: VenueFilter): Promise<ListVenuesResponse> {
  return api.get<ListVenuesResponse>('/api/v1/venues', { query: { ...filter } })
}

/** listAllVenues follows the pages of a county's venues (for pickers). */
export async function listAllVenues(countyCode: string): Promise<Venue[]> {
  const venues: Venue[] = []
  let token = ''
  for (let page = 0; page < 50; page++) {
    const resp = await listVenues({ county_code: countyCode, page_size: 1000, page_token: token })
    venues.push(...(resp.venues ?? []))
    token = resp.next_page_token
    if (!token) break
  }
  return venues
}

export async function getVenue(id: string): Promise<Venue> {
  return (await api.get<VenueResponse>(`/api/v1/venues/${pathSegment(id)}`, { quiet: true })).venue
}

/** createVenue registers a venue; the form shows the refusal, so the call is quiet. */
export async function createVenue(details: VenueDetails): Promise<Venue> {
  return (await api.post<VenueResponse>('/api/v1/venues', { details }, { quiet: true })).venue
}

/** updateVenue replaces a venue's details; its county cannot change. */
export async function updateVenue(id: string, details: VenueDetails): Promise<Venue> {
  return (await api.put<VenueResponse>(`/api/v1/venues/${pathSegment(id)}`, { venue_id: id, details }, { quiet: true })).venue
}

/** uploadSafetyPlan attaches the venue's security and emergency plan (PDF, DOC(X), JPG, PNG; 10 MB). */
export async function uploadSafetyPlan(venueId: string, file: File): Promise<Venue> {
  const form = new FormData()
  form.append('file', file, file.name)
  const resp = await request<VenueResponse>('POST', '/upload/safety-plan', { query: { venue_id: venueId }, body: form })
  return resp.venue
}

export function safetyPlanUrl(venueId: string): string {
  return `/download/safety-plan?venue_id=${encodeURIComponent(venueId)}`
}

/** importVenues checks (dry run) or imports a spreadsheet of venues: all rows or none. */
export function importVenues(opts: SpreadsheetUpload): Promise<ImportVenuesResponse> {
  return request<ImportVenuesResponse>('POST', '/upload/venues', { body: uploadForm(opts) })
}

export const venueTemplateUrl = '/download/venue-template'
