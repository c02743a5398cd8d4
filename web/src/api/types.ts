// JSON shapes of the API as grpc-gateway emits them from proto/sciweek/*/v1/*.proto: proto field
// names, every field present, int64/uint64 as strings, enums by name, timestamps as RFC 3339
// strings, bytes as base64. Only the messages the console uses are here.

/** An int64 or uint64 field: grpc-gateway sends it as a decimal string. */
export type Int64 = string
/** A google.protobuf.Timestamp: RFC 3339, or null/absent when unset. */
export type Timestamp = string | null

// ---- registration/v1/account.proto ----------------------------------------------------------

export type Role = 'city_admin' | 'county_admin' | 'organizer' | 'viewer'

export interface Account {
  username: string
  role: Role
  county_code: string
  unit_id: string
  display_name: string
  updated_at?: Timestamp
}

/** What POST /auth/login answers (the token itself stays in the HttpOnly cookie). */
export interface LoginResult {
  username?: string
  role: Role
  county_code: string
  unit_id?: string
  display_name: string
  expires_at: string
}

export interface CreateAccountRequest {
  username: string
  password: string
  role: Exclude<Role, 'city_admin'>
  county_code: string
  unit_id: string
  display_name: string
}

// ---- registration/v1/edition.proto ----------------------------------------------------------

export interface County {
  code: string
  name: string
}

export interface Edition {
  id: string
  name: string
  theme: string
  starts_on: string
  ends_on: string
  report_deadline: string
  max_video_seconds: number
  counties: County[]
  time_zone: string
  forms: ActivityForm[]
  ticket_public_key?: string
}

// ---- registration/v1/activity.proto ---------------------------------------------------------

export type ActivityForm =
  | 'ACTIVITY_FORM_UNSPECIFIED'
  | 'ACTIVITY_FORM_LECTURE'
  | 'ACTIVITY_FORM_EXHIBITION'
  | 'ACTIVITY_FORM_CONSULTATION'
  | 'ACTIVITY_FORM_ONLINE_INTERACTION'
  | 'ACTIVITY_FORM_HANDS_ON_EXPERIMENT'
  | 'ACTIVITY_FORM_OPEN_DAY'
  | 'ACTIVITY_FORM_SCIENTIST_SPIRIT_TALK'
  | 'ACTIVITY_FORM_PERFORMANCE_VIDEO'
  | 'ACTIVITY_FORM_OTHER'

export type TargetGroup =
  | 'TARGET_GROUP_UNSPECIFIED'
  | 'TARGET_GROUP_YOUTH'
  | 'TARGET_GROUP_COMMUNITY'
  | 'TARGET_GROUP_VILLAGE'
  | 'TARGET_GROUP_COMPANY'
  | 'TARGET_GROUP_SCHOOL'
  | 'TARGET_GROUP_PUBLIC'

export type ActivityStatus =
  | 'ACTIVITY_STATUS_UNSPECIFIED'
  | 'ACTIVITY_STATUS_DRAFT'
  | 'ACTIVITY_STATUS_SUBMITTED'
  | 'ACTIVITY_STATUS_APPROVED'
  | 'ACTIVITY_STATUS_RETURNED'
  | 'ACTIVITY_STATUS_CANCELLED'

export interface Session {
  /** Set by the service; empty for a new session. */
  id: string
  starts_at: string
  ends_at: string
  places: number
  confirmed: number
  waiting: number
}

export interface ActivityDetails {
  title: string
  form: ActivityForm
  target_groups: TargetGroup[]
  venue_id: string
  sessions: Session[]
  requires_signup: boolean
  online_url: string
  major_demonstration: boolean
  workers_day_joint: boolean
  description: string
}

export interface ReviewStep {
  status: ActivityStatus
  actor: string
  at: Timestamp
  reason: string
}

export interface Activity {
  id: string
  edition_id: string
  county_code: string
  unit_id: string
  organizer: string
  details: ActivityDetails
  status: ActivityStatus
  created_at: Timestamp
  updated_at: Timestamp
  history: ReviewStep[]
}

/** The filters of ListActivities (GET /v1/editions/{edition_id}/activities). */
export interface ActivityFilter {
  county_code?: string
  status?: ActivityStatus
  form?: ActivityForm
  unit_id?: string
  query?: string
  page_size?: number
  page_token?: string
}

export interface ListActivitiesResponse {
  activities: Activity[]
  next_page_token: string
}

export type ImportTarget = 'IMPORT_TARGET_UNSPECIFIED' | 'IMPORT_TARGET_DRAFT' | 'IMPORT_TARGET_APPROVED'

export interface RowError {
  row: number
  column: string
  message: string
}

export interface ImportActivitiesResponse {
  rows: number
  errors: RowError[]
  activity_ids: string[]
  units_created: string[]
  columns: Record<string, string>
}

// ---- registration/v1/unit.proto -------------------------------------------------------------

export type UnitKind =
  | 'UNIT_KIND_UNSPECIFIED'
  | 'UNIT_KIND_SCIENCE_POPULARIZATION_BASE'
  | 'UNIT_KIND_SCIENTIST_SPIRIT_BASE'
  | 'UNIT_KIND_SCIENCE_MUSEUM'
  | 'UNIT_KIND_KEY_LABORATORY'
  | 'UNIT_KIND_SCHOOL'
  | 'UNIT_KIND_COMPANY'
  | 'UNIT_KIND_COMMUNITY'
  | 'UNIT_KIND_AGRICULTURE'
  | 'UNIT_KIND_METEOROLOGY'
  | 'UNIT_KIND_FORESTRY_GRASSLAND'
  | 'UNIT_KIND_TRANSPORT'
  | 'UNIT_KIND_OTHER'

export interface Unit {
  id: string
  name: string
  county_code: string
  kind: UnitKind
  created_at: Timestamp
}

export interface ListUnitsResponse {
  units: Unit[]
  next_page_token: string
}

// ---- registration/v1/featured.proto ---------------------------------------------------------

export type NominationStatus =
  | 'NOMINATION_STATUS_UNSPECIFIED'
  | 'NOMINATION_STATUS_NOMINATED'
  | 'NOMINATION_STATUS_ACCEPTED'
  | 'NOMINATION_STATUS_DECLINED'

export interface Nomination {
  activity_id: string
  edition_id: string
  county_code: string
  activity_title: string
  organizer: string
  recommendation: string
  status: NominationStatus
  nominated_by: string
  nominated_at: Timestamp
  decided_by: string
  decided_at: Timestamp
  decision_note: string
}

// ---- registration/v1/signup.proto -----------------------------------------------------------

export type AgeGroup = 'AGE_GROUP_UNSPECIFIED' | 'AGE_GROUP_MINOR' | 'AGE_GROUP_ADULT'

export type SignupStatus =
  | 'SIGNUP_STATUS_UNSPECIFIED'
  | 'SIGNUP_STATUS_CONFIRMED'
  | 'SIGNUP_STATUS_WAITING'
  | 'SIGNUP_STATUS_CANCELLED'

export interface Ticket {
  id: string
  payload: string
  valid_from: Timestamp
  valid_until: Timestamp
}

export interface Signup {
  id: string
  activity_id: string
  session_id: string
  name: string
  phone_masked: string
  age_group: AgeGroup
  status: SignupStatus
  waiting_position: number
  /** null when the sign-up holds no ticket. */
  ticket: Ticket | null
  created_at: Timestamp
}

export interface PublicActivity {
  id: string
  county_code: string
  organizer: string
  details: ActivityDetails
}

export interface ListPublicActivitiesResponse {
  activities: PublicActivity[]
  next_page_token: string
}

export interface SignUpRequest {
  name: string
  phone: string
  age_group: AgeGroup
}

export interface SignUpResponse {
  signup: Signup
  manage_code: string
}

export interface CancelSignupResponse {
  signup: Signup
  promoted_signup_id: string
}

// ---- venue/v1/venue.proto -------------------------------------------------------------------

export interface Venue {
  id: string
  name: string
  county_code: string
  address: string
  safe_capacity: number
  created_at: Timestamp
  updated_at: Timestamp
}

export interface ListVenuesResponse {
  venues: Venue[]
  next_page_token: string
}

// ---- reporting/v1/reporting.proto -----------------------------------------------------------

export interface CountyTotals {
  county_code: string
  participations: Int64
  ticketed: Int64
  walk_ins: Int64
  participations_today: Int64
}

export interface Overview {
  edition_id: string
  city: CountyTotals | null
  counties: CountyTotals[]
  refused_scans: Int64
  stream_position: Int64
  updated_at: Timestamp
}
