import { describe, expect, it } from 'vitest'
import type { QueuedRecord } from './records'
import { reconcile, warningText } from './reconcile'
import type { CheckinResult } from './types'

const VENUE = 'aaaaaaaa-0000-4000-8000-000000000001'

function ticket(sequence: number, ticketId: string, outcome: 'admitted' | 'refused' = 'admitted'): QueuedRecord {
  return {
    sequence,
    occurredAt: Date.parse('2024-05-26T01:30:00Z'),
    venueId: VENUE,
    terminalId: 't1',
    kind: 'ticket',
    payload: 'SW1:…',
    ticketId,
    local: outcome === 'admitted' ? { outcome } : { outcome, reason: 'EXPIRED' },
    uploaded: false,
  }
}

const walkIn: QueuedRecord = {
  sequence: 4,
  occurredAt: 0,
  venueId: VENUE,
  terminalId: 't1',
  kind: 'walk_in',
  category: 'PARTICIPANT_CATEGORY_ADULT',
  headcount: 1,
  activityId: 'x',
  local: { outcome: 'admitted' },
  uploaded: false,
}

const already = (sequence: string, door = '东门闸机 1'): CheckinResult => ({
  sequence,
  record_id: `r${sequence}`,
  outcome: 'OUTCOME_REFUSED',
  refusal_reason: 'REFUSAL_REASON_ALREADY_CHECKED_IN',
  first_checked_in_at: '2024-05-26T02:02:00Z',
  first_door: door,
  recorded_at: '2024-05-26T03:00:00Z',
  replayed: false,
  anomalies: [],
})

const admitted = (sequence: string): CheckinResult => ({
  sequence,
  record_id: `r${sequence}`,
  outcome: 'OUTCOME_ADMITTED',
  refusal_reason: 'REFUSAL_REASON_UNSPECIFIED',
  first_checked_in_at: null,
  first_door: '',
  recorded_at: '2024-05-26T03:00:00Z',
  replayed: true,
  anomalies: ['ANOMALY_OUTSIDE_SESSION'],
})

describe('reconcile', () => {
  it('warns of a ticket this device let in that the server had admitted elsewhere', () => {
    const sent = [ticket(1, 'abcdef01-0000-4000-8000-000000000001'), ticket(2, 'bbbb0000-0000-4000-8000-000000000002'), walkIn]
    const { verdicts, warnings } = reconcile(sent, [already('1'), admitted('2'), admitted('4')])
    expect(verdicts.get(1)).toMatchObject({ outcome: 'refused', reason: 'ALREADY_CHECKED_IN', firstDoor: '东门闸机 1', recordId: 'r1' })
    expect(verdicts.get(2)).toMatchObject({ outcome: 'admitted', replayed: true, anomalies: ['ANOMALY_OUTSIDE_SESSION'] })
    expect(verdicts.get(2)?.reason).toBeUndefined()
    expect(verdicts.get(4)?.outcome).toBe('admitted')
    expect(warnings).toEqual([
      {
        sequence: 1,
        ticketId: 'abcdef01-0000-4000-8000-000000000001',
        scannedAt: sent[0]!.occurredAt,
        firstAt: Date.parse('2024-05-26T02:02:00Z'),
        firstDoor: '东门闸机 1',
        seen: false,
      },
    ])
    expect(warningText(warnings[0]!, 'Asia/Shanghai')).toBe('双重入场：票 ABCD 10:02 已在 东门闸机 1 入场')
  })

  it('does not warn when the device had refused the ticket itself', () => {
    const { warnings, verdicts } = reconcile([ticket(7, 'cccc0000-0000-4000-8000-000000000003', 'refused')], [already('7')])
    expect(warnings).toEqual([])
    expect(verdicts.get(7)?.reason).toBe('ALREADY_CHECKED_IN')
  })

  it('does not warn for other refusals of an admitted ticket', () => {
    const res = { ...already('3'), refusal_reason: 'REFUSAL_REASON_REVOKED' as const }
    expect(reconcile([ticket(3, 'dddd0000-0000-4000-8000-000000000004')], [res]).warnings).toEqual([])
  })

  it('matches by sequence, and by position when the server leaves it out', () => {
    const sent = [ticket(10, 'eeee0000-0000-4000-8000-000000000005'), ticket(11, 'ffff0000-0000-4000-8000-000000000006')]
    const { verdicts, warnings } = reconcile(sent, [{ ...already(''), sequence: '' }, admitted('11')])
    expect(verdicts.get(10)?.reason).toBe('ALREADY_CHECKED_IN')
    expect(verdicts.get(11)?.outcome).toBe('admitted')
    expect(warnings.map((w) => w.sequence)).toEqual([10])
    // A result for a record that was not sent changes nothing.
    expect(reconcile(sent, [admitted('99')]).verdicts.size).toBe(0)
  })

  it('names the other door generically when the server does not know it', () => {
    const w = { sequence: 1, ticketId: 'abcd1234-0000-4000-8000-000000000000', scannedAt: 0, seen: false }
    expect(warningText(w, 'Asia/Shanghai')).toBe('双重入场：票 ABCD 已在 其他检票口 入场')
  })
})
