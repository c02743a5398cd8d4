// The one fetch client of the console. Every call goes to the same origin with the sign-in
// cookie; a failure becomes an ApiError whose message is shown once, here, with ElMessage.
import { ElMessage } from 'element-plus'
import { ApiError, NETWORK_ERROR, networkErrorMessage, type ErrorBody } from './errors'
import { buildQuery, type QueryValue } from './query'

export interface RequestOptions {
  query?: Record<string, QueryValue>
  /** body is sent as JSON, or as is when it is FormData. */
  body?: unknown
  /** quiet leaves showing the error to the caller (e.g. a form that shows it inline). */
  quiet?: boolean
  /** anonymous calls do not send people to the sign-in page on 401 (public pages, login). */
  anonymous?: boolean
  signal?: AbortSignal
}

type UnauthorizedHandler = () => void
let onUnauthorized: UnauthorizedHandler = () => {}

/** setUnauthorizedHandler decides what a 401 does; the router sends people to /login. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler
}

/** showError shows an error from any source the way API failures are shown. */
export function showError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err)
  ElMessage({ type: 'error', message, showClose: true, duration: 5000, grouping: true })
}

async function readBody(resp: Response): Promise<unknown> {
  if (resp.status === 204) return undefined
  const text = await resp.text()
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return resp.ok ? text : { message: '' }
  }
}

/** request performs one call; T is the JSON shape of a successful answer. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: BodyInit | undefined
  if (options.body instanceof FormData) {
    body = options.body
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  let resp: Response
  try {
    resp = await fetch(path + buildQuery(options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    })
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err
    const failure = new ApiError(NETWORK_ERROR, { message: networkErrorMessage })
    if (!options.quiet) showError(failure)
    throw failure
  }
  const data = await readBody(resp)
  if (resp.ok) return data as T
  const failure = new ApiError(resp.status, (data ?? null) as ErrorBody | null)
  if (failure.unauthenticated && !options.anonymous) {
    onUnauthorized()
    throw failure
  }
  if (!options.quiet) showError(failure)
  throw failure
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('POST', path, { ...options, body: body ?? {} }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('PUT', path, { ...options, body: body ?? {} }),
}
