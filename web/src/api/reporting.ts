// Live statistics: the bureau's dashboard, read once or followed as server-sent events.
import { dashboardApiQuery, dashboardEventsUrl, type DashboardFilterModel } from '../utils/dashboard'
import { api } from './http'
import { pathSegment } from './query'
import type { Anomalies, Dashboard, VenueDoorFigures } from './types'

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'closed'

export interface LiveStream {
  close(): void
}

export interface LiveHandlers<T> {
  onData: (data: T) => void
  onState: (state: LiveState) => void
  onRefused: () => void
}

/**
 * watchEvents follows a stream of the gateway's named server-sent events whose data are JSON.
 * EventSource reconnects by itself after a network drop or a server restart; when the server
 * refuses the stream (signed out, not allowed, a bad filter) the source closes for good, and
 * onRefused decides what to do (the dashboard checks the session and tries again later).
 */
function watchEvents<T>(url: string, event: string, handlers: LiveHandlers<T>): LiveStream {
  const source = new EventSource(url)
  handlers.onState('connecting')
  source.addEventListener(event, (ev) => {
    handlers.onState('live')
    try {
      handlers.onData(JSON.parse((ev as MessageEvent<string>).data) as T)
    } catch {
      // A malformed event is skipped; the next one carries the whole picture again.
    }
  })
  // The gateway ends a stream on purpose at its sign-in token's half-life and says so first
  // ("renew"): the reconnection right after it renews the cookie. That one end is not a lost
  // connection, so the indicator stays live through it; any error after it shows as usual.
  let renewing = false
  source.addEventListener('renew', () => {
    renewing = true
  })
  source.onopen = () => {
    renewing = false
    handlers.onState('live')
  }
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      handlers.onState('closed')
      handlers.onRefused()
    } else if (renewing) {
      renewing = false
    } else {
      handlers.onState('reconnecting')
    }
  }
  return { close: () => source.close() }
}

/**
 * watchDashboard follows /events/dashboard for one filter: the whole dashboard at once and again
 * after changes, at most about once a second. A new filter needs a new stream.
 */
export function watchDashboard(editionId: string, filter: DashboardFilterModel, handlers: LiveHandlers<Dashboard>): LiveStream {
  return watchEvents<Dashboard>(dashboardEventsUrl(editionId, filter), 'dashboard', handlers)
}

/** getDashboard reads the dashboard once (GET /v1/editions/{id}/dashboard). */
export async function getDashboard(editionId: string, filter: DashboardFilterModel): Promise<Dashboard> {
  const resp = await api.get<{ dashboard: Dashboard }>(`/api/v1/editions/${pathSegment(editionId)}/dashboard`, {
    query: dashboardApiQuery(filter),
    quiet: true,
  })
  return resp.dashboard
}

/** AnomalyQuery narrows the flagged scans: a county, a venue, a day (YYYY-MM-DD); empty keeps all. */
export interface AnomalyQuery {
  county_code?: string
  venue_id?: string
  day?: string
}

/**
 * listAnomalies reads the scans check-in flagged, per venue and door, by kind (GET
 * /v1/editions/{id}/anomalies): the city for the bureau, a county admin's county, an organizer's
 * own activities' doors.
 */
export async function listAnomalies(editionId: string, q: AnomalyQuery = {}, quiet = true): Promise<Anomalies> {
  return api.get<Anomalies>(`/api/v1/editions/${pathSegment(editionId)}/anomalies`, {
    query: { county_code: q.county_code || undefined, venue_id: q.venue_id || undefined, day: q.day || undefined },
    quiet,
  })
}

/**
 * listDoorFigures reads one venue's participations (the edition's and today's) and refused
 * scans door by door (GET /v1/editions/{id}/venues/{venue}/doors): any venue for the bureau, a
 * county admin's own county's, an organizer's own activities' records.
 */
export async function listDoorFigures(editionId: string, venueId: string, quiet = true): Promise<VenueDoorFigures> {
  return api.get<VenueDoorFigures>(`/api/v1/editions/${pathSegment(editionId)}/venues/${pathSegment(venueId)}/doors`, { quiet })
}
