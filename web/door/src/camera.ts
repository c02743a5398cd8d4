// The camera preview and its scan loop: getUserMedia (the back camera), a frame decoded about
// every 100 ms. Every decoded text goes to onText, also while an answer is on screen, so the
// caller can tell a code still held in view from a new one.

import { detector, type Detector } from './detector'

/** FRAME_SIDE is the most pixels across a frame is decoded at. */
const FRAME_SIDE = 480

/** mark measures a step of a camera scan for the benchmarks (User Timing). */
function mark(name: string, start: number): void {
  try {
    performance.measure(name, { start, end: performance.now(), detail: 'camera' })
  } catch {
    // User Timing is a measurement aid only.
  }
}

export class Camera {
  private stream: MediaStream | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private det: Detector | undefined
  private live = false
  /**
   * session counts the camera's openings and closings. A frame's decode can outlast a stop (a
   * slow phone, a busy page): its text belongs to the session it was taken in, so a decode that
   * returns after stop — or after stop and start again — is dropped, not scanned.
   */
  private session = 0

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly onText: (text: string, capturedAt: number) => void,
  ) {}

  get on(): boolean {
    return this.live
  }

  /** start opens the camera; throws with a Chinese message when it cannot. */
  async start(): Promise<void> {
    if (this.live) return
    const session = ++this.session
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('此浏览器不能使用摄像头（需要 HTTPS 或本机地址）')
    let stream: MediaStream
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      })
    } catch (e) {
      const name = e instanceof DOMException ? e.name : ''
      if (name === 'NotAllowedError' || name === 'SecurityError') throw new Error('没有摄像头权限：请在浏览器设置中允许本页使用摄像头')
      if (name === 'NotFoundError' || name === 'OverconstrainedError') throw new Error('没有找到摄像头')
      throw new Error('摄像头打不开：' + (e instanceof Error ? e.message : String(e)))
    }
    if (session !== this.session) {
      // Stopped while the browser was opening the camera.
      for (const t of stream.getTracks()) t.stop()
      return
    }
    this.stream = stream
    this.live = true
    this.video.srcObject = stream
    this.video.muted = true
    this.video.setAttribute('playsinline', '')
    try {
      await this.video.play()
    } catch {
      // Autoplay of a muted stream is allowed; a refusal here still shows frames once tapped.
    }
    try {
      this.det = await detector()
    } catch (e) {
      this.stop()
      throw new Error('扫码组件加载失败：' + (e instanceof Error ? e.message : String(e)))
    }
    if (this.current(session)) this.schedule(session)
  }

  stop(): void {
    this.session++
    this.live = false
    clearTimeout(this.timer)
    for (const t of this.stream?.getTracks() ?? []) t.stop()
    this.stream = undefined
    this.video.srcObject = null
  }

  private canvas: HTMLCanvasElement | undefined

  /**
   * frame is the middle square of the current frame, at most FRAME_SIDE pixels across: people
   * hold a ticket up to the middle of the preview, and a phone's 1280×720 frame decoded whole
   * costs the polyfill four times as much on a slow phone for nothing.
   */
  private frame(): HTMLCanvasElement | HTMLVideoElement {
    const w = this.video.videoWidth, h = this.video.videoHeight
    const side = Math.min(w, h)
    const out = Math.min(side, FRAME_SIDE)
    this.canvas ??= document.createElement('canvas')
    const c = this.canvas
    if (c.width !== out || c.height !== out) {
      c.width = out
      c.height = out
    }
    const g = c.getContext('2d', { willReadFrequently: true })
    if (!g) return this.video
    g.drawImage(this.video, (w - side) / 2, (h - side) / 2, side, side, 0, 0, out, out)
    return c
  }

  private schedule(session: number): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.tick(session), 100)
  }

  private current(session: number): boolean {
    return this.live && session === this.session
  }

  private async tick(session: number): Promise<void> {
    if (!this.current(session)) return
    try {
      if (this.det && !document.hidden && this.video.readyState >= 2 && this.video.videoWidth > 0) {
        const capturedAt = performance.now()
        const codes = await this.det.detect(this.frame())
        const text = codes.find((c) => c.rawValue)?.rawValue
        if (text) mark('door.decode', capturedAt)
        if (text && this.current(session)) this.onText(text, capturedAt)
      }
    } catch {
      // A frame that cannot be read is skipped.
    }
    if (this.current(session)) this.schedule(session)
  }
}
