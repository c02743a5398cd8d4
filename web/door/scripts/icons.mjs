// Draws the door's PNG icons (192 and 512 px) into public/icons/, the same picture as
// icon.svg: a blue rounded square with a white tick. No image library: a few lines of
// rasterising with 4×4 supersampling and a PNG written with zlib. Run: node door/scripts/icons.mjs
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const BLUE = [0x1f, 0x5f, 0xbf]
const WHITE = [0xff, 0xff, 0xff]
const YELLOW = [0xff, 0xd5, 0x4a]

// In a 512 × 512 design space, like icon.svg.
const RADIUS = 96
const TICK = [
  [136, 270],
  [222, 356],
  [384, 178],
]
const STROKE = 56
const DOT = { x: 392, y: 372, r: 34 }

function insideRounded(x, y) {
  const cx = Math.min(Math.max(x, RADIUS), 512 - RADIUS)
  const cy = Math.min(Math.max(y, RADIUS), 512 - RADIUS)
  return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2
}

function segDist(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax
  const dy = by - ay
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy))
}

function colourAt(x, y) {
  if (!insideRounded(x, y)) return null
  for (let i = 0; i + 1 < TICK.length; i++) if (segDist(x, y, TICK[i], TICK[i + 1]) <= STROKE / 2) return WHITE
  if ((x - DOT.x) ** 2 + (y - DOT.y) ** 2 <= DOT.r ** 2) return YELLOW
  return BLUE
}

function crc32(buf) {
  let c = ~0
  for (const b of buf) {
    c ^= b
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return ~c >>> 0
}

function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}

function png(size) {
  const S = 4
  const raw = Buffer.alloc((size * 4 + 1) * size)
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const c = colourAt(((x + (sx + 0.5) / S) * 512) / size, ((y + (sy + 0.5) / S) * 512) / size)
          if (!c) continue
          r += c[0]; g += c[1]; b += c[2]; a++
        }
      }
      const o = y * (size * 4 + 1) + 1 + x * 4
      raw[o] = a ? Math.round(r / a) : 0
      raw[o + 1] = a ? Math.round(g / a) : 0
      raw[o + 2] = a ? Math.round(b / a) : 0
      raw[o + 3] = Math.round((a / (S * S)) * 255)
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const dir = new URL('../public/icons/', import.meta.url)
for (const size of [192, 512]) writeFileSync(new URL(`icon-${size}.png`, dir), png(size))
