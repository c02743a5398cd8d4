// JSON shapes of the terminal API, derived from proto/ through the code protoc-gen-es generates
// (web/src/gen; the console's src/api/wire.ts says how the gateway writes them). Types only:
// none of it reaches the door's bundle.

import type {
  AdmittedTicketSchema,
  CheckinRecordSchema,
  CheckinResultSchema,
  DoorActivitySchema,
  DoorOccupancySchema,
  EditionKeySchema,
  OccupancyLevelJson,
  ParticipantCategoryJson,
  SessionTimesSchema,
  SyncTerminalResponseSchema,
  UploadCheckinsRequestSchema,
  UploadCheckinsResponseSchema,
} from '../../src/gen/sciweek/checkin/v1/checkin_pb'
import type {
  ActivateTerminalResponseSchema,
  RotateTerminalCredentialResponseSchema,
  TerminalSchema,
} from '../../src/gen/sciweek/venue/v1/venue_pb'
import type { Wire } from '../../src/api/wire'

export type ApiTerminal = Wire<typeof TerminalSchema>

export type ActivateResponse = Omit<Wire<typeof ActivateTerminalResponseSchema>, 'terminal'> & {
  /** Always set: the terminal the code activated. */
  terminal: ApiTerminal
}

export type RotateResponse = Wire<typeof RotateTerminalCredentialResponseSchema>
/** EditionKey: public_key is the raw 32-byte Ed25519 key, base64. */
export type EditionKey = Wire<typeof EditionKeySchema>
export type SessionTimes = Wire<typeof SessionTimesSchema>
export type DoorActivity = Wire<typeof DoorActivitySchema>
export type AdmittedTicket = Wire<typeof AdmittedTicketSchema>
export type OccupancyLevel = OccupancyLevelJson
export type DoorOccupancy = Wire<typeof DoorOccupancySchema>
export type SyncResponse = Wire<typeof SyncTerminalResponseSchema>

/** The walk-in categories a door counts (never UNSPECIFIED). */
export type Category = Exclude<ParticipantCategoryJson, 'PARTICIPANT_CATEGORY_UNSPECIFIED'>

type Record = Wire<typeof CheckinRecordSchema>

/**
 * WireRecord is a record as the door sends it: always with its time, and without the fields the
 * gateway reads as their zero value when absent.
 */
export type WireRecord = Omit<Record, 'occurred_at' | 'activity_id' | 'over_capacity_confirmed'> &
  Partial<Pick<Record, 'activity_id' | 'over_capacity_confirmed'>> & { occurred_at: string }

export type UploadRequest = Omit<Wire<typeof UploadCheckinsRequestSchema>, 'records' | 'sent_at'> & {
  records: WireRecord[]
  sent_at: string
}

export type CheckinResult = Wire<typeof CheckinResultSchema>
export type UploadResponse = Wire<typeof UploadCheckinsResponseSchema>
