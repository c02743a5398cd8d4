import { describe, expect, it } from 'vitest'
import { ApiError, argsOf, errorMessage, fieldsOf, grpcCodeName, reasonOf } from './errors'

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

const zh = (message: string) => ({ locale: 'zh-CN', message })

describe('errorMessage', () => {
  it.each([
    {
      status: 400,
      body: { code: 3, message: '"气象" is not a unit kind', reason: 'UNIT_KIND_UNKNOWN', localized_message: zh('“气象”不是单位类型，请填写：气象部门、学校') },
      want: '“气象”不是单位类型，请填写：气象部门、学校',
    },
    { status: 400, body: { code: 3, message: 'title: value length must be at least 2 characters' }, want: '提交的内容有误' },
    { status: 409, body: { code: 'FailedPrecondition', message: '  only drafts can change  ' }, want: '当前状态下不能执行此操作' },
    { status: 400, body: { code: 9, message: '  还没有活动周  ' }, want: '还没有活动周' },
    { status: 403, body: { code: 7, message: 'no', localized_message: zh('') }, want: '没有权限执行此操作' },
    { status: 403, body: { code: 7, message: 'no', localized_message: { locale: 'en', message: 'no' } }, want: '没有权限执行此操作' },
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

describe('reason, arguments and field problems', () => {
  it('reads what the gateway sends', () => {
    const body = {
      code: 3,
      message: 'details.title: value length must be at least 2 characters',
      reason: 'REQUEST_FIELD_INVALID',
      args: { fields: 'details.title', n: 3 },
      localized_message: zh('活动名称：至少 2 个字'),
      fields: [{ field: 'details.title', rule: 'string.min_len', message: '活动名称：至少 2 个字' }, { field: 'x', message: 'English only' }, null],
    }
    expect(reasonOf(body)).toBe('REQUEST_FIELD_INVALID')
    expect(argsOf(body)).toEqual({ fields: 'details.title' })
    expect(fieldsOf(body)).toEqual([{ field: 'details.title', rule: 'string.min_len', message: '活动名称：至少 2 个字' }])
    const err = new ApiError(400, body)
    expect(err.message).toBe('活动名称：至少 2 个字')
    expect(err.reason).toBe('REQUEST_FIELD_INVALID')
    expect(err.fields).toHaveLength(1)
  })
  it('is empty for a body without them', () => {
    expect(reasonOf(null)).toBe('')
    expect(argsOf({ args: 'x' })).toEqual({})
    expect(fieldsOf(undefined)).toEqual([])
  })
})
