// The API's JSON shapes, derived from proto/sciweek/*/v1/*.proto through the TypeScript that
// protoc-gen-es generates into web/src/gen (`make gen`; `make checkgen` proves it current).
// wire.ts says how: proto field names, every field present, int64/uint64 as strings, enums by
// name, timestamps as RFC 3339 strings or null, bytes as base64. Only two things here are
// written by hand: what the protos leave as plain strings with documented values (an account's
// role), and the gateway's own /auth/login answer, which is not a proto message.

import type {
  AccountSchema,
  CreateAccountRequestSchema,
} from '../gen/sciweek/registration/v1/account_pb'
import type {
  ActivityDetailsSchema,
  ActivityFormJson,
  ActivityThemeJson,
  ActivitySchema,
  ActivityStatusJson,
  ImportActivitiesResponseSchema,
  ImportTargetJson,
  ListActivitiesRequestSchema,
  ListActivitiesResponseSchema,
  ReviewStepSchema,
  RowErrorSchema,
  SafetyPlanSchema,
  SessionSchema,
  TargetGroupJson,
} from '../gen/sciweek/registration/v1/activity_pb'
import type { CountySchema, EditionContactSchema, EditionSchema } from '../gen/sciweek/registration/v1/edition_pb'
import type { NominationSchema, NominationStatusJson } from '../gen/sciweek/registration/v1/featured_pb'
import type {
  AgeGroupJson,
  CancelSignupResponseSchema,
  ListPublicActivitiesResponseSchema,
  PublicActivitySchema,
  SignUpRequestSchema,
  SignUpResponseSchema,
  SignupSchema,
  SignupStatusJson,
  TicketSchema,
} from '../gen/sciweek/registration/v1/signup_pb'
import type { ListUnitsResponseSchema, UnitKindJson, UnitSchema } from '../gen/sciweek/registration/v1/unit_pb'
import type {
  CoordinatesSchema,
  ImportVenuesResponseSchema,
  ListVenuesRequestSchema,
  ListVenuesResponseSchema,
  ProvisionTerminalResponseSchema,
  TerminalSchema,
  TerminalStateJson,
  VenueDetailsSchema,
  VenueKindJson,
  VenueSchema,
} from '../gen/sciweek/venue/v1/venue_pb'
import type { AnomalyJson, RefusalReasonJson } from '../gen/sciweek/checkin/v1/checkin_pb'
import type {
  ActivityCountSchema,
  CountyRankingSchema,
  ListAnomaliesResponseSchema,
  ListDoorFiguresResponseSchema,
  DashboardFilterSchema,
  DashboardSchema,
  DashboardTotalsSchema,
  DayCountSchema,
  FormCountSchema,
  HourCountSchema,
  OccupancyLevelJson,
  OccupancySummarySchema,
  OverCapacityDoorSchema,
  RefusalCountSchema,
  TargetGroupCountSchema,
  ThemeCountSchema,
  VenueOccupancySchema,
} from '../gen/sciweek/reporting/v1/reporting_pb'
import type { NoticeKindJson, NoticeSchema } from '../gen/sciweek/reporting/v1/notice_pb'
import type {
  ColumnSourceJson,
  FileKindJson,
  ListReportsResponseSchema,
  ReportColumnSchema,
  ReportFileSchema,
  ReportSchema,
  ReportStatusJson,
  ReportSummarySchema,
  ReportValueSchema,
  ReportVersionSchema,
  TableFormatJson,
  ValueInputSchema,
} from '../gen/sciweek/reporting/v1/report_pb'
import type { Wire } from './wire'
import type { AuditEntrySchema } from '../gen/sciweek/audit/v1/audit_pb'

/**
 * Present marks message fields the service always sets, which the wire types (like any proto3
 * message field) allow to be null: an activity's details, the terminal a setup code is for.
 */
type Present<T, K extends keyof T> = Omit<T, K> & { [P in K]: NonNullable<T[P]> }

/** An int64 or uint64 field: grpc-gateway sends it as a decimal string. */
export type Int64 = string
/** A google.protobuf.Timestamp: RFC 3339, or null when unset. */
export type Timestamp = string | null

// ---- registration/v1/account.proto ----------------------------------------------------------

/** Role: account.proto keeps it a string ("one of city_admin, county_admin, organizer, viewer"). */
export type Role = 'city_admin' | 'county_admin' | 'organizer' | 'viewer'

export type Account = Omit<Wire<typeof AccountSchema>, 'role'> & { role: Role }

/** What POST /auth/login answers (the gateway's own; the token itself stays in the HttpOnly cookie). */
export interface LoginResult {
  username?: string
  role: Role
  county_code: string
  unit_id?: string
  display_name: string
  expires_at: string
  /** must_change_password: signed in with a one-time password, which must be changed first. */
  must_change_password?: boolean
}

export type CreateAccountRequest = Omit<Wire<typeof CreateAccountRequestSchema>, 'role'> & {
  role: Exclude<Role, 'city_admin'>
}

// ---- registration/v1/edition.proto ----------------------------------------------------------

export type County = Wire<typeof CountySchema>
/** AuditEntry is one entry of a service's audit trail. */
export type AuditEntry = Wire<typeof AuditEntrySchema>
export type Edition = Wire<typeof EditionSchema>
export type EditionContact = Wire<typeof EditionContactSchema>

// ---- registration/v1/activity.proto ---------------------------------------------------------

export type ActivityForm = ActivityFormJson
/** ActivityTheme is the themed week (主题科技周); UNSPECIFIED on a new activity takes the unit kind's. */
export type ActivityTheme = ActivityThemeJson
export type TargetGroup = TargetGroupJson
export type ActivityStatus = ActivityStatusJson
export type Session = Wire<typeof SessionSchema>
export type ActivityDetails = Wire<typeof ActivityDetailsSchema>
export type SafetyPlan = Wire<typeof SafetyPlanSchema>
export type ReviewStep = Wire<typeof ReviewStepSchema>
export type Activity = Present<Wire<typeof ActivitySchema>, 'details'>

/** The filters of ListActivities (GET /v1/editions/{edition_id}/activities), as query parameters. */
export type ActivityFilter = Partial<
  Pick<Wire<typeof ListActivitiesRequestSchema>, 'county_code' | 'status' | 'form' | 'theme' | 'unit_id' | 'query' | 'page_size' | 'page_token'>
>

export type ListActivitiesResponse = Omit<Wire<typeof ListActivitiesResponseSchema>, 'activities'> & {
  activities: Activity[]
}
export type ImportTarget = ImportTargetJson
export type RowError = Wire<typeof RowErrorSchema>
export type ImportActivitiesResponse = Wire<typeof ImportActivitiesResponseSchema>

// ---- registration/v1/unit.proto -------------------------------------------------------------

export type UnitKind = UnitKindJson
export type Unit = Wire<typeof UnitSchema>
export type ListUnitsResponse = Wire<typeof ListUnitsResponseSchema>

// ---- registration/v1/featured.proto ---------------------------------------------------------

export type NominationStatus = NominationStatusJson
export type Nomination = Wire<typeof NominationSchema>

// ---- registration/v1/signup.proto -----------------------------------------------------------

export type AgeGroup = AgeGroupJson
export type SignupStatus = SignupStatusJson
export type Ticket = Wire<typeof TicketSchema>
export type Signup = Wire<typeof SignupSchema>
export type PublicActivity = Present<Wire<typeof PublicActivitySchema>, 'details'>
export type ListPublicActivitiesResponse = Omit<Wire<typeof ListPublicActivitiesResponseSchema>, 'activities'> & {
  activities: PublicActivity[]
}
/** The body of POST /v1/activities/{activity_id}/sessions/{session_id}/signups (the ids are in the path). */
export type SignUpRequest = Omit<Wire<typeof SignUpRequestSchema>, 'activity_id' | 'session_id'>
export type SignUpResponse = Present<Wire<typeof SignUpResponseSchema>, 'signup'>
export type CancelSignupResponse = Present<Wire<typeof CancelSignupResponseSchema>, 'signup'>

// ---- venue/v1/venue.proto -------------------------------------------------------------------

export type VenueKind = VenueKindJson
export type Coordinates = Wire<typeof CoordinatesSchema>
/** The fields of a venue people write (CreateVenue, UpdateVenue). */
export type VenueDetails = Wire<typeof VenueDetailsSchema>
export type Venue = Wire<typeof VenueSchema>
export type ListVenuesResponse = Wire<typeof ListVenuesResponseSchema>

/** The filters of ListVenues (GET /v1/venues), as query parameters. */
export type VenueFilter = Partial<Pick<Wire<typeof ListVenuesRequestSchema>, 'county_code' | 'query' | 'page_size' | 'page_token'>>

export type ImportVenuesResponse = Wire<typeof ImportVenuesResponseSchema>
export type TerminalState = TerminalStateJson
export type Terminal = Wire<typeof TerminalSchema>
/** ProvisionTerminal and ResetTerminalSetup both answer a terminal and its one-time code. */
export type SetupCodeResponse = Present<Wire<typeof ProvisionTerminalResponseSchema>, 'terminal'>

// ---- checkin/v1/checkin.proto ---------------------------------------------------------------

export type RefusalReason = RefusalReasonJson

// ---- reporting/v1/reporting.proto -----------------------------------------------------------

export type OccupancyLevel = OccupancyLevelJson
export type VenueOccupancy = Wire<typeof VenueOccupancySchema>
export type OverCapacityDoor = Wire<typeof OverCapacityDoorSchema>
export type OccupancySummary = Wire<typeof OccupancySummarySchema>
/** DashboardFilter narrows every panel; empty strings and *_UNSPECIFIED keep all. */
export type DashboardFilter = Wire<typeof DashboardFilterSchema>
export type DashboardTotals = Wire<typeof DashboardTotalsSchema>
export type CountyRanking = Wire<typeof CountyRankingSchema>
export type HourCount = Wire<typeof HourCountSchema>
export type DayCount = Wire<typeof DayCountSchema>
export type FormCount = Wire<typeof FormCountSchema>
export type TargetGroupCount = Wire<typeof TargetGroupCountSchema>
export type ThemeCount = Wire<typeof ThemeCountSchema>
export type ActivityCount = Wire<typeof ActivityCountSchema>
export type RefusalCount = Wire<typeof RefusalCountSchema>
export type Dashboard = Wire<typeof DashboardSchema>
/** AnomalyKind is a flag check-in sets on a scan that deserves a second look. */
export type AnomalyKind = AnomalyJson
/** Anomalies are the flagged scans per venue and door, as the caller may see them. */
export type Anomalies = Wire<typeof ListAnomaliesResponseSchema>
/** VenueDoorFigures are one venue's participations and refused scans door by door. */
export type VenueDoorFigures = Wire<typeof ListDoorFiguresResponseSchema>

// ---- reporting/v1/report.proto --------------------------------------------------------------

export type ReportStatus = ReportStatusJson
export type ColumnSource = ColumnSourceJson
export type FileKind = FileKindJson
export type TableFormat = TableFormatJson
export type ReportColumn = Wire<typeof ReportColumnSchema>
/** ReportValue: figures are decimal strings ("" when unset). */
export type ReportValue = Wire<typeof ReportValueSchema>
export type ReportFile = Wire<typeof ReportFileSchema>
export type ReportVersion = Wire<typeof ReportVersionSchema>
export type Report = Wire<typeof ReportSchema>
/** ValueInput is a figure the county sets (SaveReportRequest.values). */
export type ValueInput = Wire<typeof ValueInputSchema>
export type ReportSummary = Wire<typeof ReportSummarySchema>
export type ListReportsResponse = Wire<typeof ListReportsResponseSchema>

/** Notice is one notice of the notification centre. */
export type Notice = Wire<typeof NoticeSchema>
export type NoticeKind = NoticeKindJson
