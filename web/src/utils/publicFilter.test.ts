import { describe, expect, it } from 'vitest'
import { emptyFilter, filterFromQuery, filterToQuery, filterToRequest, type PublicFilter } from './publicFilter'

describe('public list filter in the address', () => {
  const full: PublicFilter = { county: '140105', form: 'ACTIVITY_FORM_LECTURE', target: 'TARGET_GROUP_SCHOOL', day: '2024-05-28', signup: true }

  it.each<[string, PublicFilter]>([
    ['nothing', emptyFilter],
    ['everything', full],
    ['a county and a day', { ...emptyFilter, county: '140106', day: '2024-05-30' }],
    ['a two-word form', { ...emptyFilter, form: 'ACTIVITY_FORM_HANDS_ON_EXPERIMENT' }],
  ])('round-trips %s', (_name, f) => {
    const query = filterToQuery(f) as Record<string, string>
    expect(filterFromQuery(query)).toEqual(f)
  })

  it('writes short values and keeps the edition', () => {
    expect(filterToQuery(full, { edition: '2024', county: '140199' })).toEqual({
      edition: '2024', county: '140105', form: 'lecture', target: 'school', day: '2024-05-28', signup: '1',
    })
    expect(filterToQuery(emptyFilter, { edition: '2024', day: '2024-05-26' })).toEqual({ edition: '2024' })
  })

  it.each<[Record<string, string>, string]>([
    [{ county: '1401' }, 'a short county'],
    [{ county: '140105; drop' }, 'a county with more'],
    [{ form: 'LECTURE_x' }, 'an unknown form'],
    [{ form: 'constructor' }, 'an object key'],
    [{ target: '../school' }, 'a group with punctuation'],
    [{ day: '2024-02-30' }, 'a day that does not exist'],
    [{ signup: 'yes' }, 'signup other than 1'],
  ])('drops %j (%s)', (query, _why) => {
    expect(filterFromQuery(query)).toEqual(emptyFilter)
  })

  it('takes the first of repeated keys', () => {
    expect(filterFromQuery({ county: ['140105', '140106'] }).county).toBe('140105')
  })

  it('asks the API with proto names', () => {
    expect(filterToRequest(full)).toEqual({
      county_code: '140105', form: 'ACTIVITY_FORM_LECTURE', target_group: 'TARGET_GROUP_SCHOOL', day: '2024-05-28', signup_only: true,
    })
  })
})
