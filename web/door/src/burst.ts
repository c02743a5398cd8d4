// A hardware scanner that types like a keyboard sends its text as a burst of key presses, each
// a few milliseconds after the last, and ends it with Enter. People type slower: their keys
// come MAX_GAP (50 ms) or more apart. The detector is fed key events (key, time in ms) and
// returns the text when a burst of at least MIN_LENGTH characters ends in Enter.
//
// A busy device can hold one key event back now and then (a garbage collection, a frame being
// drawn): inside a burst already under way, a rare gap of up to STALL (200 ms) is forgiven —
// one per 32 characters, at least one — so a 208-character ticket is not cut in two. A longer
// pause, or slow keys from the start, is people typing and starts over.

export interface BurstOptions {
  /** maxGap: characters of one burst follow each other by less than this (ms). */
  maxGap?: number
  /** minLength: fewer characters are not a scan. */
  minLength?: number
  /** enterGap: Enter must follow the last character by at most this (ms). */
  enterGap?: number
  /** stall: the longest gap forgiven inside a burst under way (ms). */
  stall?: number
}

const FORGIVE_EVERY = 32
const FORGIVE_FROM = 4

export class BurstDetector {
  private buffer = ''
  private last = -Infinity
  private slow = 0
  private readonly maxGap: number
  private readonly minLength: number
  private readonly enterGap: number
  private readonly stall: number

  constructor(opts: BurstOptions = {}) {
    this.maxGap = opts.maxGap ?? 50
    this.minLength = opts.minLength ?? 8
    this.enterGap = opts.enterGap ?? 100
    this.stall = opts.stall ?? 200
  }

  /** length is how many characters the current burst holds. */
  get length(): number {
    return this.buffer.length
  }

  private allowance(length: number): number {
    return Math.max(1, Math.floor(length / FORGIVE_EVERY))
  }

  /**
   * key takes one keydown: KeyboardEvent.key and its time. It returns the scanned text when
   * this key ends a burst (the caller then keeps Enter from doing anything else), else
   * undefined.
   */
  key(key: string, time: number): string | undefined {
    const gap = time - this.last
    if (key === 'Enter') {
      const text = this.buffer
      const ok = text.length >= this.minLength && gap <= this.enterGap && this.slow <= this.allowance(text.length)
      this.reset()
      return ok ? text : undefined
    }
    if (key.length !== 1) {
      // Modifiers (Shift for upper case) come in between characters; anything else ends a burst.
      if (key === 'Shift' || key === 'CapsLock' || key === 'Unidentified') return undefined
      this.reset()
      return undefined
    }
    if (this.buffer.length > 0 && gap >= this.maxGap) {
      const forgivable = gap < this.stall && this.buffer.length >= FORGIVE_FROM && this.slow < this.allowance(this.buffer.length + FORGIVE_EVERY)
      if (forgivable) this.slow++
      else {
        this.buffer = ''
        this.slow = 0
      }
    }
    this.buffer += key
    this.last = time
    return undefined
  }

  reset(): void {
    this.buffer = ''
    this.last = -Infinity
    this.slow = 0
  }
}
