import { describe, expect, it } from 'vitest'
import type { ReportFile, ReportStatus, Role } from '../api/types'
import {
  columnsLocked,
  countyMayEdit,
  unitSumsOf,
  daysLeft,
  deadlinePassed,
  deadlineText,
  fileAccept,
  fileKindHint,
  fileProblem,
  filesOf,
  fileSize,
  formatDuration,
  maxVideoText,
  reportCounts,
  reportEditable,
  reportTags,
  reviewActions,
  submitBlockers,
  uploadPercent,
  type ReportState,
  type SubmitState,
  type UploadKind,
} from './reports'

const state = (status: ReportStatus, flags: Partial<ReportState> = {}): ReportState => ({
  status,
  late: false,
  overdue: false,
  reopened: false,
  ...flags,
})

describe('reportTags', () => {
  it.each<{ r: ReportState; want: string[]; types: string[] }>([
    { r: state('REPORT_STATUS_NOT_STARTED'), want: ['未开始'], types: ['info'] },
    { r: state('REPORT_STATUS_DRAFT'), want: ['草稿'], types: ['primary'] },
    { r: state('REPORT_STATUS_SUBMITTED'), want: ['已报送'], types: ['warning'] },
    { r: state('REPORT_STATUS_RETURNED'), want: ['已退回'], types: ['danger'] },
    { r: state('REPORT_STATUS_ACCEPTED'), want: ['已接收'], types: ['success'] },
    { r: state('REPORT_STATUS_ACCEPTED', { late: true }), want: ['已接收', '迟交'], types: ['success', 'warning'] },
    { r: state('REPORT_STATUS_DRAFT', { overdue: true }), want: ['草稿', '逾期'], types: ['primary', 'danger'] },
    {
      r: state('REPORT_STATUS_RETURNED', { overdue: true, reopened: true }),
      want: ['已退回', '逾期', '已重新开放'],
      types: ['danger', 'danger', 'primary'],
    },
    { r: state('REPORT_STATUS_UNSPECIFIED'), want: ['REPORT_STATUS_UNSPECIFIED'], types: ['info'] },
  ])('$want', ({ r, want, types }) => {
    const tags = reportTags(r)
    expect(tags.map((t) => t.text)).toEqual(want)
    expect(tags.map((t) => t.type)).toEqual(types)
  })
})

describe('reportEditable and countyMayEdit', () => {
  it.each<[ReportStatus, boolean]>([
    ['REPORT_STATUS_NOT_STARTED', true],
    ['REPORT_STATUS_DRAFT', true],
    ['REPORT_STATUS_RETURNED', true],
    ['REPORT_STATUS_SUBMITTED', false],
    ['REPORT_STATUS_ACCEPTED', false],
    ['REPORT_STATUS_UNSPECIFIED', false],
  ])('%s → %s', (status, want) => {
    expect(reportEditable(status)).toBe(want)
  })

  it.each<{ role: Role | undefined; own: string; county: string; status: ReportStatus; want: boolean }>([
    { role: 'county_admin', own: '140105', county: '140105', status: 'REPORT_STATUS_DRAFT', want: true },
    { role: 'county_admin', own: '140105', county: '140106', status: 'REPORT_STATUS_DRAFT', want: false },
    { role: 'county_admin', own: '140105', county: '140105', status: 'REPORT_STATUS_SUBMITTED', want: false },
    { role: 'county_admin', own: '', county: '', status: 'REPORT_STATUS_DRAFT', want: false },
    { role: 'city_admin', own: '', county: '140105', status: 'REPORT_STATUS_DRAFT', want: false },
    { role: 'viewer', own: '', county: '140105', status: 'REPORT_STATUS_DRAFT', want: false },
  ])('$role ($own) on $county $status: $want', ({ role, own, county, status, want }) => {
    expect(countyMayEdit(role, own, { county_code: county, status })).toBe(want)
  })

  // A unit's own report (各有关单位): its organizer writes it, its county only reads it.
  it.each<{ role: Role; ownUnit: string; unit: string; status: ReportStatus; want: boolean }>([
    { role: 'organizer', ownUnit: 'u1', unit: 'u1', status: 'REPORT_STATUS_DRAFT', want: true },
    { role: 'organizer', ownUnit: 'u1', unit: 'u2', status: 'REPORT_STATUS_DRAFT', want: false },
    { role: 'organizer', ownUnit: 'u1', unit: 'u1', status: 'REPORT_STATUS_SUBMITTED', want: false },
    { role: 'county_admin', ownUnit: '', unit: 'u1', status: 'REPORT_STATUS_DRAFT', want: false },
    { role: 'organizer', ownUnit: 'u1', unit: '', status: 'REPORT_STATUS_DRAFT', want: false },
  ])('$role of $ownUnit on unit $unit $status: $want', ({ role, ownUnit, unit, status, want }) => {
    expect(countyMayEdit(role, '140105', { county_code: '140105', unit_id: unit, status }, ownUnit)).toBe(want)
  })
})

describe('deadline', () => {
  it.each<{ deadline: string; today: string; days: number | null; text: string }>([
    { deadline: '2024-06-10', today: '2024-06-07', days: 3, text: '距截止还有 3 天' },
    { deadline: '2024-06-10', today: '2024-06-09', days: 1, text: '距截止还有 1 天' },
    { deadline: '2024-06-10', today: '2024-06-10', days: 0, text: '今天截止' },
    { deadline: '2024-06-10', today: '2024-06-12', days: -2, text: '已过截止日期 2 天' },
    { deadline: '2024-07-01', today: '2024-06-30', days: 1, text: '距截止还有 1 天' },
    { deadline: '2024-03-01', today: '2024-02-28', days: 2, text: '距截止还有 2 天' },
    { deadline: '', today: '2024-06-10', days: null, text: '' },
    { deadline: '10/06/2024', today: '2024-06-10', days: null, text: '' },
  ])('$deadline from $today', ({ deadline, today, days, text }) => {
    expect(daysLeft(deadline, today)).toBe(days)
    expect(deadlineText(deadline, today)).toBe(text)
  })

  it.each<{ deadline: string; overdue: boolean; today: string; want: boolean }>([
    { deadline: '2024-06-10', overdue: false, today: '2024-06-10', want: false },
    { deadline: '2024-06-10', overdue: false, today: '2024-06-11', want: true },
    { deadline: '2024-06-10', overdue: true, today: '2024-06-09', want: true },
    { deadline: '', overdue: false, today: '2024-06-11', want: false },
  ])('deadlinePassed($deadline, overdue $overdue, $today) = $want', ({ deadline, overdue, today, want }) => {
    expect(deadlinePassed({ deadline, overdue }, today)).toBe(want)
  })
})

describe('durations and video limits', () => {
  it.each<[number | null | undefined, string]>([
    [0, '—'],
    [-3, '—'],
    [null, '—'],
    [undefined, '—'],
    [Number.NaN, '—'],
    [5, '00:05'],
    [59.4, '00:59'],
    [59.6, '01:00'],
    [125, '02:05'],
    [180, '03:00'],
    [181.2, '03:01'],
    [3600 + 83, '61:23'],
  ])('formatDuration(%s) = %s', (seconds, want) => {
    expect(formatDuration(seconds)).toBe(want)
  })

  it.each<[number, string]>([
    [180, '每段不超过 3 分钟'],
    [60, '每段不超过 1 分钟'],
    [90, '每段不超过 1 分 30 秒'],
    [45, '每段不超过 45 秒'],
    [0, ''],
  ])('maxVideoText(%d) = %s', (seconds, want) => {
    expect(maxVideoText(seconds)).toBe(want)
  })

  it('names the limit in the video section', () => {
    expect(fileKindHint('FILE_KIND_VIDEO', 180)).toBe('活动视频，MP4 或 MOV 格式，每段不超过 3 分钟')
    expect(fileKindHint('FILE_KIND_VIDEO', 0)).toBe('活动视频，MP4 或 MOV 格式')
  })
})

describe('files', () => {
  it.each<{ kind: UploadKind; name: string; size: number; want: string }>([
    { kind: 'FILE_KIND_SUMMARY', name: '总结.pdf', size: 10, want: '' },
    { kind: 'FILE_KIND_SUMMARY', name: '总结.DOCX', size: 10, want: '' },
    { kind: 'FILE_KIND_SUMMARY', name: '总结.doc', size: 10, want: '总结报告须为 PDF 或 DOCX 文件' },
    { kind: 'FILE_KIND_SUMMARY', name: '总结', size: 10, want: '总结报告须为 PDF 或 DOCX 文件' },
    { kind: 'FILE_KIND_IMAGE', name: 'a.jpeg', size: 10, want: '' },
    { kind: 'FILE_KIND_IMAGE', name: 'a.webp', size: 10, want: '' },
    { kind: 'FILE_KIND_IMAGE', name: 'a.gif', size: 10, want: '图片须为 JPEG、PNG 或 WebP 文件' },
    { kind: 'FILE_KIND_VIDEO', name: 'v.MOV', size: 10, want: '' },
    { kind: 'FILE_KIND_VIDEO', name: 'v.avi', size: 10, want: '视频须为 MP4 或 MOV 文件' },
    { kind: 'FILE_KIND_VIDEO', name: 'v.mp4', size: 0, want: '文件是空的' },
  ])('$kind $name', ({ kind, name, size, want }) => {
    expect(fileProblem(kind, name, size)).toBe(want)
  })

  it.each<[UploadKind, string]>([
    ['FILE_KIND_SUMMARY', '.pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['FILE_KIND_IMAGE', '.jpg,.jpeg,.png,.webp,image/jpeg,image/png,image/webp'],
    ['FILE_KIND_VIDEO', '.mp4,.mov,video/mp4,video/quicktime'],
  ])('fileAccept(%s)', (kind, want) => {
    expect(fileAccept(kind)).toBe(want)
  })

  it.each<[string | number, string]>([
    ['100', '1 KB'],
    [2048, '2 KB'],
    [String(12.5 * 1024 * 1024), '12.5 MB'],
    [String(1.2 * 1024 ** 3), '1.20 GB'],
  ])('fileSize(%s) = %s', (size, want) => {
    expect(fileSize(size)).toBe(want)
  })

  it.each<[number, number, number]>([
    [0, 100, 0],
    [50, 200, 25],
    [199, 200, 99],
    [200, 200, 100],
    [10, 0, 0],
  ])('uploadPercent(%d, %d) = %d', (loaded, total, want) => {
    expect(uploadPercent(loaded, total)).toBe(want)
  })

  it('filesOf keeps one kind, oldest first', () => {
    const f = (id: string, kind: ReportFile['kind'], at: string): ReportFile => ({
      id,
      kind,
      name: id,
      content_type: '',
      size: '1',
      duration_seconds: 0,
      sha256: '',
      uploaded_at: at,
    })
    const files = [
      f('b', 'FILE_KIND_IMAGE', '2024-06-02T00:00:00Z'),
      f('s', 'FILE_KIND_SUMMARY', '2024-06-01T00:00:00Z'),
      f('a', 'FILE_KIND_IMAGE', '2024-06-01T00:00:00Z'),
    ]
    expect(filesOf(files, 'FILE_KIND_IMAGE').map((x) => x.id)).toEqual(['a', 'b'])
    expect(filesOf(files, 'FILE_KIND_VIDEO')).toEqual([])
    expect(filesOf(undefined, 'FILE_KIND_VIDEO')).toEqual([])
  })
})

describe('submitBlockers', () => {
  const ready: SubmitState = {
    status: 'REPORT_STATUS_DRAFT',
    overdue: false,
    reopened: false,
    deadline: '2024-06-10',
    today: '2024-06-05',
    hasSummary: true,
    emptyTyped: [],
    uploading: false,
  }
  it.each<{ name: string; s: Partial<SubmitState>; want: string[] }>([
    { name: 'ready', s: {}, want: [] },
    { name: 'ready on the last day', s: { today: '2024-06-10' }, want: [] },
    { name: 'returned and fixed', s: { status: 'REPORT_STATUS_RETURNED' }, want: [] },
    { name: 'not started but complete', s: { status: 'REPORT_STATUS_NOT_STARTED' }, want: [] },
    { name: 'no summary', s: { hasSummary: false }, want: ['尚未上传总结报告（PDF 或 DOCX）'] },
    { name: 'empty typed', s: { emptyTyped: ['媒体报道（篇）', '经费投入（万元）'] }, want: ['尚有 2 项填报数据未填写：媒体报道（篇）、经费投入（万元）'] },
    {
      name: 'many empty typed',
      s: { emptyTyped: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] },
      want: ['尚有 7 项填报数据未填写：a、b、c、d、e 等'],
    },
    { name: 'past the deadline', s: { today: '2024-06-11' }, want: ['已过截止日期（2024-06-10），需市科技局重新开放后才能报送'] },
    { name: 'overdue flag', s: { overdue: true }, want: ['已过截止日期（2024-06-10），需市科技局重新开放后才能报送'] },
    { name: 'reopened after the deadline', s: { today: '2024-06-20', overdue: true, reopened: true }, want: [] },
    { name: 'uploading', s: { uploading: true }, want: ['文件正在上传，请等待上传完成'] },
    {
      name: 'everything at once',
      s: { today: '2024-06-11', hasSummary: false, emptyTyped: ['x'], uploading: true },
      want: [
        '已过截止日期（2024-06-10），需市科技局重新开放后才能报送',
        '尚未上传总结报告（PDF 或 DOCX）',
        '尚有 1 项填报数据未填写：x',
        '文件正在上传，请等待上传完成',
      ],
    },
    { name: 'submitted', s: { status: 'REPORT_STATUS_SUBMITTED', hasSummary: false }, want: ['已报送，等待市科技局审核'] },
    { name: 'accepted', s: { status: 'REPORT_STATUS_ACCEPTED' }, want: ['市科技局已接收，不能再次报送'] },
  ])('$name', ({ s, want }) => {
    expect(submitBlockers({ ...ready, ...s })).toEqual(want)
  })
})

describe('reviewActions', () => {
  it.each<{ role: Role | undefined; r: ReportState; want: string[] }>([
    { role: 'city_admin', r: state('REPORT_STATUS_SUBMITTED'), want: ['return', 'accept'] },
    { role: 'city_admin', r: state('REPORT_STATUS_SUBMITTED', { late: true, reopened: true }), want: ['return', 'accept'] },
    { role: 'city_admin', r: state('REPORT_STATUS_DRAFT'), want: [] },
    { role: 'city_admin', r: state('REPORT_STATUS_DRAFT', { overdue: true }), want: ['reopen'] },
    { role: 'city_admin', r: state('REPORT_STATUS_NOT_STARTED', { overdue: true }), want: ['reopen'] },
    { role: 'city_admin', r: state('REPORT_STATUS_RETURNED', { overdue: true }), want: ['reopen'] },
    { role: 'city_admin', r: state('REPORT_STATUS_DRAFT', { overdue: true, reopened: true }), want: [] },
    { role: 'city_admin', r: state('REPORT_STATUS_ACCEPTED'), want: [] },
    { role: 'county_admin', r: state('REPORT_STATUS_SUBMITTED'), want: [] },
    { role: 'viewer', r: state('REPORT_STATUS_DRAFT', { overdue: true }), want: [] },
    { role: undefined, r: state('REPORT_STATUS_SUBMITTED'), want: [] },
  ])('$role on $r.status', ({ role, r, want }) => {
    expect(reviewActions(role, r)).toEqual(want)
  })
})

describe('reportCounts and columnsLocked', () => {
  it('counts the strip', () => {
    const list: ReportState[] = [
      state('REPORT_STATUS_SUBMITTED'),
      state('REPORT_STATUS_SUBMITTED', { late: true }),
      state('REPORT_STATUS_ACCEPTED'),
      state('REPORT_STATUS_RETURNED'),
      state('REPORT_STATUS_DRAFT', { overdue: true }),
      state('REPORT_STATUS_NOT_STARTED', { overdue: true, reopened: true }),
    ]
    expect(reportCounts(list)).toEqual({ total: 6, submitted: 3, pending: 2, accepted: 1, returned: 1, overdue: 2, late: 1 })
    expect(reportCounts([])).toEqual({ total: 0, submitted: 0, pending: 0, accepted: 0, returned: 0, overdue: 0, late: 0 })
  })

  it.each<{ name: string; list: { status: ReportStatus; submitted_at: string | null }[]; want: boolean }>([
    { name: 'nothing submitted', list: [{ status: 'REPORT_STATUS_DRAFT', submitted_at: null }, { status: 'REPORT_STATUS_NOT_STARTED', submitted_at: null }], want: false },
    { name: 'one submitted', list: [{ status: 'REPORT_STATUS_DRAFT', submitted_at: null }, { status: 'REPORT_STATUS_SUBMITTED', submitted_at: '2024-06-01T00:00:00Z' }], want: true },
    { name: 'returned', list: [{ status: 'REPORT_STATUS_RETURNED', submitted_at: null }], want: true },
    { name: 'draft once submitted', list: [{ status: 'REPORT_STATUS_DRAFT', submitted_at: '2024-06-01T00:00:00Z' }], want: true },
    { name: 'none', list: [], want: false },
  ])('$name', ({ list, want }) => {
    expect(columnsLocked(list)).toBe(want)
  })
})

describe('unitSumsOf', () => {
  it('keeps the columns whose submitted units gave a figure', () => {
    const v = (column_key: string, units: string) => ({ column_key, counted: '', typed: '', corrected: '', correction_reason: '', value: '', units })
    expect(unitSumsOf({ values: [v('materials', '120'), v('funds', '3.5'), v('media_reports', '0'), v('participations', '')] })).toEqual({
      materials: '120',
      funds: '3.5',
    })
    expect(unitSumsOf(null)).toEqual({})
  })
})
