import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'

// The door (检票 App): a small bundle of its own, plain TypeScript, served by the gateway at
// /door/. It builds after the console, into the console's dist/door — and empties only that
// folder, never the console's build around it.
const root = fileURLToPath(new URL('./door', import.meta.url))
const outDir = fileURLToPath(new URL('../services/gateway/console/dist/door', import.meta.url))
const base = '/door/'
const require = createRequire(import.meta.url)

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : [p]
  })
}

/**
 * zxingLocal keeps the QR decoder off the CDN: barcode-detector's default locateFile names a
 * jsDelivr URL for the .wasm. The door always overrides it (src/detector.ts); this also takes
 * the URL out of the bundle, and checks that the .wasm the build ships is the one the
 * polyfill's glue code was built for.
 */
function zxingLocal(): Plugin {
  return {
    name: 'door-zxing-local',
    buildStart() {
      const wasm = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'))
      const sha = createHash('sha256').update(wasm).digest('hex')
      const glue = readFileSync(
        fileURLToPath(new URL('./node_modules/barcode-detector/dist/es/zxing-exported.js', import.meta.url)),
        'utf8',
      )
      if (!glue.includes(sha)) {
        this.error(`zxing-wasm's zxing_reader.wasm (sha256 ${sha}) is not the one barcode-detector expects: pin zxing-wasm to barcode-detector's version`)
      }
    },
    transform(code, id) {
      if (!id.includes('barcode-detector') && !id.includes('zxing-wasm')) return null
      const out = code.replace(/https:\/\/fastly\.jsdelivr\.net\/npm\/zxing-wasm@[^/`'"]+\/dist\//g, `${base}assets/`)
      return out === code ? null : { code: out, map: null }
    },
  }
}

/**
 * serviceWorker writes sw.js once the bundle is on disk: the template with the list of every
 * file of the build (index.html as the scope's root) and a version hash of their contents.
 * It also refuses a build that names another origin in code (a CDN would break offline use).
 */
function serviceWorker(): Plugin {
  return {
    name: 'door-service-worker',
    apply: 'build',
    closeBundle() {
      const all = files(outDir).filter((p) => !p.endsWith(`${sep}sw.js`))
      const hash = createHash('sha256')
      const urls: string[] = []
      for (const p of all.sort()) {
        const rel = relative(outDir, p).split(sep).join('/')
        const body = readFileSync(p)
        hash.update(rel).update('\0').update(body)
        urls.push(rel === 'index.html' ? base : base + rel)
        if (/\.(js|html|css|webmanifest)$/.test(rel)) {
          const text = body.toString('utf8')
          for (const m of text.matchAll(/https?:\/\/[^\s"'`)<>]+/g)) {
            const url = m[0]
            // Namespace URIs and licence comments are not fetched; anything else would be.
            if (/^https?:\/\/(www\.w3\.org|github\.com\/[^/]+\/[^/]+\/(blob|issues)|opensource\.org)/.test(url)) continue
            if (/jsdelivr|unpkg|cdnjs|googleapis|gstatic/.test(url)) throw new Error(`door build: ${rel} names a CDN: ${url}`)
          }
        }
      }
      const version = hash.digest('hex').slice(0, 16)
      const template = readFileSync(join(root, 'sw-template.js'), 'utf8')
      const sw = template
        .replace("'__DOOR_VERSION__'", JSON.stringify(version))
        .replace('__DOOR_PRECACHE__', JSON.stringify(urls, null, 2))
      writeFileSync(join(outDir, 'sw.js'), sw)
    },
  }
}

const gateway = process.env.SCIWEEK_GATEWAY ?? 'http://127.0.0.1:17200'

export default defineConfig({
  root,
  base,
  publicDir: 'public',
  plugins: [zxingLocal(), serviceWorker()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // The .wasm of the QR polyfill is about 1 MB; it loads only when the browser has no
    // BarcodeDetector of its own, and the service worker keeps it.
    chunkSizeWarningLimit: 200,
  },
  server: {
    port: 5174,
    proxy: { '/api': { target: gateway, changeOrigin: false } },
  },
})
