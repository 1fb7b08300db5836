// 一老一小 service worker. `__BUILD__` is replaced by the build (scripts/build-site.sh)
// with the bundle's content-hashed name, so every build is a new worker with its
// own cache; old caches are deleted on activate.
const BUILD = '__BUILD__';
const ASSETS = `yilao-assets-${BUILD}`;
const PAGES = `yilao-pages-${BUILD}`;
// The supervisors' trend charts (SVG drawn by the server) as last seen, for offline; the page
// deletes this cache at 退出登录 (pwa.js).
const CHARTS = 'yilao-charts';
const SHELL = '/offline-shell';
const PRECACHE = [
  `/pkg/${BUILD}.css`,
  SHELL, '/pwa.js', '/favicon.svg', '/manifest.webmanifest',
  '/icons/icon-192.png', '/icons/icon-512.png', '/icons/maskable-512.png',
];
// Each audience has its own bundle (app::Audience; this line is its js_rule(), kept the same
// by a test): parents `app`, families `care`, the desks `desk`, 平台管理 `admin`.
const bundleOf = (p) => (['/operator', '/carer'].some((x) => p === x || p.startsWith(x + '/')) ? 'desk' : ['/admin', '/supervise'].some((x) => p === x || p.startsWith(x + '/')) ? 'admin' : ['/care', '/me', '/privacy'].some((x) => p === x || p.startsWith(x + '/')) ? 'care' : 'app');
const HASH = BUILD.slice('app'.length);
const bundleFiles = (b) => [`/pkg/${b}${HASH}.js`, `/pkg/${b}${HASH}_bg.wasm`];

// What to keep at install: the files above and the bundles of the pages open now (the
// page that registered this worker, or those a new build takes over) — not every
// audience's code: a parent's phone never downloads the desks'.
async function precache() {
  const open = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const bundles = new Set(open.map((c) => bundleOf(new URL(c.url).pathname)));
  if (bundles.size === 0) bundles.add('app');
  const files = PRECACHE.concat(...[...bundles].map(bundleFiles));
  const c = await caches.open(ASSETS);
  await c.addAll(files);
}
const NAV_TIMEOUT_MS = 3000;

self.addEventListener('install', (event) => {
  event.waitUntil(precache());
  // The first worker takes over at once; later ones wait for the user's tap.
  if (!self.registration.active) self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const k of await caches.keys()) if (k !== ASSETS && k !== PAGES && k !== CHARTS) await caches.delete(k);
    await self.clients.claim();
  })());
});

// A page asks to keep its own bundle too (pwa.js): a bundle first used after install
// (a parent opening 上门服务) opens offline from then on.
// Only what is not kept yet is fetched: a page asks at every load.
async function keep(urls) {
  const c = await caches.open(ASSETS);
  for (const u of urls.filter((u) => typeof u === 'string' && u.startsWith('/pkg/'))) {
    if (!(await c.match(u))) await c.add(u);
  }
}

self.addEventListener('message', (event) => {
  if (event.data === 'skipWaiting') self.skipWaiting();
  else if (event.data && Array.isArray(event.data.keep)) event.waitUntil(keep(event.data.keep));
});

function timeout(ms) {
  return new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms));
}

// Pages: network first (short timeout), then this page as last seen, then the app
// shell, which renders any route on the device from the local store.
async function navigate(request) {
  const pages = await caches.open(PAGES);
  try {
    const res = await Promise.race([fetch(request), timeout(NAV_TIMEOUT_MS)]);
    if (res.ok) pages.put(request, res.clone());
    return res;
  } catch (_) {
    const seen = await pages.match(request);
    if (seen) return seen;
    const shell = await caches.match(SHELL);
    if (shell) return shell;
    return new Response('<!DOCTYPE html><meta charset="utf-8"><title>离线</title><p>离线，且此页面尚未保存在本机。</p>', {
      status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' },
    });
  }
}

// A trend chart: the network first (short timeout), else the chart as last seen.
async function chart(request) {
  const c = await caches.open(CHARTS);
  try {
    const res = await Promise.race([fetch(request), timeout(NAV_TIMEOUT_MS)]);
    if (res.ok) c.put(request, res.clone());
    return res;
  } catch (_) {
    return (await c.match(request)) || new Response('', { status: 503 });
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname === '/api/v1/supervise/trend.svg') {
    event.respondWith(chart(req));
    return;
  }
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz') return; // the app handles data itself
  if (req.mode === 'navigate') {
    event.respondWith(navigate(req));
    return;
  }
  // Hashed build assets and static files: cache first; a build asset not precached (the
  // desks' bundle) is kept the first time it arrives.
  event.respondWith(caches.match(req).then((hit) => hit || fetch(req).then((res) => {
    if (res.ok && url.pathname.startsWith('/pkg/')) {
      const copy = res.clone();
      caches.open(ASSETS).then((c) => c.put(req, copy));
    }
    return res;
  })));
});
