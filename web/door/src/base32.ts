// RFC 4648 base32 (A–Z, 2–7) without padding, decoded the way Go's
// base32.StdEncoding.WithPadding(NoPadding).DecodeString does: upper case only, CR and LF
// ignored, '=' refused, a length that cannot end a quantum (1, 3 or 6 characters over) refused.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const VALUES = new Int8Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i

/** base32Decode returns the bytes, or undefined when s is not valid unpadded base32. */
export function base32Decode(input: string): Uint8Array<ArrayBuffer> | undefined {
  const s = input.replace(/[\r\n]/g, '')
  const rem = s.length % 8
  if (rem === 1 || rem === 3 || rem === 6) return undefined
  const out = new Uint8Array(Math.floor((s.length * 5) / 8))
  let bits = 0
  let value = 0
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    const v = c < 128 ? VALUES[c]! : -1
    if (v < 0) return undefined
    value = ((value << 5) | v) & 0xffff
    bits += 5
    if (bits >= 8) {
      bits -= 8
      out[n++] = (value >>> bits) & 0xff
    }
  }
  return out
}

/** base32Encode is the inverse, for tests and tools. */
export function base32Encode(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += ALPHABET[(value >>> bits) & 31]
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}
