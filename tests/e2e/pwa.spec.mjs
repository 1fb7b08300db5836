// Installable PWA: manifest, service worker, offline reloads, the offline shell
// for routes never visited, and the update banner for a new build.
import { test, expect, hydrated, cachedDistrict } from './helpers.mjs';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { root, serverBin, siteRoot } from './env.mjs';

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * A second server of the same build for this spec alone: a copy of the site (which the
 * test may change — the build under test is never touched), its own database and port.
 */
async function startCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yilao-e2e-pwa-'));
  const site = path.join(dir, 'site');
  fs.cpSync(siteRoot, site, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = [];
  const proc = spawn(serverBin, ['serve', '--sample'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `sqlite://${dir}/pwa.db`, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_SITE_ROOT: site, RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (b) => { log.push(b.toString()); if (log.length > 50) log.shift(); };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`second server exited with ${proc.exitCode}: ${log.join('')}`);
    }
    const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`second server not up after 90 s: ${log.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { base, site, stop };
}

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
    copy = await startCopy();
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
