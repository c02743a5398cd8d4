import { describe, expect, it } from 'vitest'
import { buildQuery } from './query'

describe('buildQuery', () => {
  it.each([
    { params: undefined, want: '' },
    { params: {}, want: '' },
    { params: { county_code: '140105', page_size: 50 }, want: '?county_code=140105&page_size=50' },
    { params: { status: 'ACTIVITY_STATUS_SUBMITTED', page_token: '' }, want: '?status=ACTIVITY_STATUS_SUBMITTED' },
    { params: { status: 'ACTIVITY_STATUS_UNSPECIFIED', form: undefined, unit_id: null }, want: '' },
    { params: { signup_only: true }, want: '?signup_only=true' },
    { params: { signup_only: false }, want: '' },
    { params: { page_size: 0 }, want: '?page_size=0' },
    { params: { target_groups: ['TARGET_GROUP_YOUTH', 'TARGET_GROUP_PUBLIC'] }, want: '?target_groups=TARGET_GROUP_YOUTH&target_groups=TARGET_GROUP_PUBLIC' },
    { params: { query: '科普 讲座&实验' }, want: '?query=%E7%A7%91%E6%99%AE+%E8%AE%B2%E5%BA%A7%26%E5%AE%9E%E9%AA%8C' },
  ])('$params', ({ params, want }) => {
    expect(buildQuery(params)).toBe(want)
  })
})
