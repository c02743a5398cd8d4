// Who is signed in. The token lives in an HttpOnly cookie the console never sees; the console
// asks GET /api/v1/auth/me once on load and keeps the account here.
import { computed, reactive } from 'vue'
import type { Router } from 'vue-router'
import * as auth from './api/auth'
import { ApiError } from './api/errors'
import type { Account, Role } from './api/types'

interface SessionState {
  account: Account | null
  /** checked is true once the server has been asked (or a sign-in answered). */
  checked: boolean
}

const state = reactive<SessionState>({ account: null, checked: false })

export const session = {
  get account(): Account | null {
    return state.account
  },
  get role(): Role | undefined {
    return state.account?.role
  },
  get countyCode(): string {
    return state.account?.county_code ?? ''
  },
  get unitId(): string {
    return state.account?.unit_id ?? ''
  },
  get signedIn(): boolean {
    return state.account !== null
  },
  /** mustChangePassword: the account holds a one-time password; nothing works until it is changed. */
  get mustChangePassword(): boolean {
    return state.account?.must_change_password ?? false
  },
  is(...roles: Role[]): boolean {
    return state.account !== null && roles.includes(state.account.role)
  },
}

/** displayName is the name shown in the header. */
export const displayName = computed(() => state.account?.display_name || state.account?.username || '')

let pending: Promise<Account | null> | null = null

/** loadSession asks the server who is signed in, once; later calls reuse the answer. */
export function loadSession(force = false): Promise<Account | null> {
  if (state.checked && !force) return Promise.resolve(state.account)
  if (!pending) {
    pending = auth
      .whoAmI()
      .then((account) => {
        state.account = account
        return account
      })
      .catch((err: unknown) => {
        // Only "not signed in" means signed out; a network failure keeps what we knew.
        if (err instanceof ApiError && err.unauthenticated) state.account = null
        else if (!state.checked) state.account = null
        return state.account
      })
      .finally(() => {
        state.checked = true
        pending = null
      })
  }
  return pending
}

/** signIn signs in and loads the full account; it throws the server's refusal. */
export async function signIn(username: string, password: string): Promise<Account> {
  const result = await auth.login(username, password)
  state.account = {
    username: result.username ?? username,
    role: result.role,
    county_code: result.county_code ?? '',
    unit_id: result.unit_id ?? '',
    display_name: result.display_name ?? '',
    updated_at: null,
    disabled: false,
    must_change_password: result.must_change_password ?? false,
    last_login_at: null,
  }
  state.checked = true
  // /auth/me has the unit of an organizer even if the login answer lacks it.
  await loadSession(true)
  if (!state.account) throw new Error('登录未生效，请检查浏览器是否允许 Cookie')
  return state.account
}

/** signOut clears the cookie and forgets the account. */
export async function signOut(): Promise<void> {
  try {
    await auth.logout()
  } finally {
    forgetSession()
  }
}

/** signOutToLogin signs out and opens the sign-in page, whatever the server answered. */
export async function signOutToLogin(router: Router): Promise<void> {
  try {
    await signOut()
  } finally {
    await router.replace({ name: 'login' })
  }
}

/** forgetSession drops the account after the server said 401. */
export function forgetSession(): void {
  state.account = null
  state.checked = true
}
