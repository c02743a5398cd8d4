// Live statistics: the overview stream the gateway serves as server-sent events.
import { api } from './http'
import type { Overview } from './types'

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'closed'

export interface OverviewStream {
  close(): void
}

/**
 * watchOverview follows /events/overview. EventSource reconnects by itself after a network drop;
 * when the server refuses the stream (signed out, not allowed) the source closes for good, and
 * onRefused decides what to do (the dashboard checks the session and tries again later).
 */
export function watchOverview(
  editionId: string,
  handlers: {
    onOverview: (overview: Overview) => void
    onState: (state: LiveState) => void
    onRefused: () => void
  },
): OverviewStream {
  const source = new EventSource(`/events/overview?edition=${encodeURIComponent(editionId)}`)
  handlers.onState('connecting')
  source.addEventListener('overview', (ev) => {
    handlers.onState('live')
    try {
      handlers.onOverview(JSON.parse((ev as MessageEvent<string>).data) as Overview)
    } catch {
      // A malformed event is skipped; the next one carries the whole picture again.
    }
  })
  source.onopen = () => handlers.onState('live')
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      handlers.onState('closed')
      handlers.onRefused()
    } else {
      handlers.onState('reconnecting')
    }
  }
  return { close: () => source.close() }
}

/** getOverview reads the overview once (GET /v1/editions/{id}/overview). */
export async function getOverview(editionId: string): Promise<Overview> {
  const resp = await api.get<{ overview: Overview }>(`/api/v1/editions/${encodeURIComponent(editionId)}/overview`, { quiet: true })
  return resp.overview
}
