// VenueService: the venues activities take place at.
import { api } from './http'
import { pathSegment } from './query'
import type { ListVenuesResponse, Venue } from './types'

/** listAllVenues follows the pages of a county's venues (for pickers). */
export async function listAllVenues(countyCode: string): Promise<Venue[]> {
  const venues: Venue[] = []
  let token = ''
  for (let page = 0; page < 50; page++) {
    const resp = await api.get<ListVenuesResponse>('/api/v1/venues', {
      query: { county_code: countyCode, page_size: 1000, page_token: token },
    })
    venues.push(...(resp.venues ?? []))
    token = resp.next_page_token
    if (!token) break
  }
  return venues
}

export async function getVenue(id: string): Promise<Venue> {
  return (await api.get<{ venue: Venue }>(`/api/v1/venues/${pathSegment(id)}`, { quiet: true })).venue
}
