// Byte budgets on the release bundles (issue 13), in the test command so that a change that
// makes a parent's first visit heavier fails the build. Limits are set from the goals and
// tightened as the bundles shrink (the closing notes keep the history):
//   goal for a parent's first visit: ≤200 KB brotli in all until hydrated — below what this stack
//   can reach: `scripts/floor.sh` builds the smallest page with the same crates (Leptos hydrate +
//   router, reqwest, serde_json, gloo-storage: one list from the API, kept, one filter) and it is
//   ~190 KB of WASM and JS alone, before any HTML, CSS or kept district.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, hydrated } from './helpers.mjs';
import { siteRoot } from './env.mjs';

const KB = 1024;
/** What a parent's first visit to `/` may download until the page is interactive. */
const FIRST_VISIT = 460 * KB;
/** Each bundle's WASM, brotli. */
// desk: 490 → 535 KB for issue 14 on the desks (registry import +17 KB, the admin's places and the
// provider's carers +28 KB brotli), then → 500 KB when 平台管理 became its own bundle (`admin`,
// one account per city: organisations, accounts, the registry import) while the provider's desk
// gained its items, timeslots and service area (+24 KB). The parents' and families' bundles
// carry none of it.
// admin: 430 → 490 KB for issue 15: the supervisors' desk (`/supervise`: indicators, 街道 table,
// stale places, map, trends, orders, settlement; +54 KB) shares the government users' bundle
// rather than making a fifth one for a few desktop accounts.
// care: 420 → 440 KB for issue 16: 我的信息 (the server's copy of a family's data read as JSON
// values, consents with 撤回, 查看记录, transfer / share / recovery codes, 删除我的信息) and the
// 个人信息保护说明 (+24 KB: 409.8 → 433.8) — the pages parents and families both open, kept in the families'
// bundle rather than a fifth bundle every family would download when it opens them.
// All four tightened after issue 13's second round (one JSON reader for answers and the store;
// queued writes' bodies kept as JSON, the outbox read back by one small match; labelled enums
// read by their code; the families' orders left out of the bundles that never show them):
// app 464 → 401, care 434 → 379, desk 489 → 429, admin 477 → 409 KB; first visit 489–508 → 445 KB.
const BUNDLES = { app: 410 * KB, care: 390 * KB, desk: 440 * KB, admin: 420 * KB };

function build() {
  return fs.readFileSync(path.join(siteRoot, 'pkg', 'build.txt'), 'utf8').trim().slice('app'.length);
}

test('each audience bundle stays within its budget (brotli, as served)', async () => {
  const hash = build();
  const sizes = {};
  for (const b of Object.keys(BUNDLES)) {
    sizes[b] = fs.statSync(path.join(siteRoot, 'pkg', `${b}${hash}_bg.wasm.br`)).size;
  }
  console.log('bundle sizes (brotli KB):', Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, (v / KB).toFixed(1)])));
  for (const [b, limit] of Object.entries(BUNDLES)) {
    expect(sizes[b], `${b} bundle: ${sizes[b]} bytes`).toBeLessThanOrEqual(limit);
  }
  // The parents' bundle is the smallest: the desks' code is not in it.
  expect(sizes.app).toBeLessThan(sizes.desk);
});

test("a parent's first visit to / downloads within budget until hydrated, brotli-encoded", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  // Chromium offers brotli only over HTTPS; the server offers it to whoever asks.
  await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'br, gzip' } });
  const got = new Map();
  const urls = new Map();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, { url: e.response.url, enc: e.response.headers['content-encoding'] || e.response.headers['Content-Encoding'] || '' }));
  cdp.on('Network.loadingFinished', (e) => got.set(e.requestId, e.encodedDataLength));
  await page.goto('/?area=wuxi-xinwu');
  await hydrated(page);
  const seen = [...got.entries()].map(([id, bytes]) => ({ ...(urls.get(id) || { url: id }), bytes }));
  const total = seen.reduce((a, r) => a + r.bytes, 0);
  console.log(`first visit: ${(total / KB).toFixed(1)} KB until hydrated`);
  for (const r of seen) console.log(`  ${(r.bytes / KB).toFixed(1).padStart(7)} KB ${r.enc.padEnd(4)} ${r.url.replace(/^https?:\/\/[^/]+/, '')}`);
  // The bundle came compressed, and it was the parents' one.
  const wasm = seen.find((r) => r.url.endsWith('_bg.wasm'));
  expect(wasm?.url).toContain('/pkg/app.');
  expect(wasm?.enc).toBe('br');
  expect(seen.some((r) => /\/pkg\/(desk|care)\./.test(r.url))).toBe(false);
  expect(total).toBeLessThanOrEqual(FIRST_VISIT);
  await context.close();
});

test('each audience loads its own bundle; a link across audiences opens the page whole, and 返回 comes back', async ({ page }) => {
  const bundles = [];
  page.on('request', (r) => {
    const m = /\/pkg\/(app|care|desk|admin)\.[0-9a-f]+_bg\.wasm$/.exec(new URL(r.url()).pathname);
    if (m) bundles.push(m[1]);
  });
  await page.goto('/?area=wuxi-xinwu-wangzhuang');
  await hydrated(page);
  expect(bundles).toEqual(['app']);
  // the status bar's 上门服务 is the families' page: the families' bundle starts it
  // (the parents' page is marked, so that "hydrated" below is the families' page, not this one)
  await page.evaluate(() => { window.__parents_page = true; });
  await page.locator('nav.status').getByRole('link', { name: '上门服务' }).click();
  await expect(page).toHaveURL(/\/care$/);
  await expect(page.locator('h1')).toBeVisible();
  await page.waitForFunction(() => !window.__parents_page && window.__yilao_hydrated === true, null, { timeout: 20_000 });
  await page.waitForLoadState('load');
  expect(bundles).toEqual(['app', 'care']);
  await page.goBack();
  await expect(page).toHaveURL(/area=wuxi-xinwu-wangzhuang/);
  await expect(page.locator('li.card').first()).toBeVisible();
  // the desks' page gets the desks' bundle
  await page.goto('/operator');
  await hydrated(page);
  expect(bundles.at(-1)).toBe('desk');
  // 平台管理 has its own
  await page.goto('/admin');
  await hydrated(page);
  expect(bundles.at(-1)).toBe('admin');
  await expect(page.getByRole('heading', { name: '平台管理登录' })).toBeVisible();
});
