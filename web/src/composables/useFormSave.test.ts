import { describe, expect, it, vi } from 'vitest'
import { useFormSave } from './useFormSave'

// The message itself needs a page (Element Plus draws it); here only that it was asked for.
const shown = vi.hoisted(() => [] as unknown[])
vi.mock('../api/http', () => ({ showError: (err: unknown) => shown.push(err) }))

describe('useFormSave', () => {
  it('spins while sending and keeps nothing after a success', async () => {
    const f = useFormSave()
    let during = false
    await f.save(async () => {
      during = f.saving.value
    })
    expect([during, f.saving.value, f.formError.value]).toEqual([true, false, ''])
  })

  it('keeps a refusal in the dialog and shows it, and forgets it on the next try', async () => {
    shown.length = 0
    const f = useFormSave()
    const refused = new Error('用户名已存在')
    await f.save(async () => {
      throw refused
    })
    expect([f.saving.value, f.formError.value, shown]).toEqual([false, '用户名已存在', [refused]])
    let errorDuring = 'unset'
    await f.save(async () => {
      errorDuring = f.formError.value
    })
    expect([errorDuring, f.formError.value]).toEqual(['', ''])
  })
})
