import { describe, expect, it } from 'vitest'
import { BurstDetector } from './burst'

/** feed types text at t0 with gap ms between keys, then Enter after enter ms. */
function feed(d: BurstDetector, text: string, t0: number, gap: number, enter = gap): { out: string | undefined; end: number } {
  let t = t0
  let out: string | undefined
  for (const ch of text) {
    out = d.key(ch, t) ?? out
    t += gap
  }
  return { out: d.key('Enter', t - gap + enter) ?? out, end: t - gap + enter }
}

describe('BurstDetector', () => {
  const payload = 'SW1:AEBDAMBQGI2DCYLE'

  it('returns a fast burst of 8 or more characters ended by Enter', () => {
    const d = new BurstDetector()
    expect(feed(d, payload, 1000, 5).out).toBe(payload)
    expect(feed(d, '12345678', 5000, 49).out).toBe('12345678')
  })

  it('ignores people typing (keys 50 ms or more apart)', () => {
    const d = new BurstDetector()
    expect(feed(d, payload, 1000, 50).out).toBeUndefined()
    expect(feed(d, payload, 1000, 120).out).toBeUndefined()
  })

  it('needs at least 8 characters', () => {
    const d = new BurstDetector()
    expect(feed(d, '1234567', 1000, 5).out).toBeUndefined()
  })

  it('needs the Enter soon after the last character', () => {
    const d = new BurstDetector()
    expect(feed(d, payload, 1000, 5, 500).out).toBeUndefined()
  })

  it('starts over after a pause, so typed characters do not stick to a scan', () => {
    const d = new BurstDetector()
    d.key('x', 0)
    d.key('y', 10)
    expect(feed(d, payload, 400, 3).out).toBe(payload)
  })

  it('lets Shift through inside a burst but ends it on other special keys', () => {
    const d = new BurstDetector()
    let t = 0
    for (const ch of 'SW1:ABCDEFG') {
      d.key('Shift', t)
      d.key(ch, t + 1)
      t += 4
    }
    expect(d.key('Enter', t)).toBe('SW1:ABCDEFG')
    for (const ch of 'SW1:ABCD') d.key(ch, (t += 4))
    d.key('ArrowLeft', (t += 4))
    for (const ch of 'EFG') d.key(ch, (t += 4))
    expect(d.key('Enter', (t += 4))).toBeUndefined()
  })

  it('forgives a rare stall inside a long burst, not a pause or slow typing', () => {
    const long = 'SW1:' + 'A'.repeat(204)
    const typeWith = (stalls: Map<number, number>) => {
      const d = new BurstDetector()
      let t = 0
      for (let i = 0; i < long.length; i++) {
        t += stalls.get(i) ?? 4
        d.key(long[i]!, t)
      }
      return d.key('Enter', t + 4)
    }
    expect(typeWith(new Map([[50, 120], [150, 180]]))).toBe(long)
    expect(typeWith(new Map([[100, 400]]))).toBe(long.slice(100)) // a pause: only the tail is a burst
    expect(typeWith(new Map([[2, 120]]))).toBe(long.slice(2)) // too early to be a burst under way
    // A short text with two slow gaps is somebody typing.
    const d = new BurstDetector()
    let t = 0
    for (const [ch, gap] of [['1', 0], ['2', 10], ['3', 10], ['4', 10], ['5', 80], ['6', 10], ['7', 80], ['8', 10]] as const) d.key(ch, (t += gap))
    expect(d.key('Enter', t + 5)).toBeUndefined()
  })

  it('does not return the same burst twice', () => {
    const d = new BurstDetector()
    const { out, end } = feed(d, payload, 1000, 5)
    expect(out).toBe(payload)
    expect(d.key('Enter', end + 5)).toBeUndefined()
    expect(d.length).toBe(0)
  })
})
