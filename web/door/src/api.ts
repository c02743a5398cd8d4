// The door's calls to the gateway's JSON API: POST with a JSON body, the terminal credential as
// a Bearer token, errors as {code, message, reason, localized_message, details} with an HTTP
// status. The person at the door reads the Chinese localized message (doorMessage).

import { isChinese } from '../../src/utils/format'
import { retryHint } from './backoff'

export class ApiError extends Error {
  /** status is the HTTP status; 0 when the network failed (no answer at all). */
  readonly status: number
  /** code is the gRPC code (a number from grpc-gateway, a name from the gateway's own handlers). */
  readonly code: number | string | undefined
  readonly details: unknown
  /** retryAfter is the server's RetryInfo delay (ms), if it gave one. */
  readonly retryAfter: number | undefined

  constructor(status: number, message: string, code?: number | string, details?: unknown, retryAfter?: number) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
    this.retryAfter = retryAfter
  }

  get network(): boolean {
    return this.status === 0
  }

  /** unauthenticated: HTTP 401 / gRPC Unauthenticated (16): the credential no longer works. */
  get unauthenticated(): boolean {
    return this.status === 401 || this.code === 16 || this.code === 'Unauthenticated'
  }
}

const TIMEOUT = 20_000

/** post sends one call; T is the answer's JSON. */
export async function post<T>(path: string, body: unknown, credential?: string, timeout = TIMEOUT): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' }
  if (credential) headers.Authorization = `Bearer ${credential}`
  const ctrl = new AbortController()
  const timer = setTimeout(() => ctrl.abort(), timeout)
  let resp: Response
  let text: string
  try {
    resp = await fetch(path, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      signal: ctrl.signal,
    })
    text = await resp.text()
  } catch (e) {
    throw new ApiError(0, e instanceof Error && e.name === 'AbortError' ? '请求超时' : '网络不可用')
  } finally {
    clearTimeout(timer)
  }
  let json: unknown
  try {
    json = text ? JSON.parse(text) : {}
  } catch {
    json = undefined
  }
  if (resp.ok && json !== undefined) return json as T
  const err = (json && typeof json === 'object' ? json : {}) as ErrorBody
  let retryAfter = retryHint(err.details)
  const header = Number(resp.headers.get('Retry-After'))
  if (retryAfter === undefined && Number.isFinite(header) && header > 0) retryAfter = header * 1000
  throw new ApiError(resp.ok ? 502 : resp.status, doorMessage(resp.ok ? 502 : resp.status, err), err.code, err.details, retryAfter)
}

/** ErrorBody is the gateway's error answer. */
export interface ErrorBody {
  code?: number | string
  message?: string
  localized_message?: { message?: string }
  details?: unknown
}

/**
 * doorMessage is what the door shows for a failed call: the server's Chinese message, or its
 * message when that is Chinese, else a Chinese text of the HTTP status. English never shows.
 */
export function doorMessage(status: number, err: ErrorBody): string {
  for (const m of [err.localized_message?.message, err.message]) if (isChinese(m)) return m.trim()
  if (status === 401) return '终端凭据已失效，请重新配对'
  if (status === 403) return '此终端无权进行此操作'
  if (status === 429 || status === 503) return '服务器繁忙，稍后自动重试'
  if (status >= 500) return `服务器错误（HTTP ${status}）`
  return status === 502 ? '服务器答复无法识别' : `请求未成功（HTTP ${status}）`
}

/** pairingMessage is what the pairing screen says about a failed activation. */
export function pairingMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.network) return '无法连接服务器，请检查网络后重试'
    if (e.status === 404 || e.status === 400 || e.status === 412) return '设置码无效或已过期，请在管理后台重置终端获取新码'
    return e.message
  }
  return e instanceof Error ? e.message : String(e)
}
