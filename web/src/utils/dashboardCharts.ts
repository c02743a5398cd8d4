// ECharts options of the dashboard's charts, built from the rows of dashboard.ts. Pure (only
// echarts' types are imported), so the options are tested without a canvas. Every chart is
// drawn without animation: figures change every second and screenshots must show them whole.
import type { EChartsCoreOption } from 'echarts/core'
import { levelColors, type CountyRow, type FormRow, type HourPoint, type OccupancyRow, type RefusalRow } from './dashboard'

/** ChartLook says where a chart is drawn: the console (light) or the big screen (dark, large). */
export interface ChartLook {
  dark: boolean
  big: boolean
}

export const consoleLook: ChartLook = { dark: false, big: false }
export const screenLook: ChartLook = { dark: true, big: true }

interface Palette {
  text: string
  muted: string
  axis: string
  split: string
  primary: string
  accent: string
  young: string
  other: string
  refusal: string
  font: number
}

export function palette(look: ChartLook): Palette {
  const base = look.dark
    ? { text: '#e5edf8', muted: '#94a3b8', axis: '#334155', split: 'rgba(148, 163, 184, 0.15)', primary: '#38bdf8', accent: '#fbbf24', young: '#34d399', other: '#475569', refusal: '#f87171' }
    : { text: '#374151', muted: '#6b7280', axis: '#d1d5db', split: '#eef0f4', primary: '#1f5fbf', accent: '#f2a93b', young: '#16a34a', other: '#cbd5e1', refusal: '#ef4444' }
  return { ...base, font: look.big ? 16 : 12 }
}

/** escapeHtml keeps names typed by people from being read as markup in HTML tooltips. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

function common(look: ChartLook): EChartsCoreOption {
  const p = palette(look)
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: p.text, fontSize: p.font },
    tooltip: { confine: true, textStyle: { fontSize: p.font } },
  }
}

function valueAxis(p: Palette, extra: Record<string, unknown> = {}) {
  return {
    type: 'value',
    minInterval: 1,
    nameTextStyle: { color: p.muted, fontSize: p.font },
    axisLabel: { color: p.muted, fontSize: p.font },
    splitLine: { lineStyle: { color: p.split } },
    ...extra,
  }
}

function categoryAxis(p: Palette, data: string[], extra: Record<string, unknown> = {}) {
  return {
    type: 'category',
    data,
    axisLine: { lineStyle: { color: p.axis } },
    axisTick: { show: false },
    axisLabel: { color: p.text, fontSize: p.font },
    ...extra,
  }
}

function legend(p: Palette, data: string[]) {
  return { top: 0, right: 8, data, textStyle: { color: p.text, fontSize: p.font }, itemWidth: p.font, itemHeight: p.font * 0.7 }
}

/** hoursOption draws participations per hour over the week. */
export function hoursOption(points: readonly HourPoint[], look: ChartLook = consoleLook): EChartsCoreOption {
  const p = palette(look)
  return {
    ...common(look),
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', confine: true, textStyle: { fontSize: p.font } },
    xAxis: categoryAxis(p, points.map((h) => h.label), { boundaryGap: false, axisLabel: { color: p.muted, fontSize: p.font, hideOverlap: true } }),
    yAxis: valueAxis(p, { name: '人次' }),
    series: [
      {
        name: '参与人次',
        type: 'line',
        data: points.map((h) => h.participations),
        showSymbol: points.length <= 48,
        symbolSize: look.big ? 8 : 5,
        lineStyle: { width: look.big ? 3 : 2, color: p.primary },
        itemStyle: { color: p.primary },
        areaStyle: { color: p.primary, opacity: 0.15 },
      },
    ],
  }
}

/** countiesOption ranks the counties: all participations and today's. */
export function countiesOption(rows: readonly CountyRow[], look: ChartLook = consoleLook): EChartsCoreOption {
  const p = palette(look)
  return {
    ...common(look),
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true, textStyle: { fontSize: p.font } },
    legend: legend(p, ['累计参与人次', '今日参与人次']),
    xAxis: categoryAxis(p, rows.map((r) => r.name), { axisLabel: { color: p.text, fontSize: p.font, interval: 0, rotate: rows.length > 8 ? 30 : 0 } }),
    yAxis: valueAxis(p),
    series: [
      {
        name: '累计参与人次',
        type: 'bar',
        data: rows.map((r) => r.participations),
        itemStyle: { color: p.primary, borderRadius: [4, 4, 0, 0] },
        label: { show: rows.length <= 12, position: 'top', color: p.text, fontSize: p.font - 1 },
        barMaxWidth: look.big ? 44 : 36,
      },
      {
        name: '今日参与人次',
        type: 'bar',
        data: rows.map((r) => r.today),
        itemStyle: { color: p.accent, borderRadius: [4, 4, 0, 0] },
        barMaxWidth: look.big ? 44 : 36,
      },
    ],
  }
}

/** youngOption shows young people's share of the participations as a ring. */
export function youngOption(young: number, participations: number, look: ChartLook = consoleLook): EChartsCoreOption {
  const p = palette(look)
  const others = Math.max(0, participations - young)
  return {
    ...common(look),
    tooltip: { trigger: 'item', confine: true, formatter: '{b}：{c} 人次（{d}%）', textStyle: { fontSize: p.font } },
    legend: { bottom: 0, data: ['青少年', '其他人员'], textStyle: { color: p.text, fontSize: p.font } },
    series: [
      {
        name: '参与人员',
        type: 'pie',
        radius: ['48%', '72%'],
        center: ['50%', '46%'],
        avoidLabelOverlap: true,
        // The console's column is narrow: the legend names the parts and the labels give shares.
        label: { show: participations > 0, color: p.text, fontSize: p.font, formatter: look.big ? '{b}\n{d}%' : '{d}%' },
        data: [
          { name: '青少年', value: young, itemStyle: { color: p.young } },
          { name: '其他人员', value: others, itemStyle: { color: p.other } },
        ],
      },
    ],
  }
}

/** formsOption compares the forms of activity: activities planned and held, and participations. */
export function formsOption(rows: readonly FormRow[], look: ChartLook = consoleLook): EChartsCoreOption {
  const p = palette(look)
  return {
    ...common(look),
    grid: { left: 8, right: 8, top: look.big ? 64 : 52, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true, textStyle: { fontSize: p.font } },
    legend: legend(p, ['计划活动', '已开展', '参与人次']),
    xAxis: categoryAxis(p, rows.map((r) => r.name), { axisLabel: { color: p.text, fontSize: p.font, interval: 0, rotate: rows.length > 5 ? 30 : 0 } }),
    yAxis: [valueAxis(p, { name: '项' }), valueAxis(p, { name: '人次', splitLine: { show: false } })],
    series: [
      { name: '计划活动', type: 'bar', data: rows.map((r) => r.planned), itemStyle: { color: p.other }, barMaxWidth: 24 },
      { name: '已开展', type: 'bar', data: rows.map((r) => r.held), itemStyle: { color: p.primary }, barMaxWidth: 24 },
      {
        name: '参与人次',
        type: 'line',
        yAxisIndex: 1,
        data: rows.map((r) => r.participations),
        itemStyle: { color: p.accent },
        lineStyle: { color: p.accent, width: look.big ? 3 : 2 },
        symbolSize: look.big ? 9 : 6,
      },
    ],
  }
}

/**
 * occupancyOption draws the fullest venues as horizontal bars of their share of safe capacity,
 * fullest on top, coloured by level; venues without a safe capacity show their people only.
 */
export function occupancyOption(rows: readonly OccupancyRow[], look: ChartLook = consoleLook): EChartsCoreOption {
  const p = palette(look)
  // 100% (full) is always on the axis; beyond it the axis grows in steps of 50%.
  const max = Math.ceil(Math.max(100, ...rows.map((r) => r.percent ?? 0)) / 50) * 50
  return {
    ...common(look),
    // Bar labels are outside the grid's labels, so the right margin keeps room for them.
    grid: { left: 8, right: look.big ? 150 : 170, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'item',
      confine: true,
      textStyle: { fontSize: p.font },
      formatter: (params: { dataIndex: number }) => {
        const r = rows[params.dataIndex]
        return r ? `${escapeHtml(r.name)}<br/>${escapeHtml(r.text)}<br/>预警 ${r.warn}% · 告警 ${r.alarm}%` : ''
      },
    },
    xAxis: valueAxis(p, {
      max,
      interval: max <= 100 && !look.big ? 25 : 50,
      axisLabel: { color: p.muted, fontSize: p.font, formatter: '{value}%', hideOverlap: true },
    }),
    yAxis: categoryAxis(p, rows.map((r) => r.name), {
      inverse: true,
      axisLabel: { color: p.text, fontSize: p.font, width: look.big ? 170 : 150, overflow: 'truncate' },
    }),
    series: [
      {
        name: '在场比例',
        type: 'bar',
        barMaxWidth: look.big ? 26 : 18,
        data: rows.map((r) => ({ value: r.percent ?? 0, itemStyle: { color: levelColors[r.level], borderRadius: [0, 4, 4, 0] } })),
        label: {
          show: true,
          position: 'right',
          color: p.text,
          fontSize: p.font - 1,
          formatter: (params: { dataIndex: number }) => {
            const r = rows[params.dataIndex]
            return r ? (look.big ? r.shortText : r.text) : ''
          },
        },
      },
    ],
  }
}

/** refusalsOption shows the refused scans by reason, most on top. */
export function refusalsOption(rows: readonly RefusalRow[], look: ChartLook = consoleLook): EChartsCoreOption {
  const p = palette(look)
  return {
    ...common(look),
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true, textStyle: { fontSize: p.font } },
    xAxis: valueAxis(p),
    yAxis: categoryAxis(p, rows.map((r) => r.name), { inverse: true }),
    series: [
      {
        name: '拒绝次数',
        type: 'bar',
        data: rows.map((r) => r.refused),
        itemStyle: { color: p.refusal, borderRadius: [0, 4, 4, 0] },
        label: { show: true, position: 'right', color: p.text, fontSize: p.font - 1 },
        barMaxWidth: look.big ? 26 : 18,
      },
    ],
  }
}
