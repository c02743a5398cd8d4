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

export type VenueKind =
  | 'VENUE_KIND_UNSPECIFIED'
  | 'VENUE_KIND_PROVINCIAL_SCIENCE_BASE'
  | 'VENUE_KIND_SCIENCE_EDUCATION_BASE'
  | 'VENUE_KIND_SCIENTIST_SPIRIT_BASE'
  | 'VENUE_KIND_SCIENCE_MUSEUM'
  | 'VENUE_KIND_KEY_LABORATORY'
  | 'VENUE_KIND_SCHOOL'
  | 'VENUE_KIND_COMMUNITY'
  | 'VENUE_KIND_VILLAGE'
  | 'VENUE_KIND_COMPANY'
  | 'VENUE_KIND_ONLINE'

export interface Coordinates {
  latitude: number
  longitude: number
}

/** The fields of a venue people write (CreateVenue, UpdateVenue). */
export interface VenueDetails {
  name: string
  kind: VenueKind
  county_code: string
  address: string
  /** null when the venue is not placed on the map. */
  coordinates: Coordinates | null
  /** 0 means not set. */
  safe_capacity: number
  contact_name: string
  contact_phone: string
  safety_plan_on_file: boolean
  /** 0 means the default, 80. */
  warn_percent: number
  /** 0 means the default, 100. */
  alarm_percent: number
}

export interface Venue {
  id: string
  name: string
  kind: VenueKind
  county_code: string
  address: string
  safe_capacity: number
  created_at: Timestamp
  updated_at: Timestamp
  coordinates: Coordinates | null
  contact_name: string
  contact_phone: string
  safety_plan_on_file: boolean
  /** The attached plan's file name; "" when none is attached. */
  safety_plan_file_name: string
  warn_percent: number
  alarm_percent: number
}

export interface ListVenuesResponse {
  venues: Venue[]
  next_page_token: string
}

/** The filters of ListVenues (GET /v1/venues). */
export interface VenueFilter {
  county_code?: string
  query?: string
  page_size?: number
  page_token?: string
}

export interface ImportVenuesResponse {
  rows: number
  errors: RowError[]
  venue_ids: string[]
  columns: Record<string, string>
}

export type TerminalState = 'TERMINAL_STATE_UNSPECIFIED' | 'TERMINAL_STATE_ACTIVE' | 'TERMINAL_STATE_REVOKED' | 'TERMINAL_STATE_PENDING'

export interface Terminal {
  id: string
  venue_id: string
  county_code: string
  name: string
  state: TerminalState
  created_at: Timestamp
  revoked_at: Timestamp
  /** When a pending terminal's setup code stops working. */
  setup_expires_at: Timestamp
  activated_at: Timestamp
  /** When the terminal last called the check-in service (to the minute); null: never. */
  last_seen_at: Timestamp
}

/** ProvisionTerminal and ResetTerminalSetup both answer a terminal and its one-time code. */
export interface SetupCodeResponse {
  terminal: Terminal
  setup_code: string
}

// ---- checkin/v1/checkin.proto ---------------------------------------------------------------

export type RefusalReason =
  | 'REFUSAL_REASON_UNSPECIFIED'
  | 'REFUSAL_REASON_ALREADY_CHECKED_IN'
  | 'REFUSAL_REASON_INVALID_SIGNATURE'
  | 'REFUSAL_REASON_WRONG_VENUE'
  | 'REFUSAL_REASON_NOT_YET_VALID'
  | 'REFUSAL_REASON_EXPIRED'
  | 'REFUSAL_REASON_REVOKED'
  | 'REFUSAL_REASON_ACTIVITY_NOT_OPEN'
  | 'REFUSAL_REASON_TIME_OUT_OF_RANGE'

// ---- reporting/v1/reporting.proto -----------------------------------------------------------

export type OccupancyLevel = 'OCCUPANCY_LEVEL_UNSPECIFIED' | 'OCCUPANCY_LEVEL_NORMAL' | 'OCCUPANCY_LEVEL_WARNING' | 'OCCUPANCY_LEVEL_ALARM'

export interface VenueOccupancy {
  venue_id: string
  venue_name: string
  county_code: string
  inside: Int64
  entered_today: Int64
  /** 0 when not on file. */
  safe_capacity: number
  warn_percent: number
  alarm_percent: number
  level: OccupancyLevel
  updated_at: Timestamp
  /** Doors whose staff confirmed admissions today at the alarm level, most first. */
  over_capacity_doors?: OverCapacityDoor[]
}

export interface OverCapacityDoor {
  terminal_id: string
  admitted: Int64
}

export interface OccupancySummary {
  inside: Int64
  venues_open: number
  venues_warning: number
  venues_alarm: number
  /** Up to ten venues, fullest first. */
  fullest: VenueOccupancy[]
}

/** DashboardFilter narrows every panel; empty strings and *_UNSPECIFIED keep all. */
export interface DashboardFilter {
  county_code: string
  /** YYYY-MM-DD or "". */
  from_day: string
  to_day: string
  form: ActivityForm
  target_group: TargetGroup
}

export interface DashboardTotals {
  participations: Int64
  ticketed: Int64
  walk_ins: Int64
  young_people: Int64
  adults: Int64
  science_workers: Int64
  volunteers: Int64
  distinct_people: Int64
  today: Int64
  yesterday: Int64
  refused_scans: Int64
  activities_planned: Int64
  activities_held: Int64
  online_activities: Int64
  venues_opened: Int64
}

export interface CountyRanking {
  county_code: string
  county_name: string
  participations: Int64
  today: Int64
  young_people: Int64
  activities_planned: Int64
  activities_held: Int64
  venues_opened: Int64
}

export interface HourCount {
  /** YYYY-MM-DDTHH in the city's calendar. */
  hour: string
  participations: Int64
}

export interface DayCount {
  day: string
  participations: Int64
  young_people: Int64
}

export interface FormCount {
  form: ActivityForm
  activities_planned: Int64
  activities_held: Int64
  participations: Int64
}

export interface TargetGroupCount {
  target_group: TargetGroup
  activities_planned: Int64
  participations: Int64
}

export interface ActivityCount {
  activity_id: string
  title: string
  county_code: string
  venue_name: string
  form: ActivityForm
  participations: Int64
}

export interface RefusalCount {
  reason: RefusalReason
  refused: Int64
}

export interface Dashboard {
  edition_id: string
  filter: DashboardFilter | null
  /** The city's current day, YYYY-MM-DD. */
  today: string
  totals: DashboardTotals | null
  counties: CountyRanking[]
  by_hour: HourCount[]
  by_day: DayCount[]
  forms: FormCount[]
  target_groups: TargetGroupCount[]
  top_activities: ActivityCount[]
  online_activities: ActivityCount[]
  refusals: RefusalCount[]
  occupancy: OccupancySummary | null
  venues_in_alarm: VenueOccupancy[]
  stream_position: Int64
  updated_at: Timestamp
}

// ---- reporting/v1/report.proto --------------------------------------------------------------

export type ReportStatus =
  | 'REPORT_STATUS_UNSPECIFIED'
  | 'REPORT_STATUS_NOT_STARTED'
  | 'REPORT_STATUS_DRAFT'
  | 'REPORT_STATUS_SUBMITTED'
  | 'REPORT_STATUS_RETURNED'
  | 'REPORT_STATUS_ACCEPTED'

export type ColumnSource = 'COLUMN_SOURCE_UNSPECIFIED' | 'COLUMN_SOURCE_COUNTED' | 'COLUMN_SOURCE_TYPED'

export type FileKind = 'FILE_KIND_UNSPECIFIED' | 'FILE_KIND_SUMMARY' | 'FILE_KIND_IMAGE' | 'FILE_KIND_VIDEO'

export type TableFormat = 'TABLE_FORMAT_UNSPECIFIED' | 'TABLE_FORMAT_XLSX' | 'TABLE_FORMAT_CSV'

export interface ReportColumn {
  key: string
  label: string
  source: ColumnSource
  /** For counted columns: "activities_held", "activities_held:<form>", "major_activities_held", … */
  metric: string
  /** How many decimals typed figures may have (0–4). */
  decimals: number
}

/** ReportValue: figures are decimal strings ("" when unset). */
export interface ReportValue {
  column_key: string
  counted: string
  typed: string
  corrected: string
  correction_reason: string
  /** The figure that counts: the typed one, the correction, or the counted one. */
  value: string
}

export interface ReportFile {
  id: string
  kind: FileKind
  name: string
  content_type: string
  size: Int64
  duration_seconds: number
  sha256: string
  uploaded_at: Timestamp
}

export interface ReportVersion {
  version: number
  accepted_at: Timestamp
  accepted_by: string
  values: ReportValue[]
  files: ReportFile[]
}

export interface Report {
  edition_id: string
  county_code: string
  county_name: string
  status: ReportStatus
  late: boolean
  overdue: boolean
  /** The last day, YYYY-MM-DD, in the edition's time zone. */
  deadline: string
  reopened: boolean
  columns: ReportColumn[]
  values: ReportValue[]
  files: ReportFile[]
  returned_reason: string
  submitted_at: Timestamp
  updated_at: Timestamp
  versions: ReportVersion[]
  max_video_seconds: number
}

/** ValueInput is a figure the county sets (SaveReportRequest.values). */
export interface ValueInput {
  column_key: string
  typed: string
  corrected: string
  correction_reason: string
}

export interface ReportSummary {
  county_code: string
  county_name: string
  status: ReportStatus
  late: boolean
  overdue: boolean
  reopened: boolean
  files: number
  submitted_at: Timestamp
}

export interface ListReportsResponse {
  deadline: string
  reports: ReportSummary[]
}
