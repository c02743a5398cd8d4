// The setup code a QR code or the page's address carries: either the bare code, or an address
// with ?setup=CODE (the console shows a QR of <origin>/door/?setup=CODE).

/** setupFromText reads a scanned text; undefined when it holds no setup code. */
export function setupFromText(text: string): string | undefined {
  const t = text.trim()
  if (!t) return undefined
  const q = t.indexOf('?')
  if (q >= 0 || /^[a-z][a-z0-9+.-]*:/i.test(t)) {
    // An address: only its query counts (absolute or not, whatever its host).
    if (q < 0) return undefined
    const query = t.slice(q + 1).split('#')[0] ?? ''
    const code = new URLSearchParams(query).get('setup')?.trim()
    return code || undefined
  }
  // A bare code: letters, digits and dashes (case and dashes do not matter to the server).
  return /^[A-Za-z0-9-]{4,32}$/.test(t) ? t : undefined
}

/** setupFromSearch reads ?setup= from location.search. */
export function setupFromSearch(search: string): string | undefined {
  const code = new URLSearchParams(search).get('setup')?.trim()
  return code || undefined
}

/** withoutSetup is the address without its setup parameter, for history.replaceState. */
export function withoutSetup(href: string): string {
  const u = new URL(href)
  u.searchParams.delete('setup')
  return u.pathname + (u.searchParams.toString() ? `?${u.searchParams}` : '') + u.hash
}
