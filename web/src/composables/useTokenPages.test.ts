import { describe, expect, it } from 'vitest'
import { useTokenPages } from './useTokenPages'

/** pages serves 5 items two at a time; a token is the offset as text. */
async function pages(token: string) {
  const items = [1, 2, 3, 4, 5]
  const at = Number(token || '0')
  const next = at + 2 < items.length ? String(at + 2) : ''
  return { items: items.slice(at, at + 2), next }
}

/** settle lets the load started by first, next or previous finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('useTokenPages', () => {
  it('goes on with the token of the page shown and back with the one before', async () => {
    const asked: string[] = []
    const p = useTokenPages<number>((token) => {
      asked.push(token)
      return pages(token)
    })
    await p.load()
    expect([p.page.value, p.items.value, p.nextToken.value]).toEqual([1, [1, 2], '2'])
    p.next()
    await settle()
    p.next()
    await settle()
    expect([p.page.value, p.items.value, p.nextToken.value]).toEqual([3, [5], ''])
    p.previous()
    await settle()
    expect([p.page.value, p.items.value]).toEqual([2, [3, 4]])
    p.first()
    await settle()
    expect([p.page.value, p.items.value]).toEqual([1, [1, 2]])
    expect(asked).toEqual(['', '2', '4', '2', ''])
  })

  it('shows an empty last page when a load fails', async () => {
    const p = useTokenPages<number>(async () => {
      throw new Error('refused')
    })
    await p.load()
    expect([p.items.value, p.nextToken.value, p.loading.value]).toEqual([[], '', false])
  })

  it('keeps a page without items as empty', async () => {
    const p = useTokenPages<number>(async () => ({ items: undefined, next: '' }))
    await p.load()
    expect(p.items.value).toEqual([])
  })
})
