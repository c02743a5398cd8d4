// The edition a page works on. The console starts on ?edition=…, the edition remembered in this
// browser, or the default edition (VITE_DEFAULT_EDITION at build time, "2024" otherwise), and
// people may switch; the public pages show ?edition=… or the edition running or coming next.
import { reactive } from 'vue'
import { getEdition, listEditions } from './api/editions'
import type { Edition } from './api/types'
import { pickConsoleEdition, pickPublicEdition, validEditionId } from './utils/editions'
import { DEFAULT_TIME_ZONE, todayInZone } from './utils/format'

/** DEFAULT_EDITION_ID is the console's edition until someone picks another. */
export const DEFAULT_EDITION_ID: string = import.meta.env.VITE_DEFAULT_EDITION || '2024'
const storageKey = 'sciweek.edition'

interface EditionState {
  id: string
  edition: Edition | null
  editions: Edition[]
}

export const editionState = reactive<EditionState>({
  id: DEFAULT_EDITION_ID,
  edition: null,
  editions: [],
})

function remembered(): string {
  try {
    return localStorage.getItem(storageKey) ?? ''
  } catch {
    return ''
  }
}

function remember(id: string): void {
  try {
    localStorage.setItem(storageKey, id)
  } catch {
    // Private browsing: the choice lasts this page only.
  }
}

async function loadList(anonymous: boolean): Promise<void> {
  if (editionState.editions.length > 0) return
  try {
    editionState.editions = await listEditions({ quiet: true, anonymous })
  } catch {
    editionState.editions = []
  }
}

/** use makes id the current edition, from the list when it is there. */
async function use(id: string, anonymous: boolean): Promise<void> {
  editionState.id = id
  const known = editionState.editions.find((e) => e.id === id)
  if (known) {
    editionState.edition = known
    return
  }
  try {
    editionState.edition = await getEdition(id, { anonymous, quiet: true })
  } catch {
    editionState.edition = null
  }
}

/**
 * early is the console's edition already on its way, asked for by the router as soon as it knew
 * who is signed in (prefetchConsoleEdition): the page's chunks load meanwhile, instead of
 * the request waiting for the layout that asks for it to be loaded and mounted.
 */
let early: { named: unknown; loading: Promise<void> } | null = null

/** prefetchConsoleEdition starts loadConsoleEdition for the page about to open, once. */
export function prefetchConsoleEdition(named: unknown): void {
  if (early || editionState.editions.length > 0) return
  early = { named, loading: fetchConsoleEdition(named) }
}

/** loadConsoleEdition picks and loads the console's edition. */
export function loadConsoleEdition(named: unknown): Promise<void> {
  const e = early
  early = null
  if (e && e.named === named) return e.loading
  return fetchConsoleEdition(named)
}

async function fetchConsoleEdition(named: unknown): Promise<void> {
  await loadList(false)
  const name = validEditionId(named) ? named : ''
  const id = pickConsoleEdition(editionState.editions, name, remembered(), DEFAULT_EDITION_ID) || name || DEFAULT_EDITION_ID
  await use(id, false)
}

/** loadPublicEdition picks and loads the edition the public pages show. */
export async function loadPublicEdition(named: unknown): Promise<void> {
  if (validEditionId(named)) {
    if (named !== editionState.edition?.id) await use(named, true)
    return
  }
  // Moving between public pages keeps the edition already shown.
  if (editionState.edition) return
  await loadList(true)
  const today = todayInZone(editionState.editions[0]?.time_zone || DEFAULT_TIME_ZONE)
  await use(pickPublicEdition(editionState.editions, today) || DEFAULT_EDITION_ID, true)
}

/** selectEdition switches the console to another edition and remembers the choice. */
export async function selectEdition(id: string): Promise<void> {
  remember(id)
  await use(id, false)
}

/** editionSaved puts a created or changed edition in place. */
export function editionSaved(edition: Edition): void {
  const i = editionState.editions.findIndex((e) => e.id === edition.id)
  if (i >= 0) editionState.editions.splice(i, 1, edition)
  else editionState.editions.unshift(edition)
  if (edition.id === editionState.id) editionState.edition = edition
}

/** countyName names a county of the current edition, or returns the code. */
export function countyName(code: string): string {
  if (!code) return '—'
  return editionState.edition?.counties.find((c) => c.code === code)?.name ?? code
}

/** timeZone is the current edition's time zone. */
export function timeZone(): string {
  return editionState.edition?.time_zone || DEFAULT_TIME_ZONE
}
