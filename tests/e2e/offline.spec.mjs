// Reading offline: what was looked at online stays readable from the device.
import { test, expect, hydrated } from './helpers.mjs';

async function waitForCachedDistrict(page, id) {
  await expect
    .poll(() => page.evaluate((k) => localStorage.getItem(k) !== null, `yl1.area.${id}`), { timeout: 15_000 })
    .toBe(true);
}

test('search and filters work offline over the cached district; a place never opened shows from the cache', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  await page.goto('/?area=wuxi-xinwu-wangzhuang');
  await hydrated(page);
  await waitForCachedDistrict(page, 'wuxi-xinwu');
  // the whole district is cached, not only the result page
  const cached = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.area.wuxi-xinwu')));
  const server = await (await page.request.get('/api/v1/areas/wuxi-xinwu/places')).json();
  expect(cached.places.length).toBe(server.places.length);
  expect(cached.places.length).toBeGreaterThan(100);
  const online = await (await page.request.get('/api/v1/places?area=wuxi-xinwu-jiangxi&puhui=1&radius_m=5000')).json();

  await context.setOffline(true);
  await expect(page.locator('.offline-flag')).toBeVisible();
  // another street of the district, with a filter: computed on the device
  await page.locator('select[name=radius_m]').selectOption('5000');
  await page.locator('select[name=area]').selectOption('wuxi-xinwu-jiangxi');
  await expect(page).toHaveURL(/area=wuxi-xinwu-jiangxi/);
  await page.getByLabel('只看普惠').check();
  await expect(page).toHaveURL(/puhui=1/);
  await expect(page.locator('.cached-note')).toContainText('离线');
  const ids = await page.locator('li.card').evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
  expect(ids).toEqual(online.places.map((p) => p.id));
  for (const c of await page.locator('li.card').all()) await expect(c.locator('.badge.puhui')).toBeVisible();

  // a place never opened online
  const first = page.locator('li.card').first();
  const name = (await first.locator('h2').textContent()).replace(/示例$/, '').trim();
  await first.locator('a').click();
  await expect(page.locator('h1')).toContainText(name);
  await expect(page.locator('.cached-note').first()).toContainText('离线');
  await expect(page.locator('table.classes tbody tr').first()).toBeVisible();
  await context.setOffline(false);
});

test('a place opened online keeps all its details offline', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  const r = await (await page.request.get('/api/v1/places?area=wuxi-xinwu-meicun&limit=5')).json();
  const id = r.places[0].id;
  const detail = await (await page.request.get(`/api/v1/places/${id}`)).json();
  await page.goto('/?area=wuxi-xinwu-meicun');
  await hydrated(page);
  await page.locator(`li.card[data-id="${id}"] a`).click();
  await expect(page.getByText(detail.organisation.uscc)).toBeVisible();
  await page.goBack();
  await expect(page.locator('li.card').first()).toBeVisible();
  await context.setOffline(true);
  await page.locator(`li.card[data-id="${id}"] a`).click();
  await expect(page.locator('.cached-note').first()).toContainText('离线');
  await expect(page.getByText(detail.organisation.uscc)).toBeVisible();
  await expect(page.locator('a[href^="tel:"]')).toBeVisible();
  await context.setOffline(false);
});
