// Parts of a long page drawn when they are about to be seen, not all at once when it opens.
import { inject, onBeforeUnmount, onMounted, type InjectionKey, type Ref } from 'vue'

/** NEAR is how close below the window a part counts as about to be seen, in pixels. */
const NEAR = 200

/**
 * LATE is provided by a part mounted after the page's first figures (Deferred): the parts inside
 * it need not wait for figures before they may be drawn when the page is idle.
 */
export const LATE: InjectionKey<boolean> = Symbol('sciweek.late')

const whenIdle = (f: () => void): number =>
  typeof requestIdleCallback === 'function' ? requestIdleCallback(f, { timeout: 2000 }) : window.setTimeout(f, 300)
const cancelIdle = (h: number) => (typeof cancelIdleCallback === 'function' ? cancelIdleCallback(h) : clearTimeout(h))

/**
 * useNearOrIdle calls show once: at mount for an element inside the window or just below it;
 * otherwise when it is scrolled near, or when the page is idle after idleAfter was called (the
 * page has shown its first figures). Inside a Deferred part, idle counts from mount.
 */
export function useNearOrIdle(el: Ref<HTMLElement | undefined>, show: () => void): { idleAfter: () => void } {
  const late = inject(LATE, false)
  let seen: IntersectionObserver | null = null
  let idle: number | undefined
  let done = false

  function stop() {
    seen?.disconnect()
    seen = null
    if (idle !== undefined) cancelIdle(idle)
    idle = undefined
  }
  function fire() {
    if (done) return
    done = true
    stop()
    show()
  }
  /** idleAfter lets a waiting element be shown when the page is next idle. */
  function idleAfter() {
    if (!done && seen && idle === undefined) idle = whenIdle(fire)
  }

  onMounted(() => {
    if (!el.value) return
    if (el.value.getBoundingClientRect().top < window.innerHeight + NEAR) {
      fire()
      return
    }
    seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) fire()
    }, { rootMargin: `${NEAR}px` })
    seen.observe(el.value)
    if (late) idleAfter()
  })
  onBeforeUnmount(stop)
  return { idleAfter }
}
