// The door's service worker (scope /door/). vite.door.config.ts writes it into the build as
// sw.js with the list of every file of the build and a version hash in place of the two
// placeholders. It precaches the app shell at install and serves it cache-first, so after the
// first visit the app opens and scans with no network at all; /api/ is never cached.
/* eslint-disable */
const VERSION = '__DOOR_VERSION__'
const PRECACHE = __DOOR_PRECACHE__
const PREFIX = 'sciweek-door-'
const CACHE = PREFIX + VERSION
const SCOPE = new URL(self.registration.scope).pathname
const SHELL = SCOPE

async function precache() {
  const cache = await caches.open(CACHE)
  await Promise.all(
    PRECACHE.map(async (url) => {
      const res = await fetch(url, { cache: 'reload', credentials: 'same-origin' })
      if (!res.ok) throw new Error(url + ': HTTP ' + res.status)
      // A redirected answer cannot answer a navigation: keep its body and headers only.
      const keep = res.redirected
        ? new Response(await res.blob(), { status: res.status, statusText: res.statusText, headers: res.headers })
        : res
      await cache.put(url, keep)
    }),
  )
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()))
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name)
      }
      await self.clients.claim()
    })(),
  )
})

async function fromCache(request, key) {
  const cache = await caches.open(CACHE)
  const hit = await cache.match(key || request)
  if (hit) return hit
  return fetch(request)
}

self.addEventListener('fetch', (event) => {
  const req = event.request
  if (req.method !== 'GET') return
  const url = new URL(req.url)
  if (url.origin !== self.location.origin) return
  if (url.pathname.startsWith('/api/')) return // network only
  if (!url.pathname.startsWith(SCOPE)) return
  if (req.mode === 'navigate') {
    // Every page of the app is the one shell (index.html), whatever its path or query.
    event.respondWith(fromCache(req, SHELL))
    return
  }
  event.respondWith(fromCache(req))
})
