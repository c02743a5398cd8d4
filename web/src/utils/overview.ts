// The dashboard's table rows: every county of the edition, in the edition's order, with the
// live figures of the overview (counties without check-ins yet show zeros).
import type { County, Overview } from '../api/types'
import { toNumber } from './format'

export interface CountyRow {
  code: string
  name: string
  participations: number
  today: number
  ticketed: number
  walkIns: number
}

/**
 * countyRows merges the edition's counties with the overview's. Counties the overview names but
 * the edition does not (e.g. a county removed later) are kept at the end under their code.
 * onlyCounty keeps one county (a county admin's view).
 */
export function countyRows(counties: readonly County[], overview: Overview | null, onlyCounty = ''): CountyRow[] {
  const totals = new Map((overview?.counties ?? []).map((c) => [c.county_code, c]))
  const names: County[] = [...counties]
  for (const code of totals.keys()) {
    if (!names.some((c) => c.code === code)) names.push({ code, name: code })
  }
  return names
    .filter((c) => !onlyCounty || c.code === onlyCounty)
    .map((c) => {
      const t = totals.get(c.code)
      return {
        code: c.code,
        name: c.name,
        participations: toNumber(t?.participations),
        today: toNumber(t?.participations_today),
        ticketed: toNumber(t?.ticketed),
        walkIns: toNumber(t?.walk_ins),
      }
    })
}
