// The shareable poster of a public activity: title, time, place, organizer and a QR code to the
// activity's public page, drawn on a canvas so it can be saved as a PNG, printed, or sent in a
// chat as a picture. The QR code is the gateway's own PNG (/qr.png), the one tickets use.
import type { PublicActivity } from '../api/types'
import { formatSessionTime } from './format'
import { label, targetGroupsText, activityFormLabels } from './labels'

/** activityPageUrl is the public page of an activity: what the poster's QR code and share links carry. */
export function activityPageUrl(origin: string, id: string): string {
  return `${origin.replace(/\/+$/, '')}/public/activities/${encodeURIComponent(id)}`
}

/** posterQrSrc is the gateway's QR code PNG of a page. */
export function posterQrSrc(pageUrl: string, size = 360): string {
  return `/qr.png?data=${encodeURIComponent(pageUrl)}&size=${size}`
}

export interface PosterFacts {
  edition: string
  form: string
  title: string
  time: string
  place: string
  organizer: string
  audience: string
}

/** posterFacts are the lines a poster prints for an activity. */
export function posterFacts(a: PublicActivity, edition: string, county: string, timeZone: string): PosterFacts {
  const sessions = a.details.sessions
  const first = sessions[0]
  let time = first ? formatSessionTime(first.starts_at, first.ends_at, timeZone) : '—'
  if (sessions.length > 1) time += ` 等 ${sessions.length} 场`
  const where = [county, a.venue_name].filter((s) => s && s !== '—').join(' · ')
  const place = a.details.online_url ? (where ? `${where}（另有线上）` : '线上活动') : where || '—'
  return {
    edition,
    form: label(activityFormLabels, a.details.form),
    title: a.details.title,
    time,
    place,
    organizer: a.organizer || '—',
    audience: targetGroupsText(a.details.target_groups),
  }
}

/**
 * wrapLines breaks text into lines no wider than maxWidth as measure sees it, character by
 * character (Chinese has no spaces to break at), and ends the last allowed line with "…" when
 * the text does not fit in maxLines.
 */
export function wrapLines(text: string, maxWidth: number, measure: (s: string) => number, maxLines: number): string[] {
  const lines: string[] = []
  let line = ''
  const chars = Array.from(text.replace(/\s+/g, ' ').trim())
  for (let i = 0; i < chars.length; i++) {
    const next = line + chars[i]
    if (measure(next) <= maxWidth || line === '') {
      line = next
      continue
    }
    lines.push(line)
    line = chars[i] === ' ' ? '' : chars[i]!
    if (lines.length === maxLines) {
      let last = lines[maxLines - 1]!
      while (last.length > 0 && measure(last + '…') > maxWidth) last = Array.from(last).slice(0, -1).join('')
      lines[maxLines - 1] = last + '…'
      return lines
    }
  }
  if (line !== '') lines.push(line)
  return lines
}

export const POSTER_WIDTH = 750
export const POSTER_HEIGHT = 1200
const FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'

/** drawPoster paints the poster on a canvas of POSTER_WIDTH × POSTER_HEIGHT. */
export function drawPoster(canvas: HTMLCanvasElement, f: PosterFacts, qr: HTMLImageElement): void {
  canvas.width = POSTER_WIDTH
  canvas.height = POSTER_HEIGHT
  const c = canvas.getContext('2d')
  if (!c) return
  const W = POSTER_WIDTH
  const pad = 56
  const measure = (s: string) => c.measureText(s).width

  const band = c.createLinearGradient(0, 0, W, 360)
  band.addColorStop(0, '#0f2a52')
  band.addColorStop(0.6, '#1f5fbf')
  band.addColorStop(1, '#2c86d8')
  c.fillStyle = band
  c.fillRect(0, 0, W, POSTER_HEIGHT)

  c.fillStyle = '#dbeafe'
  c.font = `500 28px ${FONT}`
  c.textBaseline = 'top'
  c.fillText(wrapLines(f.edition, W - 2 * pad, measure, 1)[0] ?? '', pad, 56)
  c.fillStyle = '#fff'
  c.font = `600 24px ${FONT}`
  c.fillText(f.form, pad, 100)

  // The card.
  const top = 150
  c.fillStyle = '#fff'
  roundRect(c, 32, top, W - 64, POSTER_HEIGHT - top - 32, 24)
  c.fill()

  let y = top + 44
  c.fillStyle = '#111827'
  c.font = `700 46px ${FONT}`
  for (const line of wrapLines(f.title, W - 2 * pad - 16, measure, 3)) {
    c.fillText(line, pad + 8, y)
    y += 62
  }
  y += 18
  for (const [name, value] of [
    ['时间', f.time],
    ['地点', f.place],
    ['主办', f.organizer],
    ['对象', f.audience],
  ] as const) {
    c.font = `500 26px ${FONT}`
    c.fillStyle = '#6b7280'
    c.fillText(name, pad + 8, y)
    c.fillStyle = '#1f2937'
    c.font = `400 28px ${FONT}`
    for (const line of wrapLines(value, W - 2 * pad - 110, measure, 2)) {
      c.fillText(line, pad + 96, y - 2)
      y += 40
    }
    y += 12
  }

  const size = 360
  const qy = POSTER_HEIGHT - 32 - 48 - 44 - size
  c.drawImage(qr, (W - size) / 2, qy, size, size)
  c.fillStyle = '#4b5563'
  c.font = `400 26px ${FONT}`
  c.textAlign = 'center'
  c.fillText('微信或相机扫码 · 查看详情与报名', W / 2, qy + size + 16)
  c.textAlign = 'left'
}

function roundRect(c: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number) {
  c.beginPath()
  c.moveTo(x + r, y)
  c.arcTo(x + w, y, x + w, y + h, r)
  c.arcTo(x + w, y + h, x, y + h, r)
  c.arcTo(x, y + h, x, y, r)
  c.arcTo(x, y, x + w, y, r)
  c.closePath()
}

/** posterFileName is the saved poster's name: the title without characters file systems refuse. */
export function posterFileName(title: string): string {
  const clean = title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').trim().slice(0, 60)
  return `${clean || '活动'}-海报.png`
}
