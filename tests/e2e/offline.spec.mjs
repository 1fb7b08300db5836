// Reading offline: what was looked at online stays readable from the device.
import { test, expect, hydrated, cachedDistrict } from './helpers.mjs';

test('search and filters work offline over the cached district; a place never opened shows from the cache', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  await page.goto('/?area=wuxi-xinwu-wangzhuang');
  await hydrated(page);
  await cachedDistrict(page, 'wuxi-xinwu');
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

test('delta sync applies changed places to the cache (shown offline) and the header shows the sync time', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  await page.goto('/?area=wuxi-xinwu-hongshan');
  await hydrated(page);
  await cachedDistrict(page, 'wuxi-xinwu');
  const cache = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.area.wuxi-xinwu')));
  const place = cache.places.find((p) => p.street_id === 'wuxi-xinwu-hongshan' && p.classes.length > 0);
  const changed = structuredClone(place);
  changed.classes[0].vacancies = 0;
  changed.classes[0].enrolled = changed.classes[0].capacity;
  changed.classes[0].confirmed_at = new Date().toISOString();
  changed.change_seq = cache.seq + 1;
  const gone = cache.places.find((p) => p.id !== place.id);
  // the server's feed (its own behaviour is covered by the Rust tests): one change, one deletion
  await page.route('**/api/v1/changes?**', (route) =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({ seq: cache.seq + 2, reset: false, places: [changed], deleted_places: [gone.id], generated_at: new Date().toISOString() }),
    }),
  );
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect
    .poll(async () => {
      const c = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.area.wuxi-xinwu')));
      const p = c.places.find((x) => x.id === place.id);
      return [c.seq, p.classes[0].vacancies, c.places.some((x) => x.id === gone.id)];
    })
    .toEqual([cache.seq + 2, 0, false]);
  await expect(page.locator('.sync-time')).toContainText('同步');
  await context.setOffline(true);
  await page.evaluate((id) => { const a = document.createElement('a'); a.href = `/places/${id}`; document.body.appendChild(a); a.click(); }, place.id);
  await expect(page).toHaveURL(new RegExp(`/places/${place.id}$`));
  await expect(page.locator('table.classes tbody tr').first().locator('td.vac strong')).toHaveText('0');
  await expect(page.locator('table.classes tbody tr').first()).toContainText('刚刚确认');
  await context.setOffline(false);
});
