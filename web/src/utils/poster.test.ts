import { describe, expect, it } from 'vitest'
import type { PublicActivity } from '../api/types'
import { activityPageUrl, posterFacts, posterFileName, posterQrSrc, wrapLines } from './poster'

// Every character is 1 wide, "…" too.
const measure = (s: string) => Array.from(s).length

describe('poster text', () => {
  it.each<[string, string, number, number, string[]]>([
    ['short', '走进实验室', 10, 3, ['走进实验室']],
    ['wraps', '走进重点实验室看科学', 4, 3, ['走进重点', '实验室看', '科学']],
    ['ellipsis on the last line', '走进重点实验室看科学家如何工作', 4, 2, ['走进重点', '实验室…']],
    ['exactly fits', '一二三四五六七八', 4, 2, ['一二三四', '五六七八']],
    ['spaces collapse', '  AI  与  生活 ', 20, 1, ['AI 与 生活']],
    ['empty', '', 4, 2, []],
  ])('%s', (_name, text, width, lines, want) => {
    expect(wrapLines(text, width, measure, lines)).toEqual(want)
  })

  it('links to the public page and the gateway QR', () => {
    const url = activityPageUrl('https://kjz.example.cn/', '0190a1b2-0000-7000-8000-000000000001')
    expect(url).toBe('https://kjz.example.cn/public/activities/0190a1b2-0000-7000-8000-000000000001')
    expect(posterQrSrc(url, 300)).toBe(`/qr.png?data=${encodeURIComponent(url)}&size=300`)
  })

  it('prints time, place, organizer and audience', () => {
    const at = (hm: string) => new Date(`2024-05-26T${hm}:00+08:00`).toISOString()
    const a = {
      id: 'x',
      county_code: '140105',
      organizer: '太原市科技馆',
      venue_name: '科技馆一层',
      details: {
        title: '机器人', form: 'ACTIVITY_FORM_LECTURE', target_groups: ['TARGET_GROUP_YOUTH'], online_url: '',
        sessions: [{ starts_at: at('09:00'), ends_at: at('11:00') }, { starts_at: at('14:00'), ends_at: at('16:00') }],
      },
    } as unknown as PublicActivity
    const f = posterFacts(a, '2024年科技活动周', '小店区', 'Asia/Shanghai')
    expect(f.time).toBe('2024-05-26 09:00–11:00 等 2 场')
    expect(f.place).toBe('小店区 · 科技馆一层')
    expect(f.organizer).toBe('太原市科技馆')
    expect(f.form).toBe('科普讲座')
    expect(f.audience).toContain('青少年')
  })

  it.each([
    ['机器人：从入门到精通', '机器人：从入门到精通-海报.png'],
    ['a/b\\c?', 'a b c-海报.png'],
    ['', '活动-海报.png'],
  ])('names %j %j', (title, want) => {
    expect(posterFileName(title)).toBe(want)
  })
})
