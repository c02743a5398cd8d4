import { describe, expect, it } from 'vitest'
import type { TerminalState } from '../api/types'
import { countdownText, lastSeenText, nextTerminalName, setupExpiry, terminalActions, terminalCounts } from './terminals'

describe('lastSeenText', () => {
  it.each([
    { at: null, want: '从未连接' },
    { at: undefined, want: '从未连接' },
    { at: '', want: '从未连接' },
    { at: 'not a time', want: '从未连接' },
    { at: '2024-05-25T01:30:00Z', want: '2024-05-25 09:30' },
  ])('$at', ({ at, want }) => {
    expect(lastSeenText(at, 'Asia/Shanghai')).toBe(want)
  })
})

describe('setupExpiry and countdownText', () => {
  const issued = Date.parse('2024-05-25T01:00:00Z')
  it.each([
    { at: '2024-05-25T01:15:00Z', want: Date.parse('2024-05-25T01:15:00Z') },
    { at: null, want: issued + 15 * 60_000 },
    { at: 'garbage', want: issued + 15 * 60_000 },
  ])('expiry of $at', ({ at, want }) => {
    expect(setupExpiry(at, issued)).toBe(want)
  })

  it.each([
    { left: 15 * 60_000, want: '15:00' },
    { left: 14 * 60_000 + 59_500, want: '15:00' },
    { left: 61_000, want: '01:01' },
    { left: 1, want: '00:01' },
    { left: 0, want: '' },
    { left: -5000, want: '' },
  ])('$left ms left', ({ left, want }) => {
    expect(countdownText(issued + left, issued)).toBe(want)
  })
})

describe('terminalActions', () => {
  it.each<{ state: TerminalState; want: string[] }>([
    { state: 'TERMINAL_STATE_PENDING', want: ['reset', 'revoke'] },
    { state: 'TERMINAL_STATE_ACTIVE', want: ['reset', 'revoke'] },
    { state: 'TERMINAL_STATE_REVOKED', want: [] },
    { state: 'TERMINAL_STATE_UNSPECIFIED', want: [] },
  ])('$state', ({ state, want }) => {
    expect(terminalActions(state)).toEqual(want)
  })
})

describe('nextTerminalName and terminalCounts', () => {
  it.each([
    { names: [], want: '检票终端 1' },
    { names: ['东门闸机'], want: '检票终端 2' },
    { names: ['检票终端 2', '检票终端 3'], want: '检票终端 4' },
  ])('$names', ({ names, want }) => {
    expect(nextTerminalName(names.map((name) => ({ name })))).toBe(want)
  })

  it('counts by state', () => {
    const states: TerminalState[] = ['TERMINAL_STATE_ACTIVE', 'TERMINAL_STATE_ACTIVE', 'TERMINAL_STATE_PENDING', 'TERMINAL_STATE_REVOKED']
    expect(terminalCounts(states.map((state) => ({ state })))).toEqual({ active: 2, pending: 1, revoked: 1 })
  })
})
