import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import { useLoaded } from './useLoaded'

/** settle lets a load started by a watch finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('useLoaded', () => {
  // No component mounts here (the tests run without a DOM), so Vue warns that onMounted has no
  // instance; the loads are started by hand and by the watch instead.
  beforeEach(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('keeps the answer and reads again when what it follows changes', async () => {
    const venue = ref('a')
    const asked: string[] = []
    const scope = effectScope()
    const l = scope.run(() =>
      useLoaded(
        async () => {
          asked.push(venue.value)
          return { venue: venue.value }
        },
        '各终端人次',
        () => [venue.value],
      ),
    )!
    await l.load()
    expect([l.data.value, l.problem.value, l.loading.value]).toEqual([{ venue: 'a' }, '', false])
    venue.value = 'b'
    await nextTick()
    await settle()
    expect(l.data.value).toEqual({ venue: 'b' })
    expect(asked).toEqual(['a', 'b'])
    scope.stop()
  })

  it('empties the data and says why when a read fails', async () => {
    let fail = false
    const scope = effectScope()
    const l = scope.run(() =>
      useLoaded(
        async () => {
          if (fail) throw new Error('服务不可用')
          return 1
        },
        '异常扫码',
        () => [],
      ),
    )!
    await l.load()
    expect(l.data.value).toBe(1)
    fail = true
    await l.load()
    expect([l.data.value, l.problem.value, l.loading.value]).toEqual([null, '无法读取异常扫码：服务不可用', false])
    fail = false
    await l.load()
    expect([l.data.value, l.problem.value]).toEqual([1, ''])
    scope.stop()
  })
})
