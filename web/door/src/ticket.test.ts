import { describe, expect, it } from 'vitest'
import { base32Decode, base32Encode } from './base32'
import { keyPair, signTicket, ticketBody } from './fixtures'
import { decodeBase64, KeyRing, parseTicket, PREFIX, uuidString, type Ticket } from './ticket'

const sample: Ticket = {
  editionId: '2024',
  activityId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  sessionId: '11111111-2222-4333-8444-555555555555',
  ticketId: 'abcdef01-2345-4678-9abc-def012345678',
  holder: 1,
  validFrom: 1716685200,
  validUntil: 1716696000,
}

describe('base32', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('RFC 4648 vector %j ⇄ %s', (plain, encoded) => {
    const bytes = new TextEncoder().encode(plain)
    expect(base32Encode(bytes)).toBe(encoded)
    expect(new TextDecoder().decode(base32Decode(encoded))).toBe(plain)
  })

  it.each([
    ['lower case', 'mzxw6'],
    ['padding', 'MZXW6==='],
    ['outside the alphabet', 'MZXW1'],
    ['impossible length 1', 'M'],
    ['impossible length 3', 'MZX'],
    ['impossible length 6', 'MZXW6Y'],
  ])('refuses %s', (_, s) => {
    expect(base32Decode(s)).toBeUndefined()
  })

  it('ignores CR and LF like Go', () => {
    expect(new TextDecoder().decode(base32Decode('MZXW\r\n6YTBOI'))).toBe('foobar')
  })
})

describe('parseTicket', () => {
  it('reads every field of a payload', async () => {
    const { privateKey } = await keyPair()
    const payload = await signTicket(sample, privateKey)
    expect(payload.startsWith(PREFIX)).toBe(true)
    expect(payload).toBe(payload.toUpperCase())
    // A four-letter edition makes a 208-character payload, as pkg/ticket says.
    expect(payload.length).toBe(208)
    const p = parseTicket(`  ${payload}\n`)
    expect(p?.ticket).toEqual(sample)
    expect(p?.signature.length).toBe(64)
  })

  it.each([
    ['no prefix', 'https://example.com/'],
    ['not base32', PREFIX + '!!!!'],
    ['empty body', PREFIX],
  ])('refuses %s', (_, s) => {
    expect(parseTicket(s)).toBeUndefined()
  })

  it('refuses a truncated payload, a wrong version and an empty edition', async () => {
    const { privateKey } = await keyPair()
    const payload = await signTicket(sample, privateKey)
    expect(parseTicket(payload.slice(0, -10))).toBeUndefined()
    const body = ticketBody(sample)
    const bad = new Uint8Array(body.length + 64)
    bad.set(body)
    bad[0] = 2
    expect(parseTicket(PREFIX + base32Encode(bad))).toBeUndefined()
  })

  it('formats UUIDs like Go', () => {
    expect(uuidString(new Uint8Array([...Array(16).keys()]))).toBe('00010203-0405-0607-0809-0a0b0c0d0e0f')
  })
})

describe('KeyRing', () => {
  it('verifies a genuine signature and nothing else', async () => {
    const kp = await keyPair()
    const other = await keyPair()
    const p = parseTicket(await signTicket(sample, kp.privateKey))!
    const ring = new KeyRing()
    expect(await ring.verify(kp.publicBase64, p.message, p.signature)).toBe(true)
    expect(await ring.verify(other.publicBase64, p.message, p.signature)).toBe(false)
    const flipped = p.signature.slice()
    flipped[10] ^= 1
    expect(await ring.verify(kp.publicBase64, p.message, flipped)).toBe(false)
    expect(await ring.verify('AAAA', p.message, p.signature)).toBe(false)
    expect(await ring.verify('', p.message, p.signature)).toBe(false)
  })

  it('reads standard and URL-safe base64', () => {
    expect([...decodeBase64('+/8=')!]).toEqual([251, 255])
    expect([...decodeBase64('-_8')!]).toEqual([251, 255])
    expect(decodeBase64('***')).toBeUndefined()
  })
})
