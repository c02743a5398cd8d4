// The door's IndexedDB database "sciweek-door": everything survives reloads and crashes.
//   config    key → value: credential, terminal, nextSequence, cursor, lastSync, clock, …
//   snapshot  'base' (editions, activities, occupancy, names), 'admitted', 'revoked'
//   queue     every record the device made (keyPath sequence), uploaded=false until answered
//   warnings  double entries (keyPath sequence), until staff mark them seen

import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { NewRecord, QueuedRecord } from './records'
import type { Warning } from './reconcile'
import type { Admission, Snapshot } from './snapshot'

export interface TerminalInfo {
  id: string
  name: string
  venueId: string
  venueName: string
  countyCode: string
}

export interface ClockInfo {
  /** offset is server time minus device time (ms), measured at the last sync. */
  offset: number
  /** skew: the server said the device's clock is off; records then use the offset. */
  skew: boolean
}

export interface ConfigValues {
  credential: string
  terminal: TerminalInfo
  nextSequence: number
  cursor: string
  lastSync: number
  clock: ClockInfo
  lastRotate: number
  pairedAt: number
  revoked: boolean
  activity: string
  mode: 'entry' | 'exit'
}

export type ConfigKey = keyof ConfigValues

export type SnapshotBase = Omit<Snapshot, 'admitted' | 'revoked' | 'tickets'>

interface DoorSchema extends DBSchema {
  config: { key: string; value: unknown }
  snapshot: { key: string; value: unknown }
  queue: { key: number; value: QueuedRecord }
  warnings: { key: number; value: Warning }
}

export type Config = Partial<ConfigValues>

const CONFIG_KEYS: ConfigKey[] = [
  'credential',
  'terminal',
  'nextSequence',
  'cursor',
  'lastSync',
  'clock',
  'lastRotate',
  'pairedAt',
  'revoked',
  'activity',
  'mode',
]

const STRICT = { durability: 'strict' } as const

export class DoorDB {
  private constructor(private readonly db: IDBPDatabase<DoorSchema>) {}

  static async open(name = 'sciweek-door'): Promise<DoorDB> {
    const db = await openDB<DoorSchema>(name, 1, {
      upgrade(d) {
        d.createObjectStore('config')
        d.createObjectStore('snapshot')
        d.createObjectStore('queue', { keyPath: 'sequence' })
        d.createObjectStore('warnings', { keyPath: 'sequence' })
      },
      blocking() {
        // Another tab opens a newer version: let it, and reload with it.
        db.close()
        location.reload()
      },
    })
    return new DoorDB(db)
  }

  async config(): Promise<Config> {
    const tx = this.db.transaction('config')
    const values = await Promise.all(CONFIG_KEYS.map((k) => tx.store.get(k)))
    await tx.done
    const out: Record<string, unknown> = {}
    CONFIG_KEYS.forEach((k, i) => {
      if (values[i] !== undefined) out[k] = values[i]
    })
    return out as Config
  }

  async setConfig(values: Config, strict = false): Promise<void> {
    const tx = this.db.transaction('config', 'readwrite', strict ? STRICT : undefined)
    const ops: Promise<unknown>[] = []
    for (const [k, v] of Object.entries(values)) ops.push(v === undefined ? tx.store.delete(k) : tx.store.put(v, k))
    await Promise.all([...ops, tx.done])
  }

  /** setCredential writes a new credential in a transaction of its own (rotation). */
  async setCredential(credential: string): Promise<void> {
    const tx = this.db.transaction('config', 'readwrite', STRICT)
    await tx.store.put(credential, 'credential')
    await tx.done
  }

  async snapshot(): Promise<Snapshot | undefined> {
    const tx = this.db.transaction('snapshot')
    const [base, admitted, revoked, tickets] = await Promise.all([
      tx.store.get('base'),
      tx.store.get('admitted'),
      tx.store.get('revoked'),
      tx.store.get('tickets'),
    ])
    await tx.done
    if (!base) return undefined
    return {
      ...(base as SnapshotBase),
      admitted: (admitted as Record<string, Admission> | undefined) ?? {},
      revoked: (revoked as string[] | undefined) ?? [],
      tickets: (tickets as Record<string, string[]> | undefined) ?? {},
    }
  }

  /** saveSync writes a sync's result and its cursor together. */
  async saveSync(s: Snapshot, parts: { admitted: boolean; revoked: boolean; tickets: boolean }, config: Config): Promise<void> {
    const tx = this.db.transaction(['snapshot', 'config'], 'readwrite')
    const snap = tx.objectStore('snapshot')
    const { admitted, revoked, tickets, ...base } = s
    const ops: Promise<unknown>[] = [snap.put(base, 'base')]
    if (parts.admitted) ops.push(snap.put(admitted, 'admitted'))
    if (parts.revoked) ops.push(snap.put(revoked, 'revoked'))
    if (parts.tickets) ops.push(snap.put(tickets, 'tickets'))
    const cfg = tx.objectStore('config')
    for (const [k, v] of Object.entries(config)) if (v !== undefined) ops.push(cfg.put(v, k))
    await Promise.all([...ops, tx.done])
  }

  async clearSnapshot(): Promise<void> {
    const tx = this.db.transaction(['snapshot', 'config'], 'readwrite')
    await Promise.all([
      tx.objectStore('snapshot').clear(),
      tx.objectStore('config').delete('cursor'),
      tx.objectStore('config').delete('lastSync'),
      tx.done,
    ])
  }

  /**
   * addRecord gives the record the next sequence number and stores it, in one transaction that
   * also moves the counter on, so a number is never used twice — not even after a crash.
   */
  async addRecord(rec: NewRecord): Promise<QueuedRecord> {
    const tx = this.db.transaction(['config', 'queue'], 'readwrite', STRICT)
    const cfg = tx.objectStore('config')
    const queue = tx.objectStore('queue')
    const [stored, last] = await Promise.all([cfg.get('nextSequence'), queue.openCursor(null, 'prev')])
    const next = Math.max(typeof stored === 'number' ? stored : 1, last ? last.key + 1 : 1)
    const full: QueuedRecord = { ...rec, sequence: next, uploaded: false }
    await Promise.all([queue.add(full), cfg.put(next + 1, 'nextSequence'), tx.done])
    return full
  }

  async records(): Promise<QueuedRecord[]> {
    return this.db.getAll('queue')
  }

  /** updateRecords writes records (uploaded, failed) and new warnings in one transaction. */
  async updateRecords(records: QueuedRecord[], warnings: Warning[] = []): Promise<void> {
    const tx = this.db.transaction(['queue', 'warnings'], 'readwrite', STRICT)
    const q = tx.objectStore('queue')
    const w = tx.objectStore('warnings')
    await Promise.all([...records.map((r) => q.put(r)), ...warnings.map((x) => w.put(x)), tx.done])
  }

  async deleteRecords(sequences: number[]): Promise<void> {
    const tx = this.db.transaction('queue', 'readwrite')
    await Promise.all([...sequences.map((s) => tx.store.delete(s)), tx.done])
  }

  async warnings(): Promise<Warning[]> {
    return this.db.getAll('warnings')
  }

  async putWarning(w: Warning): Promise<void> {
    await this.db.put('warnings', w)
  }
}
