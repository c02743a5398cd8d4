import { describe, expect, it } from 'vitest'
import { formatCode, normalizeCode, shortCode } from './code'

describe('shortCode', () => {
  // The same vectors as pkg/ticket's TestShortCodeVectors: the door and the server agree.
  it.each([
    ['00000000-0000-0000-0000-000000000000', 'W2GAC121'],
    ['ffffffff-ffff-ffff-ffff-ffffffffffff', 'E62XPJRE'],
    ['3f2b8c1e-9d4a-4e6b-8a1f-2c3d4e5f6a7b', 'W59F57S5'],
    ['3F2B8C1E-9D4A-4E6B-8A1F-2C3D4E5F6A7B', 'W59F57S5'],
  ])('%s → %s', async (id, code) => {
    expect(await shortCode(id)).toBe(code)
  })

  it('is undefined for an id that is not a UUID', async () => {
    expect(await shortCode('not-a-uuid')).toBeUndefined()
    expect(await shortCode('')).toBeUndefined()
  })
})

describe('normalizeCode', () => {
  it.each([
    ['as printed', 'K7Q2 M9XD', 'K7Q2M9XD'],
    ['lower case with a dash', 'k7q2-m9xd', 'K7Q2M9XD'],
    ['O read as zero', 'K7Q2 M9XO', 'K7Q2M9X0'],
    ['I and L read as one', 'IL00 0000', '11000000'],
    ['full width, from an input method', 'Ｋ７Ｑ２　Ｍ９ＸＤ', 'K7Q2M9XD'],
    ['full-width lower case', 'ｋ７ｑ２ｍ９ｘｄ', 'K7Q2M9XD'],
  ])('%s', (_name, typed, code) => {
    expect(normalizeCode(typed)).toBe(code)
  })

  it.each([
    ['too short', 'K7Q2'],
    ['too long', 'K7Q2M9XDA'],
    ['U is not in the alphabet', 'K7Q2M9XU'],
    ['a payload', 'SW1:AEAAAAAA'],
    ['punctuation', 'K7Q2.M9XD'],
    ['empty', ''],
  ])('refuses %s', (_name, typed) => {
    expect(normalizeCode(typed)).toBeUndefined()
  })

  it('formats as printed', () => {
    expect(formatCode('K7Q2M9XD')).toBe('K7Q2 M9XD')
    expect(formatCode('short')).toBe('short')
  })
})
