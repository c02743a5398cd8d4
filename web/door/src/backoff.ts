// Retry timing for uploads and syncs: 1 s doubling to 30 s with jitter, never sooner than the
// server's RetryInfo asks.

export const BACKOFF_MIN = 1000
export const BACKOFF_MAX = 30_000

/** backoffDelay for the attempt-th failure in a row (0 for the first), jittered ±25 %. */
export function backoffDelay(attempt: number, hintMs = 0, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** Math.min(attempt, 10))
  const jittered = Math.round(base * (0.75 + random() * 0.5))
  return Math.max(hintMs, Math.min(BACKOFF_MAX, jittered))
}

/** parseDuration reads a protobuf Duration in JSON ("0.200s", "3s"); undefined for junk. */
export function parseDuration(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(s.trim())
  return m ? Math.max(0, Math.round(Number(m[1]) * 1000)) : undefined
}

/** retryHint finds RetryInfo's retry_delay in a gRPC error body's details (ms). */
export function retryHint(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined
  for (const d of details) {
    if (!d || typeof d !== 'object') continue
    const type = (d as Record<string, unknown>)['@type']
    if (typeof type === 'string' && type.endsWith('RetryInfo')) {
      const rec = d as Record<string, unknown>
      const ms = parseDuration(rec.retry_delay ?? rec.retryDelay)
      if (ms !== undefined) return ms
    }
  }
  return undefined
}
