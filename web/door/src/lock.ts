// A readers–writer lock for the API calls: syncs and uploads share it, a credential rotation
// takes it alone, so no call goes out with a credential that the rotation is about to end.

export class RWLock {
  private readers = 0
  private writer: Promise<void> | null = null
  private drained: (() => void) | null = null

  async read<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writer) await this.writer
    this.readers++
    try {
      return await fn()
    } finally {
      this.readers--
      if (this.readers === 0 && this.drained) {
        const d = this.drained
        this.drained = null
        d()
      }
    }
  }

  async write<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writer) await this.writer
    let release!: () => void
    this.writer = new Promise<void>((r) => (release = r))
    try {
      if (this.readers > 0) await new Promise<void>((r) => (this.drained = r))
      return await fn()
    } finally {
      this.writer = null
      release()
    }
  }
}
