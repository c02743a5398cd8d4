// A sign-up's manage code is shown once, at sign-up. The result page gets it from the address's
// fragment (#code=…, never sent to the server) or from this tab's sessionStorage.

const storagePrefix = 'sciweek.signup.'

/** codeFromHash reads the manage code from a location hash like "#code=AB12CD". */
export function codeFromHash(hash: string): string {
  const text = hash.startsWith('#') ? hash.slice(1) : hash
  return new URLSearchParams(text).get('code')?.trim() ?? ''
}

/** hashForCode is the location hash that carries a manage code. */
export function hashForCode(code: string): string {
  return `#${new URLSearchParams({ code }).toString()}`
}

export function rememberCode(signupId: string, code: string): void {
  try {
    sessionStorage.setItem(storagePrefix + signupId, code)
  } catch {
    // Storage may be off; the code is in the address and on screen.
  }
}

export function recalledCode(signupId: string): string {
  try {
    return sessionStorage.getItem(storagePrefix + signupId) ?? ''
  } catch {
    return ''
  }
}

/** isUuid accepts a sign-up id as the server writes it. */
export function isUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text.trim())
}
