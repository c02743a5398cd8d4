// AccountService: the accounts an admin looks after.
import { api } from './http'
import type { Account, CreateAccountRequest } from './types'

export async function listAccounts(countyCode = ''): Promise<Account[]> {
  const resp = await api.get<{ accounts: Account[] }>('/api/v1/accounts', { query: { county_code: countyCode } })
  return resp.accounts ?? []
}

/** resetPassword gives the account a one-time password, returned once. */
export async function resetPassword(username: string): Promise<{ account: Account; one_time_password: string }> {
  return api.post<{ account: Account; one_time_password: string }>(`/api/v1/accounts/${encodeURIComponent(username)}:resetPassword`, {})
}

/** setAccountDisabled disables an account (its sessions end) or enables it again. */
export async function setAccountDisabled(username: string, disabled: boolean): Promise<Account> {
  return (await api.post<{ account: Account }>(`/api/v1/accounts/${encodeURIComponent(username)}:setDisabled`, { disabled })).account
}

/** unlockAccount lifts the lock that repeated wrong passwords put on an account; false when it had none. */
export async function unlockAccount(username: string): Promise<boolean> {
  return (await api.post<{ was_locked?: boolean }>(`/api/v1/accounts/${encodeURIComponent(username)}:unlock`, {})).was_locked ?? false
}

export async function createAccount(req: CreateAccountRequest): Promise<Account> {
  return (await api.post<{ account: Account }>('/api/v1/accounts', req, { quiet: true })).account
}
