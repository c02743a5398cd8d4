import { describe, expect, it } from 'vitest'
import type { CountyRow, FormRow, HourPoint, OccupancyRow, RefusalRow } from './dashboard'
import {
  consoleLook,
  countiesOption,
  escapeHtml,
  formsOption,
  hoursOption,
  occupancyOption,
  palette,
  refusalsOption,
  screenLook,
  youngOption,
} from './dashboardCharts'

// The options are plain objects; these helpers reach into them without ECharts' types.
const o = (x: unknown) => x as any

const hours: HourPoint[] = [
  { hour: '2024-05-25T09', label: '05-25 09时', participations: 3 },
  { hour: '2024-05-25T10', label: '05-25 10时', participations: 0 },
]
const counties: CountyRow[] = [
  { code: '140105', name: '小店区', participations: 90, today: 10, youngPeople: 30, activitiesPlanned: 3, activitiesHeld: 2, venuesOpened: 1 },
  { code: '140106', name: '迎泽区', participations: 40, today: 5, youngPeople: 10, activitiesPlanned: 1, activitiesHeld: 1, venuesOpened: 1 },
]
const forms: FormRow[] = [{ form: 'ACTIVITY_FORM_LECTURE', name: '科普讲座', planned: 5, held: 3, participations: 200 }]
const refusals: RefusalRow[] = [
  { reason: 'REFUSAL_REASON_EXPIRED', name: '已过期', refused: 7 },
  { reason: 'REFUSAL_REASON_WRONG_VENUE', name: '场馆不符', refused: 2 },
]
const occupancy: OccupancyRow[] = [
  { id: 'a', name: '<b>馆</b>', countyCode: '140105', inside: 130, capacity: 100, percent: 130, warn: 80, alarm: 100, level: 'alarm', text: '130 / 100 人 · 130%', shortText: '130% · 130/100', overCapacity: [] },
  { id: 'b', name: '科技馆', countyCode: '140105', inside: 85, capacity: 100, percent: 85, warn: 80, alarm: 100, level: 'warning', text: '85 / 100 人 · 85%', shortText: '85% · 85/100', overCapacity: [] },
  { id: 'c', name: '社区中心', countyCode: '140106', inside: 12, capacity: 0, percent: null, warn: 80, alarm: 100, level: 'normal', text: '12 人 · 未设安全容量', shortText: '12 人 · 未设容量', overCapacity: [] },
]

describe('every chart', () => {
  it.each([
    ['hours', hoursOption(hours)],
    ['counties', countiesOption(counties)],
    ['young', youngOption(30, 100)],
    ['forms', formsOption(forms)],
    ['occupancy', occupancyOption(occupancy)],
    ['refusals', refusalsOption(refusals)],
    ['hours on the screen', hoursOption(hours, screenLook)],
    ['occupancy on the screen', occupancyOption(occupancy, screenLook)],
  ])('%s: no animation, transparent background', (_name, option) => {
    expect(o(option).animation).toBe(false)
    expect(o(option).backgroundColor).toBe('transparent')
  })
})

describe('looks', () => {
  it.each([
    { look: consoleLook, font: 12, text: '#374151' },
    { look: screenLook, font: 16, text: '#e5edf8' },
  ])('$look', ({ look, font, text }) => {
    expect(palette(look).font).toBe(font)
    expect(palette(look).text).toBe(text)
  })
})

describe('series data', () => {
  it.each([
    { name: 'hours', option: hoursOption(hours), categories: ['05-25 09时', '05-25 10时'], data: [[3, 0]] },
    { name: 'counties', option: countiesOption(counties), categories: ['小店区', '迎泽区'], data: [[90, 40], [10, 5]] },
    { name: 'forms', option: formsOption(forms), categories: ['科普讲座'], data: [[5], [3], [200]] },
  ])('$name', ({ option, categories, data }) => {
    expect(o(option).xAxis.data).toEqual(categories)
    expect(o(option).series.map((s: any) => s.data)).toEqual(data)
  })

  it('refusals: most on top', () => {
    const opt = o(refusalsOption(refusals))
    expect(opt.yAxis.data).toEqual(['已过期', '场馆不符'])
    expect(opt.yAxis.inverse).toBe(true)
    expect(opt.series[0].data).toEqual([7, 2])
  })

  it.each([
    { look: consoleLook, want: '{d}%' },
    { look: screenLook, want: '{b}\n{d}%' },
  ])('young labels: $want', ({ look, want }) => {
    expect(o(youngOption(1, 2, look)).series[0].label.formatter).toBe(want)
  })

  it.each([
    { young: 30, total: 100, want: [30, 70], label: true },
    { young: 0, total: 0, want: [0, 0], label: false },
    { young: 5, total: 3, want: [5, 0], label: true },
  ])('young $young of $total', ({ young, total, want, label }) => {
    const s = o(youngOption(young, total)).series[0]
    expect(s.data.map((d: any) => d.value)).toEqual(want)
    expect(s.label.show).toBe(label)
  })
})

describe('occupancyOption', () => {
  const opt = o(occupancyOption(occupancy))

  it('bars are shares of capacity, coloured by level; no capacity draws nothing', () => {
    expect(opt.series[0].data.map((d: any) => d.value)).toEqual([130, 85, 0])
    expect(opt.series[0].data.map((d: any) => d.itemStyle.color)).toEqual(['#dc2626', '#f59e0b', '#16a34a'])
    expect(opt.yAxis.data).toEqual(['<b>馆</b>', '科技馆', '社区中心'])
    expect(opt.yAxis.inverse).toBe(true)
  })

  it.each([
    { name: 'over capacity', rows: occupancy, max: 150, interval: 50 },
    { name: 'below capacity', rows: occupancy.slice(1), max: 100, interval: 25 },
    { name: 'exactly full', rows: [{ ...occupancy[1]!, percent: 100 }], max: 100, interval: 25 },
    { name: 'none', rows: [], max: 100, interval: 25 },
    { name: 'far over', rows: [{ ...occupancy[0]!, percent: 301 }], max: 350, interval: 50 },
  ])('axis: $name', ({ rows, max, interval }) => {
    const axis = o(occupancyOption(rows)).xAxis
    expect([axis.max, axis.interval]).toEqual([max, interval])
  })

  it('the big screen has fewer ticks', () => {
    expect(o(occupancyOption([], screenLook)).xAxis.interval).toBe(50)
  })

  it('labels and tooltips tell the people and the thresholds; names are escaped', () => {
    expect(opt.series[0].label.formatter({ dataIndex: 2 })).toBe('12 人 · 未设安全容量')
    expect(o(occupancyOption(occupancy, screenLook)).series[0].label.formatter({ dataIndex: 0 })).toBe('130% · 130/100')
    expect(opt.tooltip.formatter({ dataIndex: 0 })).toBe('&lt;b&gt;馆&lt;/b&gt;<br/>130 / 100 人 · 130%<br/>预警 80% · 告警 100%')
    expect(opt.tooltip.formatter({ dataIndex: 9 })).toBe('')
  })
})

describe('escapeHtml', () => {
  it.each([
    ['科技馆', '科技馆'],
    ['<script>', '&lt;script&gt;'],
    [`a&b "c" 'd'`, 'a&amp;b &quot;c&quot; &#39;d&#39;'],
  ])('%s', (text, want) => {
    expect(escapeHtml(text)).toBe(want)
  })
})
