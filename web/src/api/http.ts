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

/** parseBody reads an answer's text as JSON; a failure that is not JSON has no message. */
function parseBody(status: number, ok: boolean, text: string): unknown {
  if (status === 204 || text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return ok ? text : { message: '' }
  }
}

async function readBody(resp: Response): Promise<unknown> {
  if (resp.status === 204) return undefined
  return parseBody(resp.status, resp.ok, await resp.text())
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

export interface UploadOptions {
  query?: Record<string, QueryValue>
  /** onProgress is called as the request body goes out (bytes sent, bytes in all). */
  onProgress?: (loaded: number, total: number) => void
  /** Aborting the signal cancels the upload; the promise then rejects with an AbortError. */
  signal?: AbortSignal
  quiet?: boolean
}

/** abortError is what a cancelled upload rejects with, like an aborted fetch. */
function abortError(): DOMException {
  return new DOMException('上传已取消', 'AbortError')
}

/**
 * upload POSTs a multipart form with XMLHttpRequest, which (unlike fetch) reports how much of a
 * large body has been sent. Errors are handled as request() handles them: 401 → sign-in page,
 * anything else an ApiError shown once unless quiet.
 */
export function upload<T>(path: string, form: FormData, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const { signal } = options
    if (signal?.aborted) {
      reject(abortError())
      return
    }
    const xhr = new XMLHttpRequest()
    const onAbort = () => xhr.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
    const settle = () => signal?.removeEventListener('abort', onAbort)
    xhr.open('POST', path + buildQuery(options.query))
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) options.onProgress?.(ev.loaded, ev.total)
    }
    xhr.onload = () => {
      settle()
      const ok = xhr.status >= 200 && xhr.status < 300
      const data = parseBody(xhr.status, ok, xhr.responseText)
      if (ok) {
        resolve(data as T)
        return
      }
      const failure = new ApiError(xhr.status, (data ?? null) as ErrorBody | null)
      if (failure.unauthenticated) onUnauthorized()
      else if (!options.quiet) showError(failure)
      reject(failure)
    }
    xhr.onerror = () => {
      settle()
      // A server that refuses a large body early may close the connection before answering.
      const failure = new ApiError(NETWORK_ERROR, { message: networkErrorMessage })
      if (!options.quiet) showError(failure)
      reject(failure)
    }
    xhr.onabort = () => {
      settle()
      reject(abortError())
    }
    xhr.send(form)
  })
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('POST', path, { ...options, body: body ?? {} }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('PUT', path, { ...options, body: body ?? {} }),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
}
