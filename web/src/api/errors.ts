// Turning an HTTP failure into one message for people. The gateway answers every error as
// {"code": <gRPC code number>, "message": "<English, for API clients>", "reason": "<stable code>",
//  "args": {...}, "localized_message": {"locale": "zh-CN", "message": "<Chinese, for people>"},
//  "fields": [{"field", "rule", "message"}], "details": [...]}.
// People read the Chinese message; a body without one (a proxy's page, an old server) shows its
// message only when that is Chinese, else a Chinese text per code or HTTP status: no English
// sentence from a server reaches the console.

import { isChinese } from '../utils/format'

/** gRPC status codes by number, as grpc-gateway writes them in `code`. */
const grpcCodeNames = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
] as const

export type GrpcCodeName = (typeof grpcCodeNames)[number]

const fallbackByCode: Partial<Record<GrpcCodeName, string>> = {
  InvalidArgument: '提交的内容有误',
  DeadlineExceeded: '服务响应超时，请稍后重试',
  NotFound: '未找到',
  AlreadyExists: '已存在',
  PermissionDenied: '没有权限执行此操作',
  ResourceExhausted: '请求过于频繁，请稍后再试',
  FailedPrecondition: '当前状态下不能执行此操作',
  Aborted: '操作冲突，请刷新后重试',
  Unimplemented: '该功能暂未开放',
  Internal: '服务器内部错误',
  Unavailable: '服务暂不可用，请稍后重试',
  Unauthenticated: '请先登录',
}

const fallbackByStatus: Record<number, string> = {
  400: '提交的内容有误',
  401: '请先登录',
  403: '没有权限执行此操作',
  404: '未找到',
  409: '操作冲突，请刷新后重试',
  413: '文件太大',
  429: '请求过于频繁，请稍后再试',
  500: '服务器内部错误',
  501: '该功能暂未开放',
  502: '服务暂不可用，请稍后重试',
  503: '服务暂不可用，请稍后重试',
  504: '服务响应超时，请稍后重试',
}

/**
 * grpcCodeName normalizes the `code` of an error body: gRPC code numbers (grpc-gateway) and
 * names in any case or spelling ("NotFound", "NOT_FOUND", "not_found") become the Go name.
 */
export function grpcCodeName(code: unknown): GrpcCodeName | undefined {
  if (typeof code === 'number') return grpcCodeNames[code]
  if (typeof code !== 'string' || code === '') return undefined
  if (/^\d+$/.test(code)) return grpcCodeNames[Number(code)]
  const flat = code.replace(/_/g, '').toLowerCase()
  if (flat === 'cancelled') return 'Canceled'
  return grpcCodeNames.find((n) => n.toLowerCase() === flat)
}

/** The error body as far as it could be read. */
export interface ErrorBody {
  code?: unknown
  message?: unknown
  reason?: unknown
  args?: unknown
  localized_message?: unknown
  fields?: unknown
}

/** A field's problem, as the gateway sends it: the request field's path, the rule and the Chinese words. */
export interface FieldProblem {
  field: string
  rule: string
  message: string
}

/** chinese is the text when it is written in Chinese, else ''. */
function chinese(text: unknown): string {
  return isChinese(text) ? text.trim() : ''
}

/** errorMessage is the text to show for a failed response. */
export function errorMessage(status: number, body: ErrorBody | null | undefined): string {
  const loc = body?.localized_message
  const localized = loc && typeof loc === 'object' ? chinese((loc as { message?: unknown }).message) : ''
  if (localized !== '') return localized
  const message = chinese(body?.message)
  if (message !== '') return message
  const name = grpcCodeName(body?.code)
  if (name && fallbackByCode[name]) return fallbackByCode[name]
  if (fallbackByStatus[status]) return fallbackByStatus[status]
  if (status >= 500) return `服务器错误（${status}）`
  return `请求失败（${status}）`
}

/** reasonOf reads the reason code of an error body ('' when there is none). */
export function reasonOf(body: ErrorBody | null | undefined): string {
  return typeof body?.reason === 'string' ? body.reason : ''
}

/** argsOf reads the reason's arguments of an error body. */
export function argsOf(body: ErrorBody | null | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  const args = body?.args
  if (args && typeof args === 'object') {
    for (const [k, v] of Object.entries(args)) if (typeof v === 'string') out[k] = v
  }
  return out
}

/** fieldsOf reads the field problems of an error body, keeping only those with Chinese words. */
export function fieldsOf(body: ErrorBody | null | undefined): FieldProblem[] {
  if (!Array.isArray(body?.fields)) return []
  return body.fields.flatMap((f: unknown) => {
    if (!f || typeof f !== 'object') return []
    const { field, rule, message } = f as Record<string, unknown>
    const text = chinese(message)
    return typeof field === 'string' && text ? [{ field, rule: typeof rule === 'string' ? rule : '', message: text }] : []
  })
}

/**
 * ApiError is a failed API call: the HTTP status, the gRPC code (when sent), the message for
 * people (Chinese), and the reason code and its arguments for pages that act on a reason.
 */
export class ApiError extends Error {
  readonly status: number
  readonly code: GrpcCodeName | undefined
  /** reason is the stable reason code, e.g. 'ACTIVITY_NOT_EDITABLE'; '' when the server sent none. */
  readonly reason: string
  /** args are the reason's arguments, by name. */
  readonly args: Record<string, string>
  /** fields are the problems of a request's fields, each with its Chinese words. */
  readonly fields: FieldProblem[]

  constructor(status: number, body: ErrorBody | null | undefined) {
    super(errorMessage(status, body))
    this.name = 'ApiError'
    this.status = status
    this.code = grpcCodeName(body?.code)
    this.reason = reasonOf(body)
    this.args = argsOf(body)
    this.fields = fieldsOf(body)
  }

  /** unauthenticated says the caller is not (or no longer) signed in. */
  get unauthenticated(): boolean {
    return this.status === 401 || this.code === 'Unauthenticated'
  }
}

/** NETWORK_ERROR is the status of an ApiError for a request that got no answer at all. */
export const NETWORK_ERROR = 0
export const networkErrorMessage = '无法连接服务器，请检查网络后重试'
