// The door's state and its background work: the durable queue, the uploader, the sync every
// few seconds, credential rotation and revocation. The screens (main.ts) read it and call it.

import { ApiError, post } from './api'
import { backoffDelay } from './backoff'
import { counts, todaysActivities, type Counts } from './counts'
import { DoorDB, type ClockInfo, type Config, type TerminalInfo } from './db'
import { DEFAULT_TIME_ZONE, judgeTicket, type JudgeContext, type Verdict } from './judge'
import { RWLock } from './lock'
import { effectiveOutcome, isFailed, isPending, toWire, type NewRecord, type QueuedRecord } from './records'
import { reconcile, type Warning } from './reconcile'
import { mergeSync, type Activity, type Admission, type Snapshot } from './snapshot'
import { KeyRing } from './ticket'
import { shortCode } from './code'
import { parseTime, zoneOrUTC } from './time'
import type { ActivateResponse, RotateResponse, SyncResponse, UploadResponse } from './types'

export const SYNC_INTERVAL = 5000
export const BATCH_SIZE = 500
export const ROTATE_EVERY = 24 * 3600_000
/**
 * AUTH_GRACE: right after pairing or a rotation the check-in service may not know the new
 * credential yet (it learns it from the venue service's events within a second or so); a 401
 * then is retried rather than taken for a revocation.
 */
export const AUTH_GRACE = 10_000
/** Uploaded records are kept this long (own admissions, counts), then pruned at start. */
const KEEP_UPLOADED = 3 * 24 * 3600_000

const API = {
  activate: '/api/v1/terminals:activate',
  sync: '/api/v1/terminals:sync',
  rotate: '/api/v1/terminals:rotate',
  upload: '/api/v1/checkins:upload',
}

/** invalidBatch: the server refuses the request itself (a record it takes for invalid). */
function invalidBatch(e: ApiError): boolean {
  return !e.network && (e.status === 400 || e.status === 403)
}

export class Engine {
  cfg: Config = {}
  snap: Snapshot | undefined
  readonly records = new Map<number, QueuedRecord>()
  readonly warnings = new Map<number, Warning>()
  /** netFailed: the last request got no answer at all. */
  netFailed = false
  /** lastError is the last failure worth showing (cleared by a success). */
  lastError = ''
  /** synced: a sync answered since pairing (or one stored from before a reload). */
  synced = false
  onChange: () => void = () => {}
  onRevoked: () => void = () => {}

  private readonly keys = new KeyRing()
  private readonly lock = new RWLock()
  private ctx: JudgeContext | undefined
  private own = new Map<string, Admission>()
  private running = false
  private syncTimer: ReturnType<typeof setTimeout> | undefined
  private uploadTimer: ReturnType<typeof setTimeout> | undefined
  private syncing = false
  private pumping = false
  private pumpAgain = false
  private uploadAttempt = 0
  private syncAttempt = 0
  private backoffUntil = 0
  private graceUntil = 0

  private constructor(private readonly db: DoorDB) {
    addEventListener('online', () => {
      this.netFailed = false
      this.backoffUntil = 0
      this.uploadAttempt = 0
      this.onChange()
      this.syncNow()
      this.kickUpload()
    })
    addEventListener('offline', () => this.onChange())
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.syncNow()
    })
  }

  static async open(): Promise<Engine> {
    const e = new Engine(await DoorDB.open())
    await e.load()
    return e
  }

  private async load(): Promise<void> {
    this.cfg = await this.db.config()
    this.snap = await this.db.snapshot()
    this.synced = this.cfg.lastSync !== undefined && !!this.snap
    const old: number[] = []
    const cutoff = Date.now() - KEEP_UPLOADED
    for (const r of await this.db.records()) {
      if (r.uploaded && r.occurredAt < cutoff) old.push(r.sequence)
      else this.records.set(r.sequence, r)
    }
    if (old.length) await this.db.deleteRecords(old)
    for (const w of await this.db.warnings()) this.warnings.set(w.sequence, w)
    this.rebuild()
    this.rebuildOwn()
  }

  // ---- state the screens read ------------------------------------------------------------

  get paired(): boolean {
    return !!this.cfg.credential
  }

  get revoked(): boolean {
    return this.cfg.revoked === true
  }

  get online(): boolean {
    return navigator.onLine && !this.netFailed
  }

  /** now is the device's clock, corrected by the server's when the last sync found it off. */
  now(): number {
    const c = this.cfg.clock
    return Date.now() + (c?.skew ? c.offset : 0)
  }

  get timeZone(): string {
    return zoneOrUTC(this.snap?.editions.find((e) => e.timeZone)?.timeZone || DEFAULT_TIME_ZONE)
  }

  get terminalName(): string {
    return this.snap?.terminalName || this.cfg.terminal?.name || ''
  }

  get venueName(): string {
    return this.snap?.venueName || this.cfg.terminal?.venueName || ''
  }

  get clockSkew(): boolean {
    return this.cfg.clock?.skew === true
  }

  pendingCount(): number {
    let n = 0
    for (const r of this.records.values()) if (isPending(r)) n++
    return n
  }

  failedCount(): number {
    let n = 0
    for (const r of this.records.values()) if (isFailed(r)) n++
    return n
  }

  counts(): Counts {
    return counts(this.snap?.occupancy, this.records.values(), this.now(), this.timeZone)
  }

  /** activities are today's open activities of the venue; all open ones when none is today. */
  activities(): Activity[] {
    const all = this.snap?.activities ?? []
    const today = todaysActivities(all, this.now(), this.timeZone)
    return today.length ? today : all.filter((a) => a.open)
  }

  /** chosenActivity is the picked activity, or the first of today's. */
  chosenActivity(): Activity | undefined {
    const list = this.activities()
    return list.find((a) => a.id === this.cfg.activity) ?? list[0]
  }

  activity(id: string | undefined): Activity | undefined {
    return id ? this.ctx?.activities.get(id.toLowerCase()) : undefined
  }

  edition(id: string | undefined) {
    return id ? this.ctx?.editions.get(id) : undefined
  }

  unseenWarnings(): Warning[] {
    return [...this.warnings.values()].filter((w) => !w.seen).sort((a, b) => b.sequence - a.sequence)
  }

  async choose(values: Pick<Config, 'activity' | 'mode'>): Promise<void> {
    Object.assign(this.cfg, values)
    await this.db.setConfig(values)
    this.onChange()
  }

  // ---- judging and recording --------------------------------------------------------------

  private rebuild(): void {
    const s = this.snap
    const admitted = s?.admitted ?? {}
    this.ctx = {
      activities: new Map((s?.activities ?? []).map((a) => [a.id, a])),
      editions: new Map((s?.editions ?? []).map((e) => [e.id, e])),
      revoked: new Set(s?.revoked ?? []),
      admission: (id) => {
        const a = admitted[id]
        const b = this.own.get(id)
        if (a && b) return a.at <= b.at ? a : b
        return a ?? b
      },
      keys: this.keys,
    }
    this.keys.prepare((s?.editions ?? []).map((e) => e.publicKey))
  }

  private rebuildOwn(): void {
    this.own.clear()
    for (const r of this.records.values()) this.noteOwn(r)
  }

  private noteOwn(r: QueuedRecord): void {
    if (r.kind !== 'ticket' || !r.ticketId) return
    if (effectiveOutcome(r) === 'admitted') {
      const old = this.own.get(r.ticketId)
      if (!old || old.at > r.occurredAt) this.own.set(r.ticketId, { at: r.occurredAt, terminalId: r.terminalId, door: this.terminalName })
    } else if (this.own.get(r.ticketId)?.at === r.occurredAt) {
      this.own.delete(r.ticketId)
    }
  }

  /** judge decides a scanned ticket text now, from the last sync and this device's records. */
  /**
   * ticketsFor returns the signed payloads of this venue's tickets with a short code, as the
   * last sync brought them: none when the code is unknown here, two or more in the rare case
   * that tickets share it.
   */
  ticketsFor(code: string): string[] {
    return this.snap?.tickets[code] ?? []
  }

  private counted?: { tickets: Snapshot['tickets']; n: number }

  /** knownTickets is how many of the venue's tickets this door can admit by short code. */
  get knownTickets(): number {
    const tickets = this.snap?.tickets
    if (!tickets) return 0
    if (this.counted?.tickets !== tickets) {
      let n = 0
      for (const payloads of Object.values(tickets)) n += payloads.length
      this.counted = { tickets, n }
    }
    return this.counted.n
  }

  async judge(payload: string): Promise<Verdict> {
    if (!this.ctx) this.rebuild()
    return judgeTicket(this.ctx!, payload, this.now())
  }

  /**
   * add writes a record to the durable queue (with its sequence number) and returns it; only
   * then may the screen show the answer.
   */
  async add(rec: Omit<NewRecord, 'occurredAt' | 'venueId' | 'terminalId'> & { occurredAt?: number }): Promise<QueuedRecord> {
    const t = this.cfg.terminal
    const full = await this.db.addRecord({
      ...rec,
      occurredAt: rec.occurredAt ?? this.now(),
      venueId: t?.venueId ?? this.snap?.venueId ?? '',
      terminalId: t?.id ?? this.snap?.terminalId ?? '',
    })
    this.records.set(full.sequence, full)
    this.noteOwn(full)
    this.onChange()
    this.kickUpload()
    return full
  }

  async markSeen(sequence: number): Promise<void> {
    const w = this.warnings.get(sequence)
    if (!w || w.seen) return
    const seen = { ...w, seen: true }
    this.warnings.set(sequence, seen)
    await this.db.putWarning(seen)
    this.onChange()
  }

  /** retryFailed sends the records the server refused as invalid once more, one by one. */
  async retryFailed(): Promise<void> {
    const changed: QueuedRecord[] = []
    for (const r of this.records.values()) {
      if (isFailed(r)) {
        const u = { ...r, isolate: true }
        this.records.set(u.sequence, u)
        changed.push(u)
      }
    }
    await this.db.updateRecords(changed)
    this.onChange()
    this.kickUpload()
  }

  // ---- pairing and revocation -------------------------------------------------------------

  /** pair exchanges a setup code for the credential; throws ApiError on failure. */
  async pair(code: string): Promise<void> {
    const resp = await post<ActivateResponse>(API.activate, { setup_code: code })
    if (!resp?.credential || !resp.terminal?.id) throw new ApiError(502, '服务器答复无法识别')
    const t = resp.terminal
    const prevVenue = this.cfg.terminal?.venueId ?? this.snap?.venueId
    if (prevVenue && prevVenue !== t.venue_id) {
      await this.db.clearSnapshot()
      this.snap = undefined
    }
    const terminal: TerminalInfo = {
      id: t.id,
      name: t.name,
      venueId: t.venue_id,
      venueName: prevVenue === t.venue_id ? (this.snap?.venueName ?? '') : '',
      countyCode: t.county_code ?? '',
    }
    const now = Date.now()
    const values: Config = { credential: resp.credential, terminal, pairedAt: now, lastRotate: now, revoked: false }
    await this.db.setConfig({ ...values, cursor: undefined, lastSync: undefined }, true)
    Object.assign(this.cfg, values)
    delete this.cfg.cursor
    delete this.cfg.lastSync
    if (this.snap) this.snap = { ...this.snap, terminalId: t.id, terminalName: t.name }
    this.synced = false
    this.graceUntil = now + AUTH_GRACE
    this.netFailed = false
    this.lastError = ''
    this.rebuild()
    this.rebuildOwn()
    this.onChange()
    this.start()
  }

  /** unpair forgets the credential; the queue stays unless discard (then pending records go). */
  async unpair(discard: boolean): Promise<void> {
    this.stop()
    if (discard) {
      const gone = [...this.records.values()].filter((r) => !r.uploaded).map((r) => r.sequence)
      await this.db.deleteRecords(gone)
      for (const s of gone) this.records.delete(s)
      this.rebuildOwn()
    }
    await this.db.setConfig({ credential: undefined, revoked: undefined, cursor: undefined, lastSync: undefined, pairedAt: undefined }, true)
    delete this.cfg.credential
    delete this.cfg.revoked
    delete this.cfg.cursor
    delete this.cfg.lastSync
    delete this.cfg.pairedAt
    this.synced = false
    this.lastError = ''
    this.onChange()
  }

  private async revoke(): Promise<void> {
    if (this.revoked) return
    this.cfg.revoked = true
    this.stop()
    this.onRevoked()
    this.onChange()
    await this.db.setConfig({ revoked: true }, true)
  }

  // ---- background work --------------------------------------------------------------------

  start(): void {
    if (!this.paired || this.revoked) return
    this.running = true
    this.syncNow()
    this.kickUpload()
  }

  stop(): void {
    this.running = false
    clearTimeout(this.syncTimer)
    clearTimeout(this.uploadTimer)
  }

  /** call sends an authenticated request and keeps the online state and revocation up to date. */
  private async call<T>(path: string, body: unknown): Promise<T> {
    const credential = this.cfg.credential
    if (!credential) throw new ApiError(401, '终端未配对')
    try {
      const out = await post<T>(path, body, credential)
      this.answered()
      return out
    } catch (e) {
      if (e instanceof ApiError) {
        if (e.network) {
          if (!this.netFailed) {
            this.netFailed = true
            this.onChange()
          }
        } else {
          this.answered()
          if (e.unauthenticated) await this.unauthorized(credential)
        }
      }
      throw e
    }
  }

  private answered(): void {
    if (this.netFailed) {
      this.netFailed = false
      this.backoffUntil = 0
      this.uploadAttempt = 0
      this.onChange()
      this.kickUpload()
    }
  }

  private async unauthorized(used: string): Promise<void> {
    if (used !== this.cfg.credential) return // rotated meanwhile: the next call uses the new one
    if (Date.now() < this.graceUntil) return // a new credential the service does not know yet
    await this.revoke()
  }

  /** delayAfter is how long to wait after a failed call (and notes what to show). */
  private delayAfter(e: unknown, attempt: number, base: number): number {
    if (!(e instanceof ApiError)) {
      this.lastError = e instanceof Error ? e.message : String(e)
      return backoffDelay(attempt)
    }
    if (e.network) {
      this.lastError = ''
      return base || backoffDelay(attempt)
    }
    if (e.unauthenticated) return 1000
    this.lastError = e.message
    return backoffDelay(attempt, e.retryAfter)
  }

  /** syncNow syncs at once (and then every SYNC_INTERVAL). */
  syncNow(): void {
    if (!this.running) return
    clearTimeout(this.syncTimer)
    this.syncTimer = setTimeout(() => void this.syncLoop(), 0)
  }

  private async syncLoop(): Promise<void> {
    if (!this.running || this.syncing) return
    this.syncing = true
    let delay = SYNC_INTERVAL
    let rotate = false
    try {
      if (navigator.onLine) {
        rotate = await this.lock.read(() => this.syncOnce())
        this.syncAttempt = 0
      }
    } catch (e) {
      delay = this.delayAfter(e, this.syncAttempt++, SYNC_INTERVAL)
      if (e instanceof ApiError && (e.status === 429 || e.status === 503)) delay = Math.max(delay, SYNC_INTERVAL)
      this.onChange()
    } finally {
      this.syncing = false
      if (this.running) {
        clearTimeout(this.syncTimer)
        this.syncTimer = setTimeout(() => void this.syncLoop(), delay)
      }
    }
    if (rotate && this.running) await this.rotate()
  }

  /** syncOnce asks what changed since the cursor; true when the credential is due a rotation. */
  private async syncOnce(): Promise<boolean> {
    const t0 = Date.now()
    const resp = await this.call<SyncResponse>(API.sync, { cursor: this.cfg.cursor ?? '', sent_at: new Date(t0).toISOString() })
    const t1 = Date.now()
    if (!this.running) return false
    const serverTime = parseTime(resp.server_time)
    const clock: ClockInfo =
      serverTime !== undefined
        ? { offset: Math.round(serverTime - (t0 + t1) / 2), skew: resp.clock_skew_detected === true }
        : (this.cfg.clock ?? { offset: 0, skew: false })
    const merged = mergeSync(this.snap, resp)
    const prev = this.cfg.terminal
    const terminal: TerminalInfo = {
      id: resp.terminal_id || prev?.id || '',
      name: resp.terminal_name || prev?.name || '',
      venueId: resp.venue_id || prev?.venueId || '',
      venueName: resp.venue_name || prev?.venueName || '',
      countyCode: resp.county_code || prev?.countyCode || '',
    }
    const values: Config = { cursor: resp.cursor ?? '', lastSync: Date.now(), clock, terminal }
    await this.db.saveSync(merged.snapshot, { admitted: merged.admittedChanged, revoked: merged.revokedChanged, tickets: merged.ticketsChanged }, values)
    Object.assign(this.cfg, values)
    this.snap = merged.snapshot
    this.synced = true
    this.lastError = ''
    this.rebuild()
    this.onChange()
    return !clock.skew && Date.now() - (this.cfg.lastRotate ?? 0) >= ROTATE_EVERY
  }

  private async rotate(): Promise<void> {
    await this.lock.write(async () => {
      const credential = this.cfg.credential
      if (!credential || !this.running) return
      try {
        const resp = await post<RotateResponse>(API.rotate, {}, credential)
        if (!resp?.credential) return
        // The old credential stopped working: keep the new one before anything else.
        this.cfg.credential = resp.credential
        this.graceUntil = Date.now() + AUTH_GRACE
        await this.db.setCredential(resp.credential)
        this.cfg.lastRotate = Date.now()
        await this.db.setConfig({ lastRotate: this.cfg.lastRotate })
      } catch (e) {
        if (!(e instanceof ApiError) || e.network) return // lost answer: keep the old one
        if (e.unauthenticated) {
          if (Date.now() >= this.graceUntil) await this.revoke()
          return
        }
        // Refused for another reason: try again in an hour.
        this.cfg.lastRotate = Date.now() - ROTATE_EVERY + 3600_000
        await this.db.setConfig({ lastRotate: this.cfg.lastRotate })
      }
    })
  }

  /** kickUpload starts the uploader (after the current back-off, if any). */
  kickUpload(): void {
    if (!this.running) return
    clearTimeout(this.uploadTimer)
    const wait = Math.max(0, this.backoffUntil - Date.now())
    this.uploadTimer = setTimeout(() => void this.pump(), wait)
  }

  private nextBatch(): QueuedRecord[] {
    const pending = [...this.records.values()].filter(isPending).sort((a, b) => a.sequence - b.sequence)
    const alone = pending.find((r) => r.isolate)
    return alone ? [alone] : pending.slice(0, BATCH_SIZE)
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true
      return
    }
    this.pumping = true
    try {
      while (this.running && navigator.onLine && Date.now() >= this.backoffUntil) {
        const batch = this.nextBatch()
        if (!batch.length) break
        try {
          await this.lock.read(() => this.upload(batch))
          this.uploadAttempt = 0
        } catch (e) {
          if (e instanceof ApiError && invalidBatch(e)) {
            await this.markInvalid(batch, e.message)
            continue
          }
          const delay = this.delayAfter(e, this.uploadAttempt++, 0)
          this.backoffUntil = Date.now() + delay
          this.onChange()
          if (this.running) {
            clearTimeout(this.uploadTimer)
            this.uploadTimer = setTimeout(() => void this.pump(), delay)
          }
          break
        }
      }
    } finally {
      this.pumping = false
      if (this.pumpAgain) {
        this.pumpAgain = false
        this.kickUpload()
      }
    }
  }

  /** markInvalid: a batch refused as a whole is sent again one by one; a lone refusal is final. */
  private async markInvalid(batch: QueuedRecord[], message: string): Promise<void> {
    const alone = batch.length === 1
    const changed = batch.map((r) => ({ ...r, failed: message || '服务器拒绝了这条记录', isolate: !alone }))
    for (const r of changed) this.records.set(r.sequence, r)
    await this.db.updateRecords(changed)
    this.onChange()
  }

  private async upload(batch: QueuedRecord[]): Promise<void> {
    const resp = await this.call<UploadResponse>(API.upload, { records: batch.map(toWire), sent_at: new Date().toISOString() })
    const { verdicts, warnings } = reconcile(batch, resp.results ?? [])
    const changed: QueuedRecord[] = []
    for (const r of batch) {
      const v = verdicts.get(r.sequence)
      if (!v) continue
      const u: QueuedRecord = { ...r, uploaded: true, server: v }
      delete u.failed
      delete u.isolate
      changed.push(u)
    }
    const fresh = warnings.filter((w) => !this.warnings.has(w.sequence))
    for (const w of fresh) {
      const code = await shortCode(w.ticketId)
      if (code) w.code = code
    }
    await this.db.updateRecords(changed, fresh)
    for (const r of changed) {
      this.records.set(r.sequence, r)
      this.noteOwn(r)
    }
    for (const w of fresh) this.warnings.set(w.sequence, w)
    this.lastError = ''
    this.onChange()
    if (changed.length < batch.length) throw new Error('服务器没有答复每一条记录')
  }
}

