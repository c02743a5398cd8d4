// Chinese labels for the API's enums and codes, and the options of the pickers built from them.
// The words are the registration service's own (its import template uses them), so the console
// and the spreadsheets read the same.
import type {
  ActivityForm,
  ActivityTheme,
  ActivityStatus,
  AgeGroup,
  AnomalyKind,
  ColumnSource,
  FileKind,
  ImportTarget,
  NominationStatus,
  OccupancyLevel,
  RefusalReason,
  ReportStatus,
  Role,
  SignupStatus,
  TargetGroup,
  TerminalState,
  UnitKind,
  VenueKind,
} from '../api/types'

/** The Element Plus tag types used for statuses. */
export type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

export const activityFormLabels: Record<Exclude<ActivityForm, 'ACTIVITY_FORM_UNSPECIFIED'>, string> = {
  ACTIVITY_FORM_LECTURE: '科普讲座',
  ACTIVITY_FORM_EXHIBITION: '科技展览',
  ACTIVITY_FORM_CONSULTATION: '科技咨询',
  ACTIVITY_FORM_ONLINE_INTERACTION: '网络互动',
  ACTIVITY_FORM_HANDS_ON_EXPERIMENT: '科学实验',
  ACTIVITY_FORM_OPEN_DAY: '开放日',
  ACTIVITY_FORM_SCIENTIST_SPIRIT_TALK: '科学家精神宣讲',
  ACTIVITY_FORM_PERFORMANCE_VIDEO: '表演/微视频',
  ACTIVITY_FORM_OTHER: '其他',
}

/** The themed weeks (主题科技周) departments run within the week, and none. */
export const activityThemeLabels: Record<Exclude<ActivityTheme, 'ACTIVITY_THEME_UNSPECIFIED'>, string> = {
  ACTIVITY_THEME_NONE: '无',
  ACTIVITY_THEME_AGRICULTURE: '农业科技周',
  ACTIVITY_THEME_METEOROLOGY: '气象科技周',
  ACTIVITY_THEME_FORESTRY_GRASSLAND: '林草科技周',
  ACTIVITY_THEME_TRANSPORT: '交通运输科技周',
}

/**
 * defaultTheme is the theme a unit's new activity takes when its organizer leaves it alone, as
 * registration decides it: a themed department's week, none for any other kind of unit.
 */
export function defaultTheme(kind: UnitKind | '' | undefined): Exclude<ActivityTheme, 'ACTIVITY_THEME_UNSPECIFIED'> {
  switch (kind) {
    case 'UNIT_KIND_AGRICULTURE':
      return 'ACTIVITY_THEME_AGRICULTURE'
    case 'UNIT_KIND_METEOROLOGY':
      return 'ACTIVITY_THEME_METEOROLOGY'
    case 'UNIT_KIND_FORESTRY_GRASSLAND':
      return 'ACTIVITY_THEME_FORESTRY_GRASSLAND'
    case 'UNIT_KIND_TRANSPORT':
      return 'ACTIVITY_THEME_TRANSPORT'
    default:
      return 'ACTIVITY_THEME_NONE'
  }
}

export const targetGroupLabels: Record<Exclude<TargetGroup, 'TARGET_GROUP_UNSPECIFIED'>, string> = {
  TARGET_GROUP_YOUTH: '青少年',
  TARGET_GROUP_COMMUNITY: '社区',
  TARGET_GROUP_VILLAGE: '农村',
  TARGET_GROUP_COMPANY: '企业',
  TARGET_GROUP_SCHOOL: '学校',
  TARGET_GROUP_PUBLIC: '社会公众',
}

export const activityStatusLabels: Record<Exclude<ActivityStatus, 'ACTIVITY_STATUS_UNSPECIFIED'>, string> = {
  ACTIVITY_STATUS_DRAFT: '草稿',
  ACTIVITY_STATUS_SUBMITTED: '待审核',
  ACTIVITY_STATUS_APPROVED: '已通过',
  ACTIVITY_STATUS_RETURNED: '已退回',
  ACTIVITY_STATUS_CANCELLED: '已取消',
}

const activityStatusTags: Record<ActivityStatus, TagType> = {
  ACTIVITY_STATUS_UNSPECIFIED: 'info',
  ACTIVITY_STATUS_DRAFT: 'info',
  ACTIVITY_STATUS_SUBMITTED: 'warning',
  ACTIVITY_STATUS_APPROVED: 'success',
  ACTIVITY_STATUS_RETURNED: 'danger',
  ACTIVITY_STATUS_CANCELLED: 'info',
}

/** reviewStepLabels name a review transition by the status it entered. */
export const reviewStepLabels: Record<ActivityStatus, string> = {
  ACTIVITY_STATUS_UNSPECIFIED: '变更',
  ACTIVITY_STATUS_DRAFT: '创建草稿',
  ACTIVITY_STATUS_SUBMITTED: '提交审核',
  ACTIVITY_STATUS_APPROVED: '审核通过',
  ACTIVITY_STATUS_RETURNED: '退回修改',
  ACTIVITY_STATUS_CANCELLED: '取消活动',
}

export const unitKindLabels: Record<Exclude<UnitKind, 'UNIT_KIND_UNSPECIFIED'>, string> = {
  UNIT_KIND_SCIENCE_POPULARIZATION_BASE: '科普基地',
  UNIT_KIND_SCIENTIST_SPIRIT_BASE: '科学家精神教育基地',
  UNIT_KIND_SCIENCE_MUSEUM: '科普场馆',
  UNIT_KIND_KEY_LABORATORY: '重点实验室',
  UNIT_KIND_SCHOOL: '学校',
  UNIT_KIND_COMPANY: '企业',
  UNIT_KIND_COMMUNITY: '社区',
  UNIT_KIND_AGRICULTURE: '农业部门',
  UNIT_KIND_METEOROLOGY: '气象部门',
  UNIT_KIND_FORESTRY_GRASSLAND: '林草部门',
  UNIT_KIND_TRANSPORT: '交通运输部门',
  UNIT_KIND_OTHER: '其他',
}

export const roleLabels: Record<Role, string> = {
  city_admin: '市级管理员',
  county_admin: '县（市、区）管理员',
  organizer: '组织单位',
  viewer: '数据查看',
}

export const ageGroupLabels: Record<Exclude<AgeGroup, 'AGE_GROUP_UNSPECIFIED'>, string> = {
  AGE_GROUP_MINOR: '未成年',
  AGE_GROUP_ADULT: '成年',
}

export const signupStatusLabels: Record<Exclude<SignupStatus, 'SIGNUP_STATUS_UNSPECIFIED'>, string> = {
  SIGNUP_STATUS_CONFIRMED: '已确认',
  SIGNUP_STATUS_WAITING: '候补',
  SIGNUP_STATUS_CANCELLED: '已取消',
}

const signupStatusTags: Record<SignupStatus, TagType> = {
  SIGNUP_STATUS_UNSPECIFIED: 'info',
  SIGNUP_STATUS_CONFIRMED: 'success',
  SIGNUP_STATUS_WAITING: 'warning',
  SIGNUP_STATUS_CANCELLED: 'info',
}

export const nominationStatusLabels: Record<Exclude<NominationStatus, 'NOMINATION_STATUS_UNSPECIFIED'>, string> = {
  NOMINATION_STATUS_NOMINATED: '待决定',
  NOMINATION_STATUS_ACCEPTED: '已采纳',
  NOMINATION_STATUS_DECLINED: '未采纳',
}

const nominationStatusTags: Record<NominationStatus, TagType> = {
  NOMINATION_STATUS_UNSPECIFIED: 'info',
  NOMINATION_STATUS_NOMINATED: 'warning',
  NOMINATION_STATUS_ACCEPTED: 'success',
  NOMINATION_STATUS_DECLINED: 'info',
}

export const importTargetLabels: Record<Exclude<ImportTarget, 'IMPORT_TARGET_UNSPECIFIED'>, string> = {
  IMPORT_TARGET_DRAFT: '草稿（由组织单位完善后提交）',
  IMPORT_TARGET_APPROVED: '直接通过（已审核的计划）',
}

/** The field keys of the import template, for mapping a file's own headers. */
export const importFieldLabels: Record<string, string> = {
  county: '县（市、区）',
  title: '活动名称',
  unit: '主办单位',
  unit_kind: '单位类型',
  form: '活动形式',
  target_groups: '面向对象',
  venue: '活动地点',
  starts_at: '开始时间',
  ends_at: '结束时间',
  date: '活动日期（与只写时刻的开始、结束时间配合）',
  time: '活动时间（一列写起止，如 5月26日 9:00-11:30）',
  places: '名额',
  requires_signup: '需要报名',
  online_url: '线上链接',
  major_demonstration: '重大示范活动',
  workers_day_joint: '科技工作者日联动',
  description: '活动简介',
  theme: '主题科技周',
}

/** Venue kinds in the venue service's own words (its import template lists the same). */
export const venueKindLabels: Record<Exclude<VenueKind, 'VENUE_KIND_UNSPECIFIED'>, string> = {
  VENUE_KIND_PROVINCIAL_SCIENCE_BASE: '省级科普基地',
  VENUE_KIND_SCIENCE_EDUCATION_BASE: '科普教育基地',
  VENUE_KIND_SCIENTIST_SPIRIT_BASE: '科学家精神教育基地',
  VENUE_KIND_SCIENCE_MUSEUM: '科普场馆',
  VENUE_KIND_KEY_LABORATORY: '重点实验室',
  VENUE_KIND_SCHOOL: '学校',
  VENUE_KIND_COMMUNITY: '社区',
  VENUE_KIND_VILLAGE: '农村',
  VENUE_KIND_COMPANY: '企业',
  VENUE_KIND_ONLINE: '线上',
}

/** The field keys of the venue import template (ImportVenuesRequest.header_mapping). */
export const venueImportFieldLabels: Record<string, string> = {
  county: '县（市、区）',
  name: '场馆名称',
  kind: '场馆类型',
  address: '地址',
  latitude: '纬度',
  longitude: '经度',
  safe_capacity: '安全容量',
  contact_name: '联系人',
  contact_phone: '联系电话',
  safety_plan_on_file: '安全预案已备案',
}

export const terminalStateLabels: Record<Exclude<TerminalState, 'TERMINAL_STATE_UNSPECIFIED'>, string> = {
  TERMINAL_STATE_PENDING: '待激活',
  TERMINAL_STATE_ACTIVE: '在用',
  TERMINAL_STATE_REVOKED: '已吊销',
}

const terminalStateTags: Record<TerminalState, TagType> = {
  TERMINAL_STATE_UNSPECIFIED: 'info',
  TERMINAL_STATE_PENDING: 'warning',
  TERMINAL_STATE_ACTIVE: 'success',
  TERMINAL_STATE_REVOKED: 'info',
}

/** What check-in flagged a scan for (异常扫码); flagged scans still count. */
export const anomalyLabels: Record<Exclude<AnomalyKind, 'ANOMALY_UNSPECIFIED'>, string> = {
  ANOMALY_OUTSIDE_SESSION: '场次外扫码',
  ANOMALY_BURST: '连续快速扫码',
  ANOMALY_CLOCK_SKEW: '终端时钟偏差',
  ANOMALY_OVER_CAPACITY: '超容确认入场',
}

/** Why the check-in service refused a scan. */
export const refusalReasonLabels: Record<Exclude<RefusalReason, 'REFUSAL_REASON_UNSPECIFIED'>, string> = {
  REFUSAL_REASON_ALREADY_CHECKED_IN: '已入场',
  REFUSAL_REASON_INVALID_SIGNATURE: '无效签名',
  REFUSAL_REASON_WRONG_VENUE: '场馆不符',
  REFUSAL_REASON_NOT_YET_VALID: '未到时间',
  REFUSAL_REASON_EXPIRED: '已过期',
  REFUSAL_REASON_REVOKED: '已撤销',
  REFUSAL_REASON_ACTIVITY_NOT_OPEN: '活动未开放',
  REFUSAL_REASON_TIME_OUT_OF_RANGE: '时间异常',
}

export const occupancyLevelLabels: Record<Exclude<OccupancyLevel, 'OCCUPANCY_LEVEL_UNSPECIFIED'>, string> = {
  OCCUPANCY_LEVEL_NORMAL: '正常',
  OCCUPANCY_LEVEL_WARNING: '预警',
  OCCUPANCY_LEVEL_ALARM: '告警',
}

/** Where a county's report back stands (ReportService). */
export const reportStatusLabels: Record<Exclude<ReportStatus, 'REPORT_STATUS_UNSPECIFIED'>, string> = {
  REPORT_STATUS_NOT_STARTED: '未开始',
  REPORT_STATUS_DRAFT: '草稿',
  REPORT_STATUS_SUBMITTED: '已报送',
  REPORT_STATUS_RETURNED: '已退回',
  REPORT_STATUS_ACCEPTED: '已接收',
}

const reportStatusTags: Record<ReportStatus, TagType> = {
  REPORT_STATUS_UNSPECIFIED: 'info',
  REPORT_STATUS_NOT_STARTED: 'info',
  REPORT_STATUS_DRAFT: 'primary',
  REPORT_STATUS_SUBMITTED: 'warning',
  REPORT_STATUS_RETURNED: 'danger',
  REPORT_STATUS_ACCEPTED: 'success',
}

/** Where a statistics table column's figures come from. */
export const columnSourceLabels: Record<Exclude<ColumnSource, 'COLUMN_SOURCE_UNSPECIFIED'>, string> = {
  COLUMN_SOURCE_COUNTED: '系统统计',
  COLUMN_SOURCE_TYPED: '填报',
}

export const fileKindLabels: Record<Exclude<FileKind, 'FILE_KIND_UNSPECIFIED'>, string> = {
  FILE_KIND_SUMMARY: '总结报告',
  FILE_KIND_IMAGE: '图片',
  FILE_KIND_VIDEO: '视频',
}

/** label looks a value up in a label table and falls back to the value itself. */
export function label<K extends string>(table: Partial<Record<K, string>>, value: K | string | undefined | null): string {
  if (value === undefined || value === null || value === '') return '—'
  return (table as Record<string, string | undefined>)[value] ?? value
}

export const activityStatusTag = (s: ActivityStatus): TagType => activityStatusTags[s] ?? 'info'
export const signupStatusTag = (s: SignupStatus): TagType => signupStatusTags[s] ?? 'info'
export const nominationStatusTag = (s: NominationStatus): TagType => nominationStatusTags[s] ?? 'info'
export const terminalStateTag = (s: TerminalState): TagType => terminalStateTags[s] ?? 'info'
export const reportStatusTag = (s: ReportStatus): TagType => reportStatusTags[s] ?? 'info'

export interface Option<V extends string = string> {
  value: V
  label: string
}

/** options turns a label table into select options, in the table's order. */
export function options<K extends string>(table: Record<K, string>): Option<K>[] {
  return (Object.keys(table) as K[]).map((value) => ({ value, label: table[value] }))
}

/** targetGroupsText lists target groups as "青少年、社会公众". */
export function targetGroupsText(groups: readonly TargetGroup[] | undefined): string {
  if (!groups || groups.length === 0) return '—'
  return groups.map((g) => label(targetGroupLabels, g)).join('、')
}
