// The signed ticket of pkg/ticket, read on the device: "SW1:" + base32 of
//   version(1)=1 | len(edition)(1) | edition | activity(16) | session(16) | ticket(16) |
//   holder(1) | valid_from(4, Unix s, BE) | valid_until(4) | Ed25519 signature(64)
// signed over "sciweek-ticket-v1" followed by the bytes before the signature.

import { base32Decode } from './base32'

export const PREFIX = 'SW1:'
export const DOMAIN = 'sciweek-ticket-v1'
const VERSION = 1
const SIGNATURE_SIZE = 64

/** Holder is who a ticket is for: 0 unknown, 1 a minor (青少年), 2 an adult (成人). */
export type Holder = 0 | 1 | 2

export interface Ticket {
  editionId: string
  activityId: string
  sessionId: string
  ticketId: string
  holder: number
  /** validFrom and validUntil are Unix seconds. */
  validFrom: number
  validUntil: number
}

export interface ParsedTicket {
  ticket: Ticket
  /** message is what the signature covers: the domain followed by the body. */
  message: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

/** uuidString formats 16 bytes the way Go's uuid.UUID.String does (lower-case, dashed). */
export function uuidString(b: Uint8Array): string {
  let h = ''
  for (const x of b) h += x.toString(16).padStart(2, '0')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!
}

const domainBytes = new TextEncoder().encode(DOMAIN)

/** signedMessage is the domain followed by body, the bytes an edition's key signs. */
export function signedMessage(body: Uint8Array): Uint8Array<ArrayBuffer> {
  const m = new Uint8Array(domainBytes.length + body.length)
  m.set(domainBytes, 0)
  m.set(body, domainBytes.length)
  return m
}

/**
 * parseTicket reads a payload without checking its signature; undefined when the text is not a
 * sciweek ticket at all (which the judge refuses as INVALID_SIGNATURE).
 */
export function parseTicket(payload: string): ParsedTicket | undefined {
  const text = payload.trim()
  if (!text.startsWith(PREFIX)) return undefined
  const b = base32Decode(text.slice(PREFIX.length))
  if (!b || b.length < 2) return undefined
  const n = b[1]!
  const bodyLen = 2 + n + 49 + 8
  if (b[0] !== VERSION || n === 0 || b.length !== bodyLen + SIGNATURE_SIZE) return undefined
  const body = b.slice(0, bodyLen)
  const p = 2 + n
  const ticket: Ticket = {
    editionId: new TextDecoder().decode(b.subarray(2, 2 + n)),
    activityId: uuidString(b.subarray(p, p + 16)),
    sessionId: uuidString(b.subarray(p + 16, p + 32)),
    ticketId: uuidString(b.subarray(p + 32, p + 48)),
    holder: b[p + 48]!,
    validFrom: u32(b, p + 49),
    validUntil: u32(b, p + 53),
  }
  return { ticket, message: signedMessage(body), signature: b.slice(bodyLen) }
}

/** decodeBase64 reads the JSON API's bytes (standard or URL-safe base64); undefined for junk. */
export function decodeBase64(s: string | undefined): Uint8Array<ArrayBuffer> | undefined {
  if (!s) return undefined
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/').replace(/\s/g, ''))
    const out = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
    return out
  } catch {
    return undefined
  }
}

/**
 * KeyRing imports each edition's raw Ed25519 public key once (WebCrypto) and verifies
 * signatures with it. A key that does not import (wrong length) verifies nothing.
 */
export class KeyRing {
  private keys = new Map<string, Promise<CryptoKey | undefined>>()

  private key(publicKeyBase64: string): Promise<CryptoKey | undefined> {
    let k = this.keys.get(publicKeyBase64)
    if (!k) {
      const raw = decodeBase64(publicKeyBase64)
      k =
        raw && raw.length === 32
          ? crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']).catch(() => undefined)
          : Promise.resolve(undefined)
      this.keys.set(publicKeyBase64, k)
    }
    return k
  }

  /**
   * prepare imports the keys now and verifies one signature with each, off the scanning path: the
   * first verification of a page otherwise pays for the import and for the engine's first run
   * of Ed25519 (tens of milliseconds on a slow phone, the slowest ticket of a session).
   */
  prepare(publicKeysBase64: string[]): void {
    for (const k of publicKeysBase64) {
      if (this.keys.has(k)) continue
      void this.verify(k, new Uint8Array(1), new Uint8Array(SIGNATURE_SIZE))
    }
  }

  /** verify reports whether signature is the key's signature of message. */
  async verify(publicKeyBase64: string, message: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>): Promise<boolean> {
    const key = await this.key(publicKeyBase64)
    if (!key || signature.length !== SIGNATURE_SIZE) return false
    try {
      return await crypto.subtle.verify('Ed25519', key, signature, message)
    } catch {
      return false
    }
  }
}

/** ed25519Supported reports whether this browser's WebCrypto verifies Ed25519 at all. */
export async function ed25519Supported(): Promise<boolean> {
  try {
    await crypto.subtle.importKey('raw', new Uint8Array(32).fill(1), { name: 'Ed25519' }, false, ['verify'])
    return true
  } catch (e) {
    // A key the algorithm rejects (DataError) still means the algorithm exists; only
    // NotSupportedError says it does not.
    return !(e instanceof DOMException && e.name === 'NotSupportedError')
  }
}
