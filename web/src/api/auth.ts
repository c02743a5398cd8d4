// Signing in and out (handled by the gateway itself) and who is signed in.
import { api } from './http'
import type { Account, LoginResult } from './types'

export function login(username: string, password: string): Promise<LoginResult> {
  return api.post<LoginResult>('/auth/login', { username, password }, { quiet: true, anonymous: true })
}

/** changePassword changes the signed-in person's password; the gateway puts the new session's token in the cookie. */
export function changePassword(oldPassword: string, newPassword: string): Promise<{ expires_at: string }> {
  return api.post<{ expires_at: string }>('/auth/password', { old_password: oldPassword, new_password: newPassword }, { quiet: true })
}

export function logout(): Promise<void> {
  return api.post<void>('/auth/logout', undefined, { quiet: true, anonymous: true })
}

/** whoAmI returns the signed-in account; it fails with an unauthenticated ApiError otherwise. */
export async function whoAmI(): Promise<Account> {
  const resp = await api.get<{ account: Account }>('/api/v1/auth/me', { quiet: true, anonymous: true })
  return resp.account
}
