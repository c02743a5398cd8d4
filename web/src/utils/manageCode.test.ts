import { describe, expect, it } from 'vitest'
import { codeFromHash, hashForCode, isUuid } from './manageCode'

describe('manage code in the hash', () => {
  it.each(['K7P2-9QXM', 'abc def', 'a&b=c#d', '管理码'])('round-trips %j', (code) => {
    expect(codeFromHash(hashForCode(code))).toBe(code)
  })

  it.each([
    ['', ''],
    ['#', ''],
    ['#other=1', ''],
    ['#code=XYZ', 'XYZ'],
    ['code=XYZ', 'XYZ'],
    ['#code=%20XYZ%20', 'XYZ'],
  ])('codeFromHash(%j) = %j', (hash, want) => {
    expect(codeFromHash(hash)).toBe(want)
  })

  it.each([
    ['0190f3a0-1c2d-7e3f-8a9b-0c1d2e3f4a5b', true],
    [' 0190F3A0-1C2D-7E3F-8A9B-0C1D2E3F4A5B ', true],
    ['0190f3a0-1c2d-7e3f-8a9b', false],
    ['', false],
  ])('isUuid(%j)', (text, want) => {
    expect(isUuid(text)).toBe(want)
  })
})
