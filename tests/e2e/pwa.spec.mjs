// Installable PWA: manifest, service worker, offline reloads, the offline shell
// for routes never visited, and the update banner for a new build.
import { test, expect, hydrated, cachedDistrict } from './helpers.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from './server.mjs';
import { siteRoot } from './env.mjs';

async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
}

test('the manifest is installable: Chinese names, standalone, 192/512/maskable icons', async ({ page }) => {
  const m = await (await page.request.get('/manifest.webmanifest')).json();
  expect(m.short_name).toBe('一老一小');
  expect(m.display).toBe('standalone');
  expect(m.start_url).toBe('/');
  const sizes = m.icons.map((i) => `${i.sizes}:${i.purpose}`);
  expect(sizes).toEqual(expect.arrayContaining(['192x192:any', '512x512:any', '512x512:maskable']));
  for (const i of m.icons) {
    const res = await page.request.get(i.src);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('image/png');
  }
  await page.goto('/');
  await expect(page.locator('link[rel=manifest]')).toHaveAttribute('href', '/manifest.webmanifest');
});

test('after one online visit, reloading home and a place page offline shows content and 离线', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED|Failed to load resource/);
  await page.goto('/?area=wuxi-xinwu-wangzhuang');
  await hydrated(page);
  await controlled(page);
  await page.reload(); // now through the service worker, which keeps the page
  await hydrated(page);
  const id = await page.locator('li.card').first().getAttribute('data-id');
  const name = (await page.locator('li.card h2').first().textContent()).replace(/示例$/, '').trim();
  await page.goto(`/places/${id}`);
  await hydrated(page);
  await expect(page.locator('h1')).toContainText(name);
  await cachedDistrict(page, 'wuxi-xinwu');

  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(page.locator('h1')).toContainText(name);
  await expect(page.locator('.offline-flag')).toHaveText('离线');
  await page.goto('/?area=wuxi-xinwu-wangzhuang');
  await hydrated(page);
  await expect(page.locator('li.card').first()).toBeVisible();
  await expect(page.locator('.offline-flag')).toHaveText('离线');

  // a URL never visited: the offline shell renders it on the device from the cache
  await page.goto('/?area=wuxi-xinwu-xinan&vacancy=1');
  await hydrated(page);
  await expect(page.locator('.cached-note')).toContainText('离线');
  const cards = page.locator('li.card');
  await expect(cards.first()).toBeVisible();
  for (const c of await cards.all()) await expect(c.locator('.vacancy.open')).toBeVisible();
  await context.setOffline(false);
});

test("a tablet's first page is the desk: its own bundle is kept, the desk opens offline, and no parents' bundle was fetched", async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED|Failed to load resource/);
  const bundles = [];
  context.on('request', (r) => {
    const m = /\/pkg\/(app|care|desk)\.[0-9a-f]+_bg\.wasm$/.exec(new URL(r.url()).pathname);
    if (m) bundles.push(m[1]);
  });
  await page.goto('/operator');
  await hydrated(page);
  await controlled(page);
  // the worker keeps the desks' bundle (asked by the page, or at install)
  await expect
    .poll(() => page.evaluate(async () => (await Promise.all((await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).map((r) => new URL(r.url).pathname)))).flat().filter((p) => /\/pkg\/desk\..+_bg\.wasm$/.test(p)).length), { timeout: 15_000 })
    .toBe(1);
  await page.reload(); // now through the worker, which keeps the page
  await hydrated(page);

  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('用户名')).toBeVisible();
  await expect(page.locator('.offline-flag')).toHaveText('离线');
  expect(bundles.every((b) => b === 'desk')).toBe(true);
  await context.setOffline(false);
});

test.describe('a new build', () => {
  let copy = null;
  test.beforeAll(async ({}, testInfo) => {
    testInfo.setTimeout(120_000);
    copy = await startServer({ copySite: true });
  });
  test.afterAll(async () => {
    await copy?.stop();
  });

  test('a new build shows "有新版本，点击更新" and a tap reloads into it', async ({ page }) => {
    const sw = path.join(copy.site, 'sw.js');
    const original = fs.readFileSync(sw, 'utf8');
    expect(original).toContain('const NAV_TIMEOUT_MS = 3000;');
    await page.goto(`${copy.base}/`);
    await hydrated(page);
    await controlled(page);
    await expect(page.locator('.update-banner')).toHaveCount(0);
    // deploy: a new worker script (in the copy; its precompressed forms go, as a new build's would differ)
    for (const f of ['sw.js.br', 'sw.js.gz']) fs.rmSync(path.join(copy.site, f), { force: true });
    fs.writeFileSync(sw, original.replace('const NAV_TIMEOUT_MS = 3000;', 'const NAV_TIMEOUT_MS = 3001; // new build'));
    await page.evaluate(() => window.__yilao_reg.update());
    await expect(page.getByRole('button', { name: '有新版本，点击更新' })).toBeVisible({ timeout: 20_000 });
    const reloaded = page.waitForEvent('load');
    await page.getByRole('button', { name: '有新版本，点击更新' }).click();
    await reloaded;
    await hydrated(page);
    await expect(page.locator('.update-banner')).toHaveCount(0);
    const script = await page.evaluate(async () => (await (await fetch('/sw.js')).text()).includes('new build'));
    expect(script).toBe(true);
    // the build under test is as it was
    expect(fs.readFileSync(path.join(siteRoot, 'sw.js'), 'utf8')).toBe(original);
  });
});

test('without service workers (as in some in-app browsers) the app works online and says it cannot keep data offline', async ({ browser }) => {
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  // emulate a browser that has no service worker API at all
  await page.addInitScript(() => { delete Object.getPrototypeOf(navigator).serviceWorker; });
  await page.goto('/?area=wuxi-xinwu-wangzhuang');
  await hydrated(page);
  await expect(page.locator('li.card').first()).toBeVisible();
  await expect(page.getByText('当前浏览器不支持离线使用')).toBeVisible();
  await context.close();
});
