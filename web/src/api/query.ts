// Query strings for GET requests: grpc-gateway reads them by proto field name, and a repeated
// field is the parameter repeated.

export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string | number>

/**
 * buildQuery returns "?a=1&b=x" for the parameters that carry a value, or "" when none does.
 * Empty strings, null, undefined, false and *_UNSPECIFIED enum values are left out: they are
 * the fields' defaults anyway, and left out they keep URLs short.
 */
export function buildQuery(params: Record<string, QueryValue> | undefined): string {
  if (!params) return ''
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue
    if (Array.isArray(value)) {
      for (const item of value) search.append(key, String(item))
      continue
    }
    if (typeof value === 'string' && value.endsWith('_UNSPECIFIED')) continue
    search.append(key, String(value))
  }
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}

/** pathSegment escapes one path parameter (ids, edition ids). */
export function pathSegment(value: string): string {
  return encodeURIComponent(value)
}
