// AccountService: the accounts an admin looks after.
import { api } from './http'
import type { Account, CreateAccountRequest } from './types'

export async function listAccounts(countyCode = ''): Promise<Account[]> {
  const resp = await api.get<{ accounts: Account[] }>('/api/v1/accounts', { query: { county_code: countyCode } })
  return resp.accounts ?? []
}

export async function createAccount(req: CreateAccountRequest): Promise<Account> {
  return (await api.post<{ account: Account }>('/api/v1/accounts', req, { quiet: true })).account
}
