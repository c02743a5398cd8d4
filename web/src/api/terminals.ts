// TerminalService: the check-in terminals of a venue. An admin registers a terminal and gets a
// one-time setup code that the device exchanges for its credential; only admins of the venue's
// county (and the city admin) may see or change them.
import { api } from './http'
import { pathSegment } from './query'
import type { SetupCodeResponse, Terminal } from './types'

export async function listTerminals(venueId: string): Promise<Terminal[]> {
  const resp = await api.get<{ terminals: Terminal[] }>(`/api/v1/venues/${pathSegment(venueId)}/terminals`)
  return resp.terminals ?? []
}

/** provisionTerminal registers a pending terminal and returns its setup code (15 minutes, once). */
export function provisionTerminal(venueId: string, name: string): Promise<SetupCodeResponse> {
  return api.post<SetupCodeResponse>(`/api/v1/venues/${pathSegment(venueId)}/terminals`, { venue_id: venueId, name }, { quiet: true })
}

/** resetTerminalSetup gives a terminal a new setup code; a credential it had stops working. */
export function resetTerminalSetup(terminalId: string): Promise<SetupCodeResponse> {
  return api.post<SetupCodeResponse>(`/api/v1/terminals/${pathSegment(terminalId)}:reset`, { terminal_id: terminalId })
}

/** revokeTerminal withdraws a terminal's credential for good. */
export async function revokeTerminal(terminalId: string): Promise<Terminal> {
  return (await api.post<{ terminal: Terminal }>(`/api/v1/terminals/${pathSegment(terminalId)}:revoke`, { terminal_id: terminalId })).terminal
}
