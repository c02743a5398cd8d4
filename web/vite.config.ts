import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { defineConfig, type Plugin } from 'vitest/config'

// The console is embedded into the gateway binary from this folder (go:embed), so it must never
// be missing: the build empties it and then puts the committed .gitkeep back.
const outDir = fileURLToPath(new URL('../services/gateway/console/dist', import.meta.url))

function keepGitkeep(): Plugin {
  return {
    name: 'sciweek-keep-gitkeep',
    apply: 'build',
    closeBundle() {
      writeFileSync(resolve(outDir, '.gitkeep'), '')
    },
  }
}

// During development `npx vite` serves the console and hands everything the gateway answers to a
// running `sciweek dev` (override with SCIWEEK_GATEWAY=http://host:port).
const gateway = process.env.SCIWEEK_GATEWAY ?? 'http://127.0.0.1:17200'
const proxied = ['/api', '/auth', '/events', '/upload', '/download', '/qr.png']

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    // Element Plus on demand (its documented way): each component file imports the components and
    // the styles its template uses, so a page loads what it shows instead of the whole library
    // (1.0 MB of script and 0.36 MB of CSS, evaluated before the first page could mount). No
    // generated components.d.ts: the templates were not typed against Element Plus before either.
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
    keepGitkeep(),
  ],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // ECharts (the parts the charts use) is the largest chunk, about 0.55 MB.
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          // Element Plus's components go with the views that use them (the build shares what
          // several use), so the dashboard does not load the forms' date pickers and uploads.
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return undefined
          if (id.includes('node_modules/')) return 'vendor'
          return undefined
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: gateway, changeOrigin: false }])),
  },
  test: {
    include: ['src/**/*.test.ts', 'door/**/*.test.ts'],
    environment: 'node',
  },
})
