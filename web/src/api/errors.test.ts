import { describe, expect, it } from 'vitest'
import { ApiError, errorMessage, grpcCodeName } from './errors'

describe('grpcCodeName', () => {
  it.each([
    [3, 'InvalidArgument'],
    [16, 'Unauthenticated'],
    ['5', 'NotFound'],
    ['NotFound', 'NotFound'],
    ['NOT_FOUND', 'NotFound'],
    ['permission_denied', 'PermissionDenied'],
    ['CANCELLED', 'Canceled'],
    ['', undefined],
    [99, undefined],
    ['nonsense', undefined],
    [null, undefined],
  ])('%j → %s', (code, want) => {
    expect(grpcCodeName(code)).toBe(want)
  })
})

describe('errorMessage', () => {
  it.each([
    { status: 400, body: { code: 3, message: 'title: value length must be at least 2 characters' }, want: 'title: value length must be at least 2 characters' },
    { status: 409, body: { code: 'FailedPrecondition', message: '  only drafts can change  ' }, want: 'only drafts can change' },
    { status: 403, body: { code: 7, message: '' }, want: '没有权限执行此操作' },
    { status: 400, body: { code: 'FailedPrecondition' }, want: '当前状态下不能执行此操作' },
    { status: 404, body: null, want: '未找到' },
    { status: 502, body: undefined, want: '服务暂不可用，请稍后重试' },
    { status: 507, body: {}, want: '服务器错误（507）' },
    { status: 418, body: { message: 42 }, want: '请求失败（418）' },
  ])('$status $body', ({ status, body, want }) => {
    expect(errorMessage(status, body)).toBe(want)
  })
})

describe('ApiError', () => {
  it.each([
    { status: 401, body: { code: 'Unauthenticated', message: 'sign in first' }, unauthenticated: true },
    { status: 200, body: { code: 16 }, unauthenticated: true },
    { status: 403, body: { code: 7, message: 'no' }, unauthenticated: false },
  ])('unauthenticated for $status', ({ status, body, unauthenticated }) => {
    expect(new ApiError(status, body).unauthenticated).toBe(unauthenticated)
  })
})
