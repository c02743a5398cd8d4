// Which edition a page starts on when the address does not name one.
import type { Edition } from '../api/types'

const editionIdPattern = /^[a-z0-9-]{1,32}$/

/** validEditionId accepts an edition id as the API does. */
export function validEditionId(id: unknown): id is string {
  return typeof id === 'string' && editionIdPattern.test(id)
}

/**
 * pickConsoleEdition chooses the console's edition among the known ones (newest first): the one
 * the address names, else the one remembered in this browser, else the preferred default, else
 * the newest. It returns "" when there are no editions to choose from.
 */
export function pickConsoleEdition(editions: readonly Edition[], named: string, remembered: string, preferred: string): string {
  for (const id of [named, remembered, preferred]) {
    if (id && editions.some((e) => e.id === id)) return id
  }
  return editions[0]?.id ?? ''
}

/**
 * pickPublicEdition chooses what the public sees: the edition running today, else the next one
 * to start, else the newest. Dates are YYYY-MM-DD, so they compare as text.
 */
export function pickPublicEdition(editions: readonly Edition[], today: string): string {
  const running = editions.filter((e) => e.starts_on <= today && today <= e.ends_on)
  if (running.length > 0) return [...running].sort((a, b) => b.starts_on.localeCompare(a.starts_on))[0]!.id
  const upcoming = editions.filter((e) => e.starts_on > today).sort((a, b) => a.starts_on.localeCompare(b.starts_on))
  if (upcoming.length > 0) return upcoming[0]!.id
  return editions[0]?.id ?? ''
}
