// QR decoding: the browser's own BarcodeDetector where it has one that reads QR codes, else the
// barcode-detector polyfill (ZXing in WebAssembly), loaded on first use. Its .wasm file is part
// of the build and comes from the gateway, never from a CDN: locateFile points at it.

import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url'

export interface DetectedCode {
  rawValue: string
}

export interface Detector {
  detect(source: HTMLVideoElement | HTMLCanvasElement | ImageBitmap | ImageData): Promise<DetectedCode[]>
}

interface DetectorClass {
  new (opts?: { formats?: string[] }): Detector
  getSupportedFormats?(): Promise<string[]>
}

let pending: Promise<Detector> | undefined

async function native(): Promise<Detector | undefined> {
  const Native = (globalThis as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector
  if (!Native) return undefined
  try {
    const formats = (await Native.getSupportedFormats?.()) ?? []
    return formats.includes('qr_code') ? new Native({ formats: ['qr_code'] }) : undefined
  } catch {
    return undefined
  }
}

async function polyfill(): Promise<Detector> {
  const { BarcodeDetector, prepareZXingModule } = await import('barcode-detector/ponyfill')
  // Instantiate the module now, from the gateway, so the first frame does not wait for it.
  await prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, location.href).href : prefix + path),
    },
    fireImmediately: true,
  })
  const d = new BarcodeDetector({ formats: ['qr_code'] }) as unknown as Detector
  await warmUp(d)
  return d
}

/**
 * WARM_UP_QR is a version 1 QR code of "SW1:WARMUP" (go-qrcode, level M, no border), one string a
 * row, 1 for a dark module: a real code for warmUp to decode, so that the decoder's whole path
 * (finder patterns, sampling, error correction) is compiled before the first ticket.
 */
const WARM_UP_QR = [
  '111111101110101111111',
  '100000100101001000001',
  '101110101001101011101',
  '101110100100101011101',
  '101110100111101011101',
  '100000101101101000001',
  '111111101010101111111',
  '000000000000100000000',
  '101000110010000100101',
  '000111010001011000000',
  '010011100101110111100',
  '111100010001011110100',
  '011011100111111000011',
  '000000001110000100010',
  '111111101110001010001',
  '100000100100100101010',
  '101110100110001001001',
  '101110100101011010100',
  '101110101101110101011',
  '100000100001011010101',
  '111111101001111011011',
]

/**
 * warmUp decodes a QR code drawn on a canvas of the size the camera hands over: WebAssembly runs
 * slowly until the engine has compiled the decoder's hot code, and without this the first ticket
 * shown after the camera opens waits for it (some 110 ms more at 4× CPU throttling, the slowest
 * scan of a session in the benchmark).
 */
async function warmUp(d: Detector): Promise<void> {
  const side = 480
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = side
  const g = canvas.getContext('2d', { willReadFrequently: true })
  if (!g) return
  g.fillStyle = '#fff'
  g.fillRect(0, 0, side, side)
  const module = Math.floor(side / (WARM_UP_QR.length + 8))
  const at = Math.floor((side - module * WARM_UP_QR.length) / 2)
  g.fillStyle = '#000'
  WARM_UP_QR.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) if (row[x] === '1') g.fillRect(at + x * module, at + y * module, module, module)
  })
  for (let i = 0; i < 2; i++) {
    try {
      await d.detect(canvas)
    } catch {
      return // a decoder that cannot read this will say so on a real frame
    }
  }
}

/** detector returns the one QR detector of the page (native or polyfill). */
export function detector(): Promise<Detector> {
  pending ??= native()
    .then((d) => d ?? polyfill())
    .catch((e) => {
      pending = undefined
      throw e
    })
  return pending
}
