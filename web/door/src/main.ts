// The door's screens: pairing, scanning, the full-screen answer, the capacity question and the
// revocation banner. Plain DOM: index.html holds the markup, this file fills it in and wires
// the buttons (no inline handlers, for the gateway's CSP).

import './styles.css'
import { pairingMessage } from './api'
import { BurstDetector } from './burst'
import { Camera } from './camera'
import { formatCode, normalizeCode } from './code'
import { Engine } from './engine'
import { plausible, type Verdict } from './judge'
import { alreadyText, CATEGORIES, holderText, reasonText } from './reasons'
import { PAYLOAD_MAX, PAYLOAD_MIN, type QueuedRecord } from './records'
import { warningText } from './reconcile'
import { setupFromSearch, setupFromText, withoutSetup } from './setup'
import { beepAdmitted, buzzRefused, tick, toneNeutral, unlockAudio } from './sound'
import { ed25519Supported, parseTicket } from './ticket'
import { hhmm, hhmmss } from './time'

const ANSWER_MS = 1500
/** A code that stays in front of the camera is read once; gone this long, it counts again. */
const CAMERA_REPEAT_MS = 1500

function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id)
  if (!el) throw new Error(`#${id} is missing`)
  return el as T
}

function show(el: HTMLElement, visible: boolean): void {
  el.hidden = !visible
}

function setText(id: string, text: string): void {
  const el = $(id)
  if (el.textContent !== text) el.textContent = text
}

let engine: Engine
let busy = false
let pairing = false
let answerTimer: ReturnType<typeof setTimeout> | undefined
let answerCount = 0
let confirmResolve: ((ok: boolean) => void) | undefined
let lastCamera = { text: '', at: 0 }
let toastTimer: ReturnType<typeof setTimeout> | undefined
let activityKey = ''
let warningKey = ''
let unpairArmed = false
let wakeLock: { release(): Promise<void> } | undefined

const burst = new BurstDetector()

// ---- small helpers ------------------------------------------------------------------------

function toast(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const el = $('toast')
  el.textContent = text
  el.dataset.kind = kind
  show(el, true)
  clearTimeout(toastTimer)
  toastTimer = setTimeout(() => show(el, false), 2200)
}

// answerUntil is when the answer on screen goes: timers of a page in the background (a phone's
// screen locked, a browser throttling an unfocused window) may fire late, and a scan must not
// wait for them.
let answerUntil = 0

function answerShowing(): boolean {
  if ($('answer').hidden) return false
  if (Date.now() < answerUntil) return true
  hideAnswer()
  return false
}

function confirmOpen(): boolean {
  return confirmResolve !== undefined
}

// blocked says whether a scan must wait. An answer on screen does not hold the next person up:
// their scan replaces it at once (the camera still ignores the code it has just read).
function blocked(): boolean {
  return busy || confirmOpen() || engine.revoked || !engine.paired
}

function isTextField(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false
  if (t.isContentEditable) return true
  if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true
  if (t instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(t.type)
  return false
}

async function keepAwake(on: boolean): Promise<void> {
  const nav = navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> } }
  try {
    if (on && !wakeLock && nav.wakeLock) wakeLock = await nav.wakeLock.request('screen')
    if (!on && wakeLock) {
      await wakeLock.release()
      wakeLock = undefined
    }
  } catch {
    wakeLock = undefined
  }
}

// ---- the answer ---------------------------------------------------------------------------

type AnswerOutcome = 'admitted' | 'refused' | 'cancelled' | 'checkout' | 'error'

interface Answer {
  outcome: AnswerOutcome
  reason: string
  title: string
  text: string
  holder?: string
  note?: string
  sequence?: number
}

function showAnswer(a: Answer): void {
  const el = $('answer')
  answerCount++
  el.dataset.outcome = a.outcome
  el.dataset.reason = a.reason
  el.dataset.count = String(answerCount)
  if (a.sequence !== undefined) el.dataset.sequence = String(a.sequence)
  else delete el.dataset.sequence
  setText('answer-title', a.title)
  setText('answer-reason', a.text)
  setText('answer-holder', a.holder ?? '')
  setText('answer-note', a.note ?? '')
  show(el, true)
  if (a.outcome === 'admitted') beepAdmitted()
  else if (a.outcome === 'refused' || a.outcome === 'error') buzzRefused()
  else if (a.outcome === 'cancelled') toneNeutral()
  else tick()
  clearTimeout(answerTimer)
  answerUntil = Date.now() + ANSWER_MS
  answerTimer = setTimeout(hideAnswer, ANSWER_MS)
}

function hideAnswer(): void {
  clearTimeout(answerTimer)
  show($('answer'), false)
}

function verdictAnswer(v: Verdict, rec?: QueuedRecord): Answer {
  const holder = holderText(v.ticket?.holder)
  const a: Answer = {
    outcome: v.outcome,
    reason: v.reason ?? '',
    title: v.outcome === 'admitted' ? '通过' : '拒绝',
    text: v.outcome === 'admitted' ? (v.activity?.title ?? '') : reasonText(v.reason),
  }
  if (holder) a.holder = holder
  if (rec) a.sequence = rec.sequence
  if (v.reason === 'ALREADY_CHECKED_IN') {
    a.text = alreadyText(v.firstAt !== undefined ? hhmm(v.firstAt, v.timeZone) : undefined, v.firstDoor)
  }
  if (v.outcome === 'admitted' && v.outsideSession) a.note = '注意：不在活动时间内（场次之外）'
  if (rec?.overCapacityConfirmed) a.note = [a.note, '已确认超出告警人数放行'].filter(Boolean).join(' · ')
  return a
}

// ---- the capacity question ----------------------------------------------------------------

function askCapacity(): Promise<boolean> {
  const c = engine.counts()
  setText('capacity-confirm-text', `场内人数已达告警线（${c.inside}/${c.safeCapacity || '—'}），确认继续放行？`)
  show($('capacity-confirm'), true)
  $('capacity-confirm-no').focus()
  return new Promise((resolve) => {
    confirmResolve = (ok) => {
      confirmResolve = undefined
      show($('capacity-confirm'), false)
      resolve(ok)
    }
  })
}

// ---- scanning -----------------------------------------------------------------------------

function scanActivityFor(text: string): string | undefined {
  const t = parseTicket(text)?.ticket
  if (t && engine.activity(t.activityId)) return t.activityId
  return engine.chosenActivity()?.id
}

/** handleScan takes a ticket's text from the camera, a hardware scanner or the text field. */
// The door's own timings go to the page's performance timeline (User Timing), where the
// benchmarks read them: door.verify is the ticket's judgment on the device (signature, window,
// venue, revocations, admissions); door.scan-to-answer runs from the frame the code was read in
// (or the text's arrival) to the answer on screen, its record stored first.
function measure(name: string, start: number, detail: string): void {
  try {
    performance.measure(name, { start, end: performance.now(), detail })
  } catch {
    // User Timing is a measurement aid; a browser without it scans all the same.
  }
}

/**
 * resolveCode turns a typed short code into the signed payload the venue's sync brought for it;
 * undefined (with the answer shown) when this door knows no such ticket, or more than one.
 */
function resolveCode(code: string): string | undefined {
  const found = engine.ticketsFor(code)
  if (found.length === 1) return found[0]
  const shown = formatCode(code)
  if (found.length > 1) {
    showAnswer({ outcome: 'refused', reason: 'CODE_SHARED', title: '请扫描二维码', text: `票码 ${shown} 对应多张票，请扫码` })
  } else {
    const last = engine.cfg.lastSync
    const when = last !== undefined ? `（${hhmm(last, engine.timeZone)} 同步）` : '（尚未同步）'
    showAnswer({ outcome: 'refused', reason: 'CODE_UNKNOWN', title: '未找到此票码', text: `${shown} 不在本场馆的票中${when}，请核对或扫码` })
  }
  return undefined
}

async function handleScan(raw: string, source: 'camera' | 'keyboard' | 'input', startedAt = performance.now()): Promise<boolean> {
  let text = raw.trim()
  if (!text || blocked()) return false
  // A camera reads QR codes only; a scanner or a person may type the code printed under one.
  const code = source === 'camera' ? undefined : normalizeCode(text)
  if (code) {
    const payload = resolveCode(code)
    if (!payload) return true
    text = payload
  }
  busy = true
  $('answer').dataset.source = source
  try {
    if (engine.cfg.mode === 'exit') {
      const activityId = scanActivityFor(text)
      if (!activityId) {
        toast('尚未同步到活动，无法登记离场', 'error')
        return false
      }
      const rec = await engine.add({ kind: 'checkout', headcount: 1, activityId, local: { outcome: 'admitted' } })
      showAnswer({ outcome: 'checkout', reason: '', title: '离场', text: '已登记离场 1 人', sequence: rec.sequence })
      return true
    }
    const judging = performance.now()
    const verdict = await engine.judge(text)
    measure('door.verify', judging, source)
    let over = false
    if (verdict.outcome === 'admitted' && engine.counts().alarm) {
      if (!(await askCapacity())) {
        showAnswer({ outcome: 'cancelled', reason: 'OVER_CAPACITY', title: '未放行', text: '场馆已达告警人数，未放行（可重新扫码）' })
        return true
      }
      over = true
    }
    if (text.length < PAYLOAD_MIN) {
      // Too short to be anything the server would take: refused here, nothing to upload.
      showAnswer(verdictAnswer(verdict))
      return true
    }
    const t = verdict.ticket
    const storing = performance.now()
    const rec = await engine.add({
      kind: 'ticket',
      payload: text.length > PAYLOAD_MAX ? text.slice(0, PAYLOAD_MAX) : text,
      ...(t ? { ticketId: t.ticketId, editionId: t.editionId, holder: t.holder, activityId: t.activityId } : {}),
      ...(over ? { overCapacityConfirmed: true } : {}),
      local: verdict.reason ? { outcome: verdict.outcome, reason: verdict.reason } : { outcome: verdict.outcome },
    })
    measure('door.store', storing, source)
    showAnswer(verdictAnswer(verdict, rec))
    measure('door.scan-to-answer', startedAt, source)
    return true
  } catch (e) {
    showAnswer({ outcome: 'error', reason: 'STORAGE', title: '出错', text: '记录未能保存：' + (e instanceof Error ? e.message : String(e)) })
    return false
  } finally {
    busy = false
    render()
  }
}

/** onCameraText sees every decoded frame: a code held in view is scanned once, not every frame. */
function onCameraText(raw: string, capturedAt: number): void {
  const text = raw.trim()
  const now = Date.now()
  if (text === lastCamera.text && now - lastCamera.at < CAMERA_REPEAT_MS) {
    lastCamera.at = now
    return
  }
  if (blocked()) return
  lastCamera = { text, at: now }
  void handleScan(text, 'camera', capturedAt)
}

/** admitPeople records a walk-in or a group (asking first at the alarm level). */
async function admitPeople(rec: Parameters<Engine['add']>[0], done: string): Promise<boolean> {
  // Taps come through tapQueue one at a time, so a busy door never drops one: only a door that
  // may not record at all refuses them.
  if (engine.revoked || !engine.paired) return false
  busy = true
  try {
    if (engine.counts().alarm) {
      if (!(await askCapacity())) {
        toast('未放行，未登记', 'error')
        toneNeutral()
        return false
      }
      rec = { ...rec, overCapacityConfirmed: true }
    }
    await engine.add(rec)
    tick()
    toast(done)
    return true
  } catch (e) {
    toast('记录未能保存：' + (e instanceof Error ? e.message : String(e)), 'error')
    buzzRefused()
    return false
  } finally {
    busy = false
    render()
  }
}

// tapQueue runs the counter buttons' taps one after the other: a volunteer tapping 青少年 five
// times for five children records five, however quickly, even while the previous write is under
// way.
let tapQueue: Promise<void> = Promise.resolve()
function queueTap(fn: () => Promise<unknown>): void {
  tapQueue = tapQueue.then(
    () => fn().then(() => undefined),
    () => undefined,
  )
}

async function walkIn(key: string): Promise<void> {
  const c = CATEGORIES.find((x) => x.key === key)
  const act = engine.chosenActivity()
  if (!c) return
  if (!act) {
    toast('尚未同步到活动，无法登记散客', 'error')
    return
  }
  await admitPeople({ kind: 'walk_in', category: c.category, headcount: 1, activityId: act.id, local: { outcome: 'admitted' } }, `${c.label} +1 已登记`)
}

async function checkout(n: number): Promise<void> {
  const act = engine.chosenActivity()
  if (!act) {
    toast('尚未同步到活动，无法登记离场', 'error')
    return
  }
  if (engine.revoked || !engine.paired) return
  busy = true
  try {
    await engine.add({ kind: 'checkout', headcount: n, activityId: act.id, local: { outcome: 'admitted' } })
    tick()
    toast(`离场 ${n} 人 已登记`)
  } catch (e) {
    toast('记录未能保存：' + (e instanceof Error ? e.message : String(e)), 'error')
  } finally {
    busy = false
    render()
  }
}

async function submitGroup(): Promise<void> {
  const young = Number($<HTMLInputElement>('group-young').value || 0)
  const teachers = Number($<HTMLInputElement>('group-teachers').value || 0)
  const name = $<HTMLInputElement>('group-name').value.trim()
  const err = $('group-error')
  let problem = ''
  if (!Number.isInteger(young) || young < 0 || young > 1000) problem = '学生人数应为 0–1000 的整数'
  else if (!Number.isInteger(teachers) || teachers < 0 || teachers > 200) problem = '带队教师人数应为 0–200 的整数'
  else if (young + teachers < 1) problem = '团体至少要有 1 人'
  else if (name.length > 100) problem = '团体名称最多 100 个字'
  const act = engine.chosenActivity()
  if (!problem && !act) problem = '尚未同步到活动，无法登记团体'
  err.textContent = problem
  show(err, !!problem)
  if (problem || !act) return
  const ok = await admitPeople(
    { kind: 'group', youngPeople: young, teachers, groupName: name, activityId: act.id, local: { outcome: 'admitted' } },
    `团体入场 ${young + teachers} 人 已登记`,
  )
  if (ok) {
    $<HTMLInputElement>('group-young').value = '0'
    $<HTMLInputElement>('group-teachers').value = '0'
    $<HTMLInputElement>('group-name').value = ''
    ;($('group-panel') as HTMLDetailsElement).open = false
  }
}

// ---- cameras ------------------------------------------------------------------------------

let scanCamera: Camera
let pairCamera: Camera

async function startScanCamera(): Promise<void> {
  const err = $('camera-error')
  show(err, false)
  $<HTMLButtonElement>('camera-start').disabled = true
  try {
    await scanCamera.start()
    // Stopped while it was opening: the volunteer's stop is what the next visit remembers.
    if (scanCamera.on) {
      localStorage.setItem('door.camera', 'on')
      void keepAwake(true)
    }
  } catch (e) {
    err.textContent = e instanceof Error ? e.message : String(e)
    show(err, true)
  } finally {
    $<HTMLButtonElement>('camera-start').disabled = false
    render()
  }
}

function stopScanCamera(remember = true): void {
  scanCamera.stop()
  if (remember) localStorage.removeItem('door.camera')
  void keepAwake(false)
  render()
}

// ---- pairing ------------------------------------------------------------------------------

async function doPair(code: string): Promise<void> {
  if (pairing || !code.trim()) return
  pairing = true
  const err = $('pair-error')
  const status = $('pair-status')
  show(err, false)
  status.textContent = '正在配对…'
  show(status, true)
  $<HTMLButtonElement>('pair-button').disabled = true
  try {
    await engine.pair(code.trim())
    $<HTMLInputElement>('setup-code').value = ''
    pairCamera.stop()
    toast('配对成功')
  } catch (e) {
    const msg = pairingMessage(e)
    if (engine.paired && !engine.revoked) toast('配对失败：' + msg, 'error')
    err.textContent = msg
    show(err, true)
  } finally {
    pairing = false
    show(status, false)
    $<HTMLButtonElement>('pair-button').disabled = false
    render()
  }
}

function onPairScan(text: string): void {
  const code = setupFromText(text)
  if (!code) {
    const err = $('pair-error')
    err.textContent = '这不是检票终端的设置码二维码'
    show(err, true)
    return
  }
  pairCamera.stop()
  show($('pair-camera'), false)
  $<HTMLInputElement>('setup-code').value = code
  void doPair(code)
}

// ---- rendering ----------------------------------------------------------------------------

function sessionText(a: { sessions: { start: number; end: number }[] }, tz: string, now: number): string {
  const s = a.sessions.find((x) => x.end > now) ?? a.sessions[a.sessions.length - 1]
  return s ? `${hhmm(s.start, tz)}–${hhmm(s.end, tz)}` : ''
}

function renderActivities(): void {
  const list = engine.activities()
  const chosen = engine.chosenActivity()
  const tz = engine.timeZone
  const now = engine.now()
  const key = list.map((a) => `${a.id}|${a.title}|${sessionText(a, tz, now)}`).join('\n') + '#' + (chosen?.id ?? '')
  show($('activity-empty'), list.length === 0)
  if (key === activityKey) return
  activityKey = key
  const sel = $<HTMLSelectElement>('activity-select')
  sel.replaceChildren(
    ...list.map((a) => {
      const o = document.createElement('option')
      o.value = a.id
      const times = sessionText(a, tz, now)
      o.textContent = times ? `${a.title}（${times}）` : a.title
      o.selected = a.id === chosen?.id
      return o
    }),
  )
  sel.disabled = list.length === 0
}

function renderWarnings(): void {
  const list = engine.unseenWarnings()
  const tz = engine.timeZone
  const key = list.map((w) => w.sequence).join(',')
  setText('double-entry-count', String(list.length))
  show($('double-entry-badge'), list.length > 0)
  show($('double-entries-empty'), list.length === 0)
  $('warnings').classList.toggle('has-warnings', list.length > 0)
  if (key === warningKey) return
  warningKey = key
  $('double-entries').replaceChildren(
    ...list.map((w) => {
      const li = document.createElement('li')
      li.dataset.ticket = w.ticketId
      li.dataset.sequence = String(w.sequence)
      const span = document.createElement('span')
      span.className = 'warning-text'
      span.textContent = warningText(w, tz)
      const btn = document.createElement('button')
      btn.type = 'button'
      btn.className = 'btn small warning-seen'
      btn.textContent = '已知晓'
      btn.addEventListener('click', () => void engine.markSeen(w.sequence))
      li.append(span, btn)
      return li
    }),
  )
}

function render(): void {
  if (!engine) return
  const body = document.body
  const paired = engine.paired
  const revoked = engine.revoked
  show($('boot'), false)
  show($('screen-pair'), !paired && !revoked)
  show($('screen-scan'), paired || revoked)
  show($('revoked-banner'), revoked)
  const ready = revoked ? 'revoked' : !paired ? 'pair' : engine.synced ? 'scan' : 'syncing'
  if (body.dataset.ready !== ready) body.dataset.ready = ready

  // Pairing screen.
  const pending = engine.pendingCount()
  if (!paired) {
    const p = $('pair-pending')
    p.textContent = pending ? `本机还有 ${pending} 条记录尚未上传，配对后会继续上传。` : ''
    show(p, pending > 0)
  }

  // Revocation banner.
  if (revoked) {
    const p = $('revoked-pending')
    p.textContent = pending
      ? `本机还有 ${pending} 条记录尚未上传。重新配对后会用新的凭据继续上传（默认保留）；勾选下方选项则这些记录将丢失。`
      : '本机没有未上传的记录。'
    show(p, true)
    show($('revoked-discard-label'), pending > 0)
  }

  if (!paired && !revoked) return

  setText('venue-name', engine.venueName || '（场馆同步中…）')
  setText('terminal-name', engine.terminalName)

  const online = engine.online
  const st = $('status-online')
  st.dataset.online = String(online)
  setText('status-online-text', online ? '在线' : '离线')
  setText('pending-count', String(pending))
  const failed = engine.failedCount()
  setText('failed-count', String(failed))
  show($('failed-status'), failed > 0)
  const tz = engine.timeZone
  const last = engine.cfg.lastSync
  const offset = engine.clockSkew ? (engine.cfg.clock?.offset ?? 0) : 0
  setText('last-sync', last ? hhmmss(last + offset, tz) : '—')
  $('last-sync').dataset.value = last ? new Date(last + offset).toISOString() : ''
  setText('tickets-known', String(engine.knownTickets))
  setText('status-error', engine.lastError)

  const c = engine.counts()
  for (const [id, v] of [
    ['admitted-today', c.admittedToday],
    ['inside-now', c.inside],
    ['safe-capacity', c.safeCapacity],
  ] as const) {
    setText(id, id === 'safe-capacity' && !v ? '—' : String(v))
    $(id).dataset.value = String(v)
  }
  show($('capacity-banner'), c.alarm)
  show($('capacity-warning'), c.warning)
  $('screen-scan').classList.toggle('alarm', c.alarm)

  const act = engine.chosenActivity()
  const clock = $('clock-banner')
  const implausible = act ? !plausible(engine.now(), act, engine.edition(act.editionId)) : false
  clock.textContent = implausible
    ? '时间异常（请检查设备时钟）：本机时间不在活动周期内，扫码将被拒绝。'
    : engine.clockSkew
      ? '本机时钟与服务器相差较大，记录时间已按服务器时间校正。请校准设备时钟。'
      : ''
  show(clock, implausible || engine.clockSkew)

  const exit = engine.cfg.mode === 'exit'
  $('mode-entry').setAttribute('aria-pressed', String(!exit))
  $('mode-exit').setAttribute('aria-pressed', String(exit))
  $('screen-scan').dataset.mode = exit ? 'exit' : 'entry'
  show($('entry-controls'), !exit)
  show($('exit-controls'), exit)
  setText('scan-mode-label', exit ? '离场登记（扫码即记离场 1 人）' : '入场检票')

  const cam = scanCamera.on
  show($('camera-placeholder'), !cam)
  show($('camera-stop'), cam)
  $('scan-area').classList.toggle('live', cam)

  renderActivities()
  renderWarnings()

  const t = engine.cfg.terminal
  setText(
    'settings-info',
    t ? `终端 ${t.name}（${t.id.slice(0, 8)}）· 场馆 ${engine.venueName} · 下一序号 ${engine.cfg.nextSequence ?? 1}` : '',
  )
}

// ---- wiring -------------------------------------------------------------------------------

function wire(): void {
  $('pair-form').addEventListener('submit', (e) => {
    e.preventDefault()
    void doPair($<HTMLInputElement>('setup-code').value)
  })
  $('pair-scan').addEventListener('click', async () => {
    show($('pair-camera'), true)
    show($('pair-error'), false)
    try {
      await pairCamera.start()
    } catch (e) {
      show($('pair-camera'), false)
      const err = $('pair-error')
      err.textContent = e instanceof Error ? e.message : String(e)
      show(err, true)
    }
  })
  $('pair-camera-stop').addEventListener('click', () => {
    pairCamera.stop()
    show($('pair-camera'), false)
  })

  $('ticket-form').addEventListener('submit', (e) => {
    e.preventDefault()
    const input = $<HTMLInputElement>('ticket-input')
    const value = input.value
    void handleScan(value, 'input').then((taken) => {
      if (taken && input.value === value) input.value = ''
    })
  })

  $('mode-entry').addEventListener('click', () => void engine.choose({ mode: 'entry' }))
  $('mode-exit').addEventListener('click', () => void engine.choose({ mode: 'exit' }))
  $<HTMLSelectElement>('activity-select').addEventListener('change', (e) => {
    const sel = e.target as HTMLSelectElement
    // Leave the picker: a hardware scanner typing into it would pick another activity.
    sel.blur()
    void engine.choose({ activity: sel.value })
  })

  for (const c of CATEGORIES) {
    const btn = $(`walkin-${c.key}`)
    btn.addEventListener('click', () => {
      btn.blur()
      queueTap(() => walkIn(c.key))
    })
  }
  $('group-form').addEventListener('submit', (e) => {
    e.preventDefault()
    void submitGroup()
  })
  $('checkout-one').addEventListener('click', (e) => {
    ;(e.currentTarget as HTMLElement).blur()
    queueTap(() => checkout(1))
  })
  $('checkout-form').addEventListener('submit', (e) => {
    e.preventDefault()
    const n = Number($<HTMLInputElement>('checkout-count').value)
    if (!Number.isInteger(n) || n < 1 || n > 1000) {
      toast('离场人数应为 1–1000 的整数', 'error')
      return
    }
    void checkout(n)
  })

  $('camera-start').addEventListener('click', () => void startScanCamera())
  $('camera-stop').addEventListener('click', () => stopScanCamera())

  $('answer').addEventListener('click', hideAnswer)
  $('capacity-confirm-yes').addEventListener('click', () => confirmResolve?.(true))
  $('capacity-confirm-no').addEventListener('click', () => confirmResolve?.(false))

  $('failed-status').addEventListener('click', () => void engine.retryFailed())
  $('update-ready').addEventListener('click', () => location.reload())

  $('revoked-repair').addEventListener('click', async () => {
    const discard = $<HTMLInputElement>('revoked-discard').checked
    await engine.unpair(discard)
    $<HTMLInputElement>('revoked-discard').checked = false
    render()
    $<HTMLInputElement>('setup-code').focus()
  })

  const unpair = $<HTMLButtonElement>('unpair-button')
  unpair.addEventListener('click', async () => {
    if (!unpairArmed) {
      unpairArmed = true
      const n = engine.pendingCount()
      unpair.textContent = n ? `再点一次确认解除配对（${n} 条未上传记录会保留）` : '再点一次确认解除配对'
      setTimeout(() => {
        unpairArmed = false
        unpair.textContent = '解除配对 / 重新配对'
      }, 5000)
      return
    }
    unpairArmed = false
    unpair.textContent = '解除配对 / 重新配对'
    stopScanCamera(false)
    await engine.unpair(false)
    render()
  })

  // A hardware scanner types like a keyboard: catch its bursts wherever the focus is, except
  // in a text field (the ticket field takes them itself, Enter submits).
  document.addEventListener(
    'keydown',
    (e) => {
      unlockAudio()
      if (isTextField(e.target)) {
        burst.reset()
        return
      }
      const text = burst.key(e.key, e.timeStamp || performance.now())
      if (text !== undefined) {
        e.preventDefault()
        e.stopPropagation()
        if (!engine.paired && !engine.revoked) {
          const code = setupFromText(text)
          if (code) {
            $<HTMLInputElement>('setup-code').value = code
            void doPair(code)
          }
        } else {
          void handleScan(text, 'keyboard')
        }
        return
      }
      if (e.key === 'Enter' || e.key === 'Escape') {
        if (confirmOpen() && e.key === 'Escape') confirmResolve?.(false)
        else if (answerShowing()) {
          e.preventDefault()
          hideAnswer()
        }
      } else if (e.key.length === 1 && burst.length > 1) {
        // Inside a burst: keep the characters from pressing a focused button (space).
        e.preventDefault()
      }
    },
    true,
  )
  document.addEventListener('pointerdown', unlockAudio, { passive: true })
}

async function registerServiceWorker(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  const hadController = !!navigator.serviceWorker.controller
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (hadController) show($('update-ready'), true)
  })
  try {
    await navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL })
  } catch {
    // Without the service worker the app still runs; it just does not open offline.
  }
}

async function boot(): Promise<void> {
  void registerServiceWorker()
  try {
    engine = await Engine.open()
  } catch (e) {
    setText('boot', '本机存储（IndexedDB）不可用，无法检票：' + (e instanceof Error ? e.message : String(e)))
    document.body.dataset.ready = 'error'
    return
  }
  scanCamera = new Camera($<HTMLVideoElement>('scan-video'), onCameraText)
  pairCamera = new Camera($<HTMLVideoElement>('pair-video'), (t) => {
    if (!pairing) onPairScan(t)
  })
  engine.onChange = render
  engine.onRevoked = () => {
    scanCamera.stop()
    pairCamera.stop()
    void keepAwake(false)
    hideAnswer()
    confirmResolve?.(false)
  }
  wire()
  render()
  setInterval(render, 1000)
  void ed25519Supported().then((ok) => show($('crypto-banner'), !ok))

  const code = setupFromSearch(location.search)
  if (code) {
    $<HTMLInputElement>('setup-code').value = code
    await doPair(code)
    history.replaceState(history.state, '', withoutSetup(location.href))
  }
  engine.start()
  if (engine.paired && !engine.revoked && localStorage.getItem('door.camera') === 'on') void startScanCamera()
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && scanCamera.on) void keepAwake(true)
  })
}

void boot()
