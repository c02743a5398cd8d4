import { beforeAll, describe, expect, it } from 'vitest'
import { keyPair, signTicket, type KeyPair } from './fixtures'
import { editionWindow, judgeTicket, plausible, type JudgeContext } from './judge'
import type { Activity, Admission, Edition } from './snapshot'
import { KeyRing, type Ticket } from './ticket'

// The 2024 Taiyuan edition: 25 May – 1 June in Asia/Shanghai (UTC+8).
const at = (iso: string) => Date.parse(iso)
const ACTIVITY = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'
const CLOSED = '0190a1b2-c3d4-7e5f-8a9b-00000000c105'
const ELSEWHERE = '0190a1b2-c3d4-7e5f-8a9b-0000e15e0000'
const TICKET = 'abcdef01-2345-4678-9abc-def012345678'

const base: Ticket = {
  editionId: '2024',
  activityId: ACTIVITY,
  sessionId: '11111111-2222-4333-8444-555555555555',
  ticketId: TICKET,
  holder: 1,
  validFrom: at('2024-05-26T08:30:00+08:00') / 1000,
  validUntil: at('2024-05-26T12:00:00+08:00') / 1000,
}
const session = { start: at('2024-05-26T09:00:00+08:00'), end: at('2024-05-26T12:00:00+08:00') }
const during = at('2024-05-26T09:30:00+08:00')

let kp: KeyPair
let stranger: KeyPair

beforeAll(async () => {
  kp = await keyPair()
  stranger = await keyPair()
})

function context(opts: { revoked?: string[]; admitted?: Record<string, Admission>; edition?: Partial<Edition> } = {}): JudgeContext {
  const edition: Edition = {
    id: '2024',
    publicKey: kp.publicBase64,
    startsOn: '2024-05-25',
    endsOn: '2024-06-01',
    timeZone: 'Asia/Shanghai',
    ...opts.edition,
  }
  const activities: Activity[] = [
    { id: ACTIVITY, editionId: '2024', title: '机器人科普展', open: true, sessions: [session] },
    { id: CLOSED, editionId: '2024', title: '已撤销的活动', open: false, sessions: [session] },
  ]
  const admitted = opts.admitted ?? {}
  return {
    activities: new Map(activities.map((a) => [a.id, a])),
    editions: new Map([[edition.id, edition]]),
    revoked: new Set(opts.revoked ?? []),
    admission: (id) => admitted[id],
    keys: new KeyRing(),
  }
}

async function payload(t: Partial<Ticket> = {}, key?: CryptoKey): Promise<string> {
  return signTicket({ ...base, ...t }, key ?? kp.privateKey)
}

function flip(s: string, i: number): string {
  return s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
}

describe('judgeTicket', () => {
  it('admits a genuine ticket in its window and says who holds it', async () => {
    const v = await judgeTicket(context(), await payload(), during)
    expect(v.outcome).toBe('admitted')
    expect(v.reason).toBeUndefined()
    expect(v.ticket?.ticketId).toBe(TICKET)
    expect(v.ticket?.holder).toBe(1)
    expect(v.activity?.title).toBe('机器人科普展')
    expect(v.outsideSession).toBe(false)
  })

  it('takes the text with the spaces and newline a scanner adds', async () => {
    const v = await judgeTicket(context(), ` ${await payload()}\r\n`, during)
    expect(v.outcome).toBe('admitted')
  })

  it('refuses changed and foreign tickets as INVALID_SIGNATURE', async () => {
    const good = await payload()
    const cases = [
      flip(good, 4 + 12), // the activity
      flip(good, 4 + 100), // the window
      flip(good, good.length - 5), // the signature
      good.slice(0, -10), // truncated
      good.toLowerCase(), // the server's base32 is upper case only
      'https://example.com/',
      'SW1:!!!!',
      await payload({}, stranger.privateKey), // signed by another key
      await payload({ editionId: '2025' }), // an edition without a known key
    ]
    for (const text of cases) {
      const v = await judgeTicket(context(), text, during)
      expect(v.outcome, text).toBe('refused')
      expect(v.reason, text).toBe('INVALID_SIGNATURE')
    }
  })

  it('refuses an activity this venue does not hold as WRONG_VENUE, a closed one as ACTIVITY_NOT_OPEN', async () => {
    expect((await judgeTicket(context(), await payload({ activityId: ELSEWHERE }), during)).reason).toBe('WRONG_VENUE')
    expect((await judgeTicket(context(), await payload({ activityId: CLOSED }), during)).reason).toBe('ACTIVITY_NOT_OPEN')
  })

  it('checks the window inclusively: NOT_YET_VALID before, EXPIRED after', async () => {
    const p = await payload()
    const from = base.validFrom * 1000
    const until = base.validUntil * 1000
    expect((await judgeTicket(context(), p, from - 1000)).reason).toBe('NOT_YET_VALID')
    expect((await judgeTicket(context(), p, from)).outcome).toBe('admitted')
    expect((await judgeTicket(context(), p, until)).outcome).toBe('admitted')
    expect((await judgeTicket(context(), p, until + 1000)).reason).toBe('EXPIRED')
  })

  it('refuses a revoked ticket', async () => {
    const v = await judgeTicket(context({ revoked: [TICKET] }), await payload(), during)
    expect(v.reason).toBe('REVOKED')
  })

  it('refuses a ticket admitted before, naming when and where', async () => {
    const first = { at: at('2024-05-26T09:02:00+08:00'), door: '2号门' }
    const v = await judgeTicket(context({ admitted: { [TICKET]: first } }), await payload(), during)
    expect(v.outcome).toBe('refused')
    expect(v.reason).toBe('ALREADY_CHECKED_IN')
    expect(v.firstAt).toBe(first.at)
    expect(v.firstDoor).toBe('2号门')
    expect(v.timeZone).toBe('Asia/Shanghai')
  })

  it('refuses a scan whose clock lies outside the edition as TIME_OUT_OF_RANGE', async () => {
    // A broken clock: 1970 and 2030. The ticket's window would refuse them too, but the clock
    // is what is wrong, and the server's judge says so first.
    for (const now of [0, at('2030-05-26T09:30:00+08:00')]) {
      const v = await judgeTicket(context(), await payload({ validFrom: 0, validUntil: 0xffffffff }), now)
      expect(v.reason).toBe('TIME_OUT_OF_RANGE')
      expect((await judgeTicket(context(), await payload(), now)).reason).toBe('TIME_OUT_OF_RANGE')
    }
  })

  it('checks in the order of the server: signature, venue, clock, window, revocation, admission', async () => {
    const everything = context({ revoked: [TICKET], admitted: { [TICKET]: { at: during } } })
    const wide = { validFrom: 0, validUntil: 0xffffffff }
    expect((await judgeTicket(everything, await payload({ activityId: ELSEWHERE }), 0)).reason).toBe('WRONG_VENUE')
    expect((await judgeTicket(everything, await payload(), 0)).reason).toBe('TIME_OUT_OF_RANGE')
    expect((await judgeTicket(everything, await payload(), base.validUntil * 1000 + 1000)).reason).toBe('EXPIRED')
    expect((await judgeTicket(everything, await payload(wide), during)).reason).toBe('REVOKED')
    const admittedOnly = context({ admitted: { [TICKET]: { at: during } } })
    expect((await judgeTicket(admittedOnly, await payload(wide), during)).reason).toBe('ALREADY_CHECKED_IN')
  })

  it('flags an admission outside every session', async () => {
    const early = at('2024-05-26T08:45:00+08:00')
    const v = await judgeTicket(context(), await payload(), early)
    expect(v.outcome).toBe('admitted')
    expect(v.outsideSession).toBe(true)
  })
})

describe('plausible', () => {
  const edition: Edition = { id: '2024', publicKey: '', startsOn: '2024-05-25', endsOn: '2024-06-01', timeZone: 'Asia/Shanghai' }

  it('spans the edition from its first midnight to the end of its last day, in its zone', () => {
    expect(editionWindow(edition)).toEqual([at('2024-05-25T00:00:00+08:00'), at('2024-06-02T00:00:00+08:00')])
    expect(editionWindow({ ...edition, timeZone: '' })).toEqual([at('2024-05-25T00:00:00Z'), at('2024-06-02T00:00:00Z')])
    expect(editionWindow({ ...edition, endsOn: '2024-05-01' })).toBeUndefined()
    expect(editionWindow({ ...edition, startsOn: '' })).toBeUndefined()
  })

  it('allows a day either side', () => {
    expect(plausible(at('2024-05-24T00:00:00+08:00'), undefined, edition)).toBe(true)
    expect(plausible(at('2024-05-23T23:59:59+08:00'), undefined, edition)).toBe(false)
    expect(plausible(at('2024-06-03T00:00:00+08:00'), undefined, edition)).toBe(true)
    expect(plausible(at('2024-06-03T00:00:01+08:00'), undefined, edition)).toBe(false)
  })

  it('widens the window by the activity’s sessions, and trusts any time when nothing is known', () => {
    const late: Activity = {
      id: ACTIVITY,
      editionId: '2024',
      title: '',
      open: true,
      sessions: [{ start: at('2024-06-10T09:00:00+08:00'), end: at('2024-06-10T12:00:00+08:00') }],
    }
    expect(plausible(at('2024-06-11T11:00:00+08:00'), late, edition)).toBe(true)
    expect(plausible(at('2024-06-12T13:00:00+08:00'), late, edition)).toBe(false)
    expect(plausible(at('2024-06-11T11:00:00+08:00'), late, undefined)).toBe(true)
    expect(plausible(0, undefined, undefined)).toBe(true)
  })
})
