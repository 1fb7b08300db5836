// A weak signal rather than none (issue 13): the link is throttled through the DevTools
// protocol and the CPU slowed 4×, as on a low-end phone.
//  - a first visit on 3G shows the server-rendered places before the WASM arrives, and the
//    page becomes interactive within the limit below (goal: 3.5 s; the limit is tightened as
//    the parents' bundle shrinks);
//  - with the district kept on the phone and an API that answers only after 8 s, a filter
//    change shows the filtered list from the phone at once (goal ≤300 ms), and says so;
//  - a place of that district opens from the phone at once too, says it is being checked (and,
//    past the read timeout, that the link is slow), and becomes the server's page when it answers.
import { test, expect, hydrated, cachedDistrict } from './helpers.mjs';

const THREE_G = { offline: false, latency: 300, downloadThroughput: (700 * 1000) / 8, uploadThroughput: (700 * 1000) / 8 };
/** Hydrated within this on 3G with the CPU slowed 4× (goal 3.5 s). */
const HYDRATED_ON_3G_MS = 10_000;

test('first visit on 3G: places are readable before hydration, and the page hydrates in time', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', THREE_G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const start = Date.now();
  await page.goto('/?area=wuxi-xinwu', { waitUntil: 'commit' });
  // the server's HTML: the list is there while the WASM is still on its way
  await expect(page.locator('li.card').first()).toBeVisible({ timeout: 10_000 });
  const readable = Date.now() - start;
  const before = await page.evaluate(() => window.__yilao_hydrated === true);
  expect(before, 'the list showed before the app hydrated').toBe(false);
  await page.waitForFunction(() => window.__yilao_hydrated === true, null, { timeout: 60_000 });
  const interactive = Date.now() - start;
  console.log(`3G, CPU ×4: list readable after ${readable} ms, hydrated after ${interactive} ms`);
  expect(interactive).toBeLessThanOrEqual(HYDRATED_ON_3G_MS);
  await context.close();
});

test('a slow API does not hold up a filter over the district kept on the phone', async ({ page }) => {
  await page.goto('/?area=wuxi-xinwu-jiangxi');
  await hydrated(page);
  await cachedDistrict(page, 'wuxi-xinwu');
  const expected = await (await page.request.get('/api/v1/places?area=wuxi-xinwu-jiangxi&puhui=1')).json();
  // connected, but the API answers only after 8 s
  await page.route('**/api/v1/places?**', async (route) => {
    await new Promise((r) => setTimeout(r, 8_000));
    await route.continue().catch(() => {});
  });
  const t0 = Date.now();
  await page.getByLabel('只看普惠').check();
  await expect(page).toHaveURL(/puhui=1/);
  await expect(page.locator('li.card').first()).toBeVisible();
  await expect
    .poll(() => page.locator('li.card').evaluateAll((els) => els.map((e) => Number(e.dataset.id))), { timeout: 2_000, intervals: [20] })
    .toEqual(expected.places.map((p) => p.id));
  const shown = Date.now() - t0;
  console.log(`filtered list from the phone after ${shown} ms (API delayed 8 s)`);
  expect(shown).toBeLessThan(1_000);
  // it says where the list comes from and how fresh it is, not a spinner
  await expect(page.locator('.cached-note')).toContainText('本机保存');
  await expect(page.locator('.loading')).toHaveCount(0);
  // the server's answer arrives late: the list stays as it is (it did not differ)
  await page.unroute('**/api/v1/places?**');
});

/** 江溪街道's results with 新吴区 kept on the phone: the first card, its place id and the server's page of it. */
async function keptDistrictPlace(page) {
  await page.goto('/?area=wuxi-xinwu-jiangxi');
  await hydrated(page);
  await cachedDistrict(page, 'wuxi-xinwu');
  const card = page.locator('li.card').first();
  const id = await card.getAttribute('data-id');
  const detail = await (await page.request.get(`/api/v1/places/${id}`)).json();
  return { card, id, detail };
}

test('a place of the kept district opens at once on a slow link, says how fresh it is, and that the link is slow past the read timeout', async ({ page }) => {
  const { card, id, detail } = await keptDistrictPlace(page);
  // connected, but a place page answers only after 8 s (longer than the 4 s read timeout)
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(`**/api/v1/places/${id}`, async (route) => {
    await Promise.race([held, new Promise((r) => setTimeout(r, 8_000))]);
    await route.continue().catch(() => {});
  });
  const t0 = Date.now();
  await card.locator('a').first().click();
  await expect(page).toHaveURL(new RegExp(`/places/${id}$`));
  await expect(page.locator("article.place h1")).toContainText(detail.name, { timeout: 2_000 });
  const shown = Date.now() - t0;
  console.log(`place page from the phone after ${shown} ms (API delayed 8 s)`);
  expect(shown).toBeLessThan(1_000);
  // the kept copy says what it is, and that it is being checked
  await expect(page.locator('.cached-note').first()).toContainText('正在联网核对');
  await expect(page.locator('.loading')).toHaveCount(0);
  // past the read timeout: still the kept page, now saying the link is slow
  await expect(page.locator('.cached-note').first()).toContainText('网络较慢', { timeout: 8_000 });
  await page.unroute(`**/api/v1/places/${id}`);
  release();
});

test('a place of the kept district is replaced by the server page once it answers', async ({ page }) => {
  const { card, id, detail } = await keptDistrictPlace(page);
  await page.route(`**/api/v1/places/${id}`, async (route) => {
    await new Promise((r) => setTimeout(r, 1_500));
    await route.continue().catch(() => {});
  });
  await card.locator('a').first().click();
  await expect(page.locator('.cached-note').first()).toContainText('本机保存');
  // the server's page: the phone number a never-opened place lacked, and no note
  await expect(page.locator(`a[href^="tel:"]`).first()).toBeVisible({ timeout: 5_000 });
  await expect(page.locator('.cached-note')).toHaveCount(0);
  expect(detail.phone.length).toBeGreaterThan(0);
});
