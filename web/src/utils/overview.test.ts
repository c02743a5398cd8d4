import { describe, expect, it } from 'vitest'
import type { County, Overview } from '../api/types'
import { countyRows } from './overview'

const counties: County[] = [
  { code: '140105', name: '小店区' },
  { code: '140106', name: '迎泽区' },
]

function overview(...rows: [string, number][]): Overview {
  return {
    edition_id: '2024',
    city: null,
    counties: rows.map(([code, n]) => ({
      county_code: code,
      participations: String(n),
      ticketed: String(n - 1),
      walk_ins: '1',
      participations_today: String(n),
    })),
    refused_scans: '0',
    stream_position: '7',
    updated_at: null,
  }
}

describe('countyRows', () => {
  it.each([
    {
      name: 'no overview yet: every county at zero',
      ov: null,
      only: '',
      want: [
        ['140105', '小店区', 0],
        ['140106', '迎泽区', 0],
      ],
    },
    {
      name: 'figures by code, edition order kept',
      ov: overview(['140106', 12]),
      only: '',
      want: [
        ['140105', '小店区', 0],
        ['140106', '迎泽区', 12],
      ],
    },
    {
      name: 'unknown county appended under its code',
      ov: overview(['140105', 3], ['149999', 4]),
      only: '',
      want: [
        ['140105', '小店区', 3],
        ['140106', '迎泽区', 0],
        ['149999', '149999', 4],
      ],
    },
    { name: "a county admin's own county", ov: overview(['140105', 3]), only: '140105', want: [['140105', '小店区', 3]] },
  ])('$name', ({ ov, only, want }) => {
    const rows = countyRows(counties, ov, only)
    expect(rows.map((r) => [r.code, r.name, r.participations])).toEqual(want)
  })

  it('reads every figure', () => {
    const [row] = countyRows(counties, overview(['140105', 10]), '140105')
    expect(row).toEqual({ code: '140105', name: '小店区', participations: 10, today: 10, ticketed: 9, walkIns: 1 })
  })
})
