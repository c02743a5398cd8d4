// The venue page's doors with their participations: every terminal of the venue, those that
// recorded nothing with noughts, and doors no longer listed (revoked, renamed) that did.

/** DoorFigureLike is a door's figures as the API sends them (int64 as strings). */
export interface DoorFigureLike {
  terminal_id?: string
  terminal_name?: string
  participations?: string | number | bigint
  today?: string | number | bigint
  refused?: string | number | bigint
}

/** TerminalLike is a terminal of the venue, as the venue registry lists it. */
export interface TerminalLike {
  id?: string
  name?: string
}

/** DoorRow is one line of the table. */
export interface DoorRow {
  id: string
  name: string
  participations: number
  today: number
  refused: number
}

/**
 * doorRows lays the figures over the venue's terminals: the listed terminals first in the
 * list's order, then the doors with figures the list lacks; the rows add up to the figures.
 */
export function doorRows(terminals: readonly TerminalLike[] | undefined, figures: readonly DoorFigureLike[] | undefined): DoorRow[] {
  const byId = new Map((figures ?? []).map((f) => [f.terminal_id ?? '', f]))
  const row = (id: string, name: string, f: DoorFigureLike | undefined): DoorRow => ({
    id,
    name: name || f?.terminal_name || id,
    participations: Number(f?.participations ?? 0),
    today: Number(f?.today ?? 0),
    refused: Number(f?.refused ?? 0),
  })
  const out: DoorRow[] = []
  const seen = new Set<string>()
  for (const t of terminals ?? []) {
    const id = t.id ?? ''
    if (!id || seen.has(id)) continue
    seen.add(id)
    out.push(row(id, t.name ?? '', byId.get(id)))
  }
  for (const f of figures ?? []) {
    const id = f.terminal_id ?? ''
    if (!id || seen.has(id)) continue
    seen.add(id)
    out.push(row(id, f.terminal_name ?? '', f))
  }
  return out
}
