import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
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
  plugins: [vue(), keepGitkeep()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // Element Plus is installed whole and lands in its own chunk of about 1 MB (≈300 kB gzip).
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus'
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
