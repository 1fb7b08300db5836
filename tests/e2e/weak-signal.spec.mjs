// A weak signal rather than none (issue 13): the link is throttled through the DevTools
// protocol and the CPU slowed 4×, as on a low-end phone.
//  - a first visit on 3G shows the server-rendered places before the WASM arrives, and the
//    page becomes interactive within the limit below (goal: 3.5 s; the limit is tightened as
//    the parents' bundle shrinks);
//  - with the district kept on the phone and an API that answers only after 8 s, a filter
//    change shows the filtered list from the phone at once (goal ≤300 ms), and says so.
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
