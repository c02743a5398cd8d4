// What the venue page shows about check-in terminals: last contact, the setup code's time left
// and the actions each state allows.
import type { Terminal, TerminalState } from '../api/types'
import { DEFAULT_TIME_ZONE, formatDateTime } from './format'

/** SETUP_CODE_MINUTES is how long a setup code works (TerminalService: 15 minutes). */
export const SETUP_CODE_MINUTES = 15

/** lastSeenText prints when a terminal last called the check-in service, or "从未连接". */
export function lastSeenText(lastSeenAt: string | null | undefined, timeZone = DEFAULT_TIME_ZONE): string {
  const text = formatDateTime(lastSeenAt, timeZone)
  return text === '—' ? '从未连接' : text
}

/**
 * setupExpiry is when a setup code stops working: the terminal's setup_expires_at, or
 * SETUP_CODE_MINUTES after `issuedAt` when the answer lacks it. It returns epoch milliseconds.
 */
export function setupExpiry(setupExpiresAt: string | null | undefined, issuedAt: number): number {
  const t = setupExpiresAt ? Date.parse(setupExpiresAt) : NaN
  return Number.isNaN(t) ? issuedAt + SETUP_CODE_MINUTES * 60_000 : t
}

/** countdownText prints the time left until `until` as "14:59", or "" once it has passed. */
export function countdownText(until: number, now: number): string {
  const left = Math.ceil((until - now) / 1000)
  if (left <= 0) return ''
  const m = Math.floor(left / 60)
  const s = left % 60
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
}

export type TerminalAction = 'reset' | 'revoke'

/** terminalActions lists what an admin may do with a terminal in a state, in button order. */
export function terminalActions(state: TerminalState): TerminalAction[] {
  switch (state) {
    case 'TERMINAL_STATE_PENDING':
    case 'TERMINAL_STATE_ACTIVE':
      return ['reset', 'revoke']
    default:
      return []
  }
}

/** nextTerminalName proposes a name for a venue's next terminal: "检票终端 3". */
export function nextTerminalName(terminals: readonly Pick<Terminal, 'name'>[]): string {
  let n = terminals.length + 1
  const names = new Set(terminals.map((t) => t.name))
  while (names.has(`检票终端 ${n}`)) n++
  return `检票终端 ${n}`
}

/** terminalCounts counts a venue's terminals by state, for the section's heading. */
export function terminalCounts(terminals: readonly Pick<Terminal, 'state'>[]): { active: number; pending: number; revoked: number } {
  const out = { active: 0, pending: 0, revoked: 0 }
  for (const t of terminals) {
    if (t.state === 'TERMINAL_STATE_ACTIVE') out.active++
    else if (t.state === 'TERMINAL_STATE_PENDING') out.pending++
    else if (t.state === 'TERMINAL_STATE_REVOKED') out.revoked++
  }
  return out
}
