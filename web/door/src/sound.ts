// Sounds from an oscillator, no audio files: a high short beep for admitted, a low double buzz
// for refused, a middle tone for "not let in" (capacity confirmation cancelled).

let ctx: AudioContext | undefined

function audio(): AudioContext | undefined {
  try {
    ctx ??= new AudioContext()
    if (ctx.state === 'suspended') void ctx.resume()
    return ctx
  } catch {
    return undefined
  }
}

/** unlock: browsers start audio only after a gesture; call this from the first tap or key. */
export function unlockAudio(): void {
  audio()
}

function tone(freq: number, start: number, duration: number, type: OscillatorType, volume: number): void {
  const a = audio()
  if (!a) return
  const t0 = a.currentTime + start
  const osc = a.createOscillator()
  const gain = a.createGain()
  osc.type = type
  osc.frequency.value = freq
  gain.gain.setValueAtTime(0.0001, t0)
  gain.gain.exponentialRampToValueAtTime(volume, t0 + 0.01)
  gain.gain.setValueAtTime(volume, t0 + duration - 0.02)
  gain.gain.exponentialRampToValueAtTime(0.0001, t0 + duration)
  osc.connect(gain).connect(a.destination)
  osc.start(t0)
  osc.stop(t0 + duration + 0.02)
}

export function beepAdmitted(): void {
  tone(1568, 0, 0.15, 'sine', 0.35)
}

export function buzzRefused(): void {
  tone(196, 0, 0.22, 'square', 0.25)
  tone(196, 0.3, 0.22, 'square', 0.25)
}

export function toneNeutral(): void {
  tone(660, 0, 0.25, 'triangle', 0.3)
}

export function tick(): void {
  tone(1046, 0, 0.06, 'sine', 0.25)
}
