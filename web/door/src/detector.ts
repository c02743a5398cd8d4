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
  return new BarcodeDetector({ formats: ['qr_code'] }) as unknown as Detector
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
