import { describe, expect, it } from 'vitest'
import { doorRows } from './doors'

describe('doorRows', () => {
  const figures = [
    { terminal_id: 'b', terminal_name: '西门', participations: '40', today: '5', refused: '1' },
    { terminal_id: 'gone', terminal_name: '旧北门', participations: '7', today: '0', refused: '2' },
  ]
  it.each([
    {
      name: 'listed terminals first, a silent one with noughts, an unlisted door after',
      terminals: [{ id: 'a', name: '东门' }, { id: 'b', name: '西门' }],
      want: [
        { id: 'a', name: '东门', participations: 0, today: 0, refused: 0 },
        { id: 'b', name: '西门', participations: 40, today: 5, refused: 1 },
        { id: 'gone', name: '旧北门', participations: 7, today: 0, refused: 2 },
      ],
    },
    { name: 'no terminals listed yet', terminals: undefined, want: [
      { id: 'b', name: '西门', participations: 40, today: 5, refused: 1 },
      { id: 'gone', name: '旧北门', participations: 7, today: 0, refused: 2 },
    ] },
  ])('$name', ({ terminals, want }) => {
    const rows = doorRows(terminals, figures)
    expect(rows).toEqual(want)
    expect(rows.reduce((n, r) => n + r.participations, 0)).toBe(47)
  })
  it('shows the terminals when nothing is counted', () => {
    expect(doorRows([{ id: 'a', name: '东门' }], undefined)).toEqual([{ id: 'a', name: '东门', participations: 0, today: 0, refused: 0 }])
  })
})
