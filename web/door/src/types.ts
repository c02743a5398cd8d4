// JSON shapes of the terminal API (grpc-gateway with UseProtoNames and EmitUnpopulated):
// snake_case fields, enums by name, 64-bit integers as strings, timestamps as RFC 3339 (null
// when unset), bytes as base64.

export interface ApiTerminal {
  id: string
  venue_id: string
  county_code?: string
  name: string
  state?: string
}

export interface ActivateResponse {
  terminal: ApiTerminal
  credential: string
}

export interface RotateResponse {
  credential: string
}

export interface EditionKey {
  edition_id: string
  /** public_key is the raw 32-byte Ed25519 key, base64. */
  public_key: string
  starts_on?: string
  ends_on?: string
  time_zone?: string
}

export interface SessionTimes {
  starts_at: string | null
  ends_at: string | null
}

export interface DoorActivity {
  activity_id: string
  edition_id: string
  title: string
  open: boolean
  sessions?: SessionTimes[] | null
}

export interface AdmittedTicket {
  ticket_id: string
  admitted_at: string | null
  terminal_id?: string
  door?: string
}

export type OccupancyLevel =
  | 'OCCUPANCY_LEVEL_UNSPECIFIED'
  | 'OCCUPANCY_LEVEL_NORMAL'
  | 'OCCUPANCY_LEVEL_WARNING'
  | 'OCCUPANCY_LEVEL_ALARM'

export interface DoorOccupancy {
  day?: string
  admitted_today?: string | number
  inside?: string | number
  safe_capacity?: number
  warn_percent?: number
  alarm_percent?: number
  level?: OccupancyLevel | number
  counted_at?: string | null
}

export interface SyncResponse {
  cursor: string
  full: boolean
  server_time: string | null
  terminal_id?: string
  terminal_name?: string
  venue_id?: string
  venue_name?: string
  county_code?: string
  clock_skew_detected?: boolean
  editions?: EditionKey[] | null
  activities?: DoorActivity[] | null
  revoked_ticket_ids?: string[] | null
  admitted?: AdmittedTicket[] | null
  occupancy?: DoorOccupancy | null
}

export type Category =
  | 'PARTICIPANT_CATEGORY_YOUNG_PERSON'
  | 'PARTICIPANT_CATEGORY_ADULT'
  | 'PARTICIPANT_CATEGORY_SCIENCE_WORKER'
  | 'PARTICIPANT_CATEGORY_VOLUNTEER'

export interface WireRecord {
  sequence: string
  occurred_at: string
  venue_id: string
  activity_id?: string
  ticket?: { payload: string }
  walk_in?: { category: Category; headcount: number }
  group?: { young_people: number; teachers: number; group_name: string }
  checkout?: { headcount: number }
  over_capacity_confirmed?: boolean
}

export interface UploadRequest {
  records: WireRecord[]
  sent_at: string
}

export interface CheckinResult {
  sequence: string
  record_id?: string
  outcome: 'OUTCOME_ADMITTED' | 'OUTCOME_REFUSED' | 'OUTCOME_UNSPECIFIED' | string
  refusal_reason?: string
  first_checked_in_at?: string | null
  first_door?: string
  recorded_at?: string | null
  replayed?: boolean
  anomalies?: string[] | null
}

export interface UploadResponse {
  results: CheckinResult[]
}
