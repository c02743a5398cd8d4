// A ticket's short code, as pkg/ticket.ShortCode makes it: eight characters of Crockford base32
// from SHA-256("sciweek-ticket-code-v1" ‖ the ticket id's 16 bytes), shown as two groups of
// four. Staff type it when a QR code cannot be scanned; the door resolves it to the signed
// payload its venue's sync brought, and names tickets by it in its warnings.

export const CODE_LENGTH = 8
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const DOMAIN = new TextEncoder().encode('sciweek-ticket-code-v1')

function uuidBytes(id: string): Uint8Array<ArrayBuffer> | undefined {
  const hex = id.replace(/-/g, '')
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined
  const out = new Uint8Array(16)
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** shortCode computes a ticket's code from its id; undefined for an id that is not a UUID. */
export async function shortCode(ticketId: string): Promise<string | undefined> {
  const id = uuidBytes(ticketId)
  if (!id) return undefined
  const msg = new Uint8Array(DOMAIN.length + 16)
  msg.set(DOMAIN, 0)
  msg.set(id, DOMAIN.length)
  const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', msg))
  // 40 bits, five at a time, most significant first (a Number holds 40 bits exactly).
  let v = sum[0]! * 2 ** 32 + ((sum[1]! << 24) >>> 0) + (sum[2]! << 16) + (sum[3]! << 8) + sum[4]!
  let out = ''
  for (let i = 0; i < CODE_LENGTH; i++) {
    out = ALPHABET[v % 32]! + out
    v = Math.floor(v / 32)
  }
  return out
}

const FULL_WIDTH_OFFSET = 0xff10 - 0x30 // '０' − '0'; the same for 'Ａ' − 'A' (0xff21 − 0x41)

/**
 * normalizeCode reads a code as people type it: any case, spaces and dashes anywhere, full-width
 * characters from a Chinese input method, O for 0 and I or L for 1. undefined when what is left
 * is not eight characters of the alphabet.
 */
export function normalizeCode(typed: string): string | undefined {
  let out = ''
  for (const ch of typed) {
    let c = ch
    const cp = ch.codePointAt(0)!
    if ((cp >= 0xff10 && cp <= 0xff19) || (cp >= 0xff21 && cp <= 0xff3a) || (cp >= 0xff41 && cp <= 0xff5a)) {
      c = String.fromCodePoint(cp - FULL_WIDTH_OFFSET)
    }
    if (c === ' ' || c === '-' || c === '\u3000' || c === '\t' || c === '－') continue
    c = c.toUpperCase()
    if (c === 'O') c = '0'
    else if (c === 'I' || c === 'L') c = '1'
    if (!ALPHABET.includes(c)) return undefined
    out += c
    if (out.length > CODE_LENGTH) return undefined
  }
  return out.length === CODE_LENGTH ? out : undefined
}

/** formatCode shows a code the way tickets print it: "K7Q2 M9XD". */
export function formatCode(code: string): string {
  return code.length === CODE_LENGTH ? `${code.slice(0, 4)} ${code.slice(4)}` : code
}
