// Test helpers: tickets built and signed the way pkg/ticket does, with a key made in the test.

import { base32Encode } from './base32'
import { PREFIX, signedMessage, type Ticket } from './ticket'

export function uuidBytes(u: string): Uint8Array {
  const hex = u.replace(/-/g, '')
  const b = new Uint8Array(16)
  for (let i = 0; i < 16; i++) b[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return b
}

/** ticketBody is version | len | edition | activity | session | ticket | holder | from | until. */
export function ticketBody(t: Ticket): Uint8Array {
  const ed = new TextEncoder().encode(t.editionId)
  const b = new Uint8Array(2 + ed.length + 49 + 8)
  const v = new DataView(b.buffer)
  b[0] = 1
  b[1] = ed.length
  b.set(ed, 2)
  let p = 2 + ed.length
  b.set(uuidBytes(t.activityId), p)
  b.set(uuidBytes(t.sessionId), p + 16)
  b.set(uuidBytes(t.ticketId), p + 32)
  b[p + 48] = t.holder
  p += 49
  v.setUint32(p, t.validFrom)
  v.setUint32(p + 4, t.validUntil)
  return b
}

export interface KeyPair {
  privateKey: CryptoKey
  publicKey: CryptoKey
  publicBase64: string
}

export async function keyPair(): Promise<KeyPair> {
  const kp = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', kp.publicKey))
  return { privateKey: kp.privateKey, publicKey: kp.publicKey, publicBase64: btoa(String.fromCharCode(...raw)) }
}

/** signTicket returns the QR payload of t signed with key. */
export async function signTicket(t: Ticket, key: CryptoKey): Promise<string> {
  const body = ticketBody(t)
  const sig = new Uint8Array(await crypto.subtle.sign('Ed25519', key, signedMessage(body)))
  const all = new Uint8Array(body.length + sig.length)
  all.set(body, 0)
  all.set(sig, body.length)
  return PREFIX + base32Encode(all)
}
