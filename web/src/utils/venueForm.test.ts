import { describe, expect, it } from 'vitest'
import type { Venue } from '../api/types'
import {
  capacityText,
  emptyVenueForm,
  formToVenueDetails,
  safetyPlanProblem,
  thresholdsText,
  venueFormProblems,
  venueToForm,
  type VenueFormModel,
} from './venueForm'

const venue: Venue = {
  id: 'v1',
  name: '太原市科技馆',
  kind: 'VENUE_KIND_SCIENCE_MUSEUM',
  county_code: '140105',
  address: '长风街',
  safe_capacity: 1500,
  created_at: null,
  updated_at: null,
  coordinates: { latitude: 37.8706, longitude: 112.5489 },
  contact_name: '王老师',
  contact_phone: '0351-1234567',
  safety_plan_on_file: true,
  safety_plan_file_name: 'plan.pdf',
  warn_percent: 0,
  alarm_percent: 120,
}

function form(patch: Partial<VenueFormModel>): VenueFormModel {
  return { ...emptyVenueForm('140105'), name: '科技馆', kind: 'VENUE_KIND_SCIENCE_MUSEUM', ...patch }
}

describe('venueToForm and formToVenueDetails', () => {
  it('round trip keeps the fields; a threshold of 0 shows its default', () => {
    const m = venueToForm(venue)
    expect(m.latitude).toBe('37.8706')
    expect(m.warn_percent).toBe(80)
    expect(m.alarm_percent).toBe(120)
    expect(formToVenueDetails(m)).toEqual({
      name: '太原市科技馆',
      kind: 'VENUE_KIND_SCIENCE_MUSEUM',
      county_code: '140105',
      address: '长风街',
      coordinates: { latitude: 37.8706, longitude: 112.5489 },
      safe_capacity: 1500,
      contact_name: '王老师',
      contact_phone: '0351-1234567',
      safety_plan_on_file: true,
      warn_percent: 80,
      alarm_percent: 120,
    })
  })

  it.each([
    { name: 'no coordinates', lat: '', lng: '', want: null },
    { name: 'both given', lat: ' 37.5 ', lng: '112', want: { latitude: 37.5, longitude: 112 } },
    { name: 'negative', lat: '-33.9', lng: '-70.6', want: { latitude: -33.9, longitude: -70.6 } },
    { name: 'one missing', lat: '37.5', lng: '', want: null },
  ])('coordinates: $name', ({ lat, lng, want }) => {
    expect(formToVenueDetails(form({ latitude: lat, longitude: lng })).coordinates).toEqual(want)
  })

  it('new form defaults', () => {
    const m = emptyVenueForm('140106')
    expect([m.county_code, m.warn_percent, m.alarm_percent, m.safe_capacity]).toEqual(['140106', 80, 100, 0])
  })
})

describe('venueFormProblems', () => {
  it.each<{ name: string; patch: Partial<VenueFormModel>; want: string[] }>([
    { name: 'valid', patch: {}, want: [] },
    { name: 'no name', patch: { name: ' ' }, want: ['name'] },
    { name: 'short name', patch: { name: '馆' }, want: ['name'] },
    { name: 'no kind', patch: { kind: '' }, want: ['kind'] },
    { name: 'no county', patch: { county_code: '' }, want: ['county_code'] },
    { name: 'long address', patch: { address: '路'.repeat(501) }, want: ['address'] },
    { name: 'latitude only', patch: { latitude: '37.8' }, want: ['longitude'] },
    { name: 'longitude only', patch: { longitude: '112.5' }, want: ['latitude'] },
    { name: 'latitude out of range', patch: { latitude: '91', longitude: '112' }, want: ['latitude'] },
    { name: 'longitude not a number', patch: { latitude: '37', longitude: '东经112' }, want: ['longitude'] },
    { name: 'capacity fraction', patch: { safe_capacity: 1.5 }, want: ['safe_capacity'] },
    { name: 'capacity too large', patch: { safe_capacity: 1_000_001 }, want: ['safe_capacity'] },
    { name: 'phone with letters', patch: { contact_phone: 'call me' }, want: ['contact_phone'] },
    { name: 'phone with area code', patch: { contact_phone: '(0351) 123-4567' }, want: [] },
    { name: 'warn above alarm', patch: { warn_percent: 90, alarm_percent: 85 }, want: ['alarm_percent'] },
    { name: 'warn zero', patch: { warn_percent: 0 }, want: ['warn_percent'] },
    { name: 'alarm too high', patch: { alarm_percent: 1001 }, want: ['alarm_percent'] },
    { name: 'equal thresholds', patch: { warn_percent: 100, alarm_percent: 100 }, want: [] },
  ])('$name', ({ patch, want }) => {
    expect(Object.keys(venueFormProblems(form(patch))).sort()).toEqual([...want].sort())
  })
})

describe('texts', () => {
  it.each([
    [thresholdsText({ warn_percent: 0, alarm_percent: 0 }), '80% / 100%'],
    [thresholdsText({ warn_percent: 70, alarm_percent: 90 }), '70% / 90%'],
    [capacityText(0), '未设置'],
    [capacityText(1500), '1,500 人'],
  ])('%s', (got, want) => {
    expect(got).toBe(want)
  })
})

describe('safetyPlanProblem', () => {
  it.each([
    { file: 'plan.pdf', size: 1000, ok: true },
    { file: '预案.DOCX', size: 1000, ok: true },
    { file: 'scan.jpeg', size: 1000, ok: true },
    { file: 'plan.xlsx', size: 1000, ok: false },
    { file: 'plan.pdf', size: 0, ok: false },
    { file: 'plan.pdf', size: 10 * 1024 * 1024 + 1, ok: false },
  ])('$file ($size bytes)', ({ file, size, ok }) => {
    expect(safetyPlanProblem(file, size) === '').toBe(ok)
  })
})
