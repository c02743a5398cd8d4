import { describe, expect, it } from 'vitest'
import { anomalyColumns, anomalyKinds, kindCount, kindSummary } from './anomalies'

describe('anomalies', () => {
  it('has a column per kind', () => {
    expect(anomalyKinds).toEqual(['ANOMALY_OUTSIDE_SESSION', 'ANOMALY_BURST', 'ANOMALY_CLOCK_SKEW', 'ANOMALY_OVER_CAPACITY'])
  })
  it('heads the figure columns with the kinds, then the total', () => {
    expect(anomalyColumns.map((c) => [c.label, c.num])).toEqual([
      ['场次外扫码', true],
      ['连续快速扫码', true],
      ['终端时钟偏差', true],
      ['超容确认入场', true],
      ['合计', true],
    ])
  })
  it.each([
    { name: 'a kind present', kinds: [{ kind: 'ANOMALY_BURST' as const, records: '3' }], want: 3 },
    { name: 'a kind absent', kinds: [{ kind: 'ANOMALY_CLOCK_SKEW' as const, records: '2' }], want: 0 },
    { name: 'no counts', kinds: undefined, want: 0 },
  ])('counts $name', ({ kinds, want }) => {
    expect(kindCount(kinds, 'ANOMALY_BURST')).toBe(want)
  })
  it('summarises in Chinese, most first as sent', () => {
    expect(
      kindSummary([
        { kind: 'ANOMALY_BURST', records: '3' },
        { kind: 'ANOMALY_OUTSIDE_SESSION', records: 1 },
      ]),
    ).toBe('连续快速扫码 3 · 场次外扫码 1')
    expect(kindSummary([])).toBe('无')
  })
})
