// Writes made offline are kept on the device, shown as waiting, and delivered
// exactly once; bad local storage never breaks the app.
import { test, expect, hydrated } from './helpers.mjs';

async function placeIds(page, n) {
  const r = await (await page.request.get('/api/v1/places?area=wuxi-xinwu-wangzhuang&limit=10')).json();
  return r.places.slice(0, n).map((p) => p.id);
}

async function serverFavorites(page) {
  const key = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.device')));
  const res = await page.request.get('/api/v1/favorites', { headers: { 'X-Device-Key': key } });
  return (await res.json()).favorites.map((f) => f.place_id);
}

test('save a place offline → "1 条待发送" → back online → delivered, once', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  const [id] = await placeIds(page, 1);
  await page.goto(`/places/${id}`);
  await hydrated(page);
  await context.setOffline(true);
  await expect(page.locator('.offline-flag')).toHaveText('离线');
  await page.getByRole('button', { name: '☆ 收藏' }).click();
  await expect(page.getByRole('button', { name: '★ 已收藏' })).toBeVisible();
  await expect(page.locator('.pending-flag')).toHaveText('1 条待发送');
  await expect(page.locator('.actions .pending-tag')).toHaveText('已保存在本机，待发送');
  // it is on the device, not on the server
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.outbox')));
  expect(stored).toHaveLength(1);
  expect(stored[0].path).toBe('/api/v1/favorites');
  await page.waitForTimeout(1500);
  await context.setOffline(false);
  await expect(page.locator('.offline-flag')).toHaveCount(0);
  await expect(page.locator('.pending-flag')).toHaveCount(0);
  await expect(page.locator('.actions .pending-tag')).toHaveCount(0);
  expect(await serverFavorites(page)).toEqual([id]);
  // the saved list shows it (client-side navigation)
  await page.getByRole('link', { name: '我的收藏' }).click();
  await expect(page.locator('.saved-list li')).toHaveCount(1);
  await expect(page.locator('.saved-list li')).toHaveAttribute('data-place-id', String(id));
});

test('the response to a write is lost after the server committed → the retry makes no second row', async ({ page }) => {
  page.expectConsole.push(/ERR_(CONNECTION_RESET|FAILED)/);
  const [id] = await placeIds(page, 1);
  let posts = 0;
  const keys = [];
  await page.route('**/api/v1/favorites', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts += 1;
    keys.push(route.request().headers()['idempotency-key']);
    if (posts === 1) {
      const res = await route.fetch(); // reaches the server, which commits
      expect(res.status()).toBe(201);
      return route.abort('connectionreset'); // … and the phone never hears back
    }
    return route.continue();
  });
  await page.goto(`/places/${id}`);
  await hydrated(page);
  await page.getByRole('button', { name: '☆ 收藏' }).click();
  await expect(page.locator('.pending-flag')).toHaveText('1 条待发送');
  await expect(page.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
  expect(posts).toBe(2);
  expect(keys[0]).toBe(keys[1]);
  expect(await serverFavorites(page)).toEqual([id]);
});

test('a refused item is set aside without blocking the rest; discard removes it', async ({ page }) => {
  page.expectConsole.push(/status of 409/);
  const [a, b, c] = await placeIds(page, 3);
  await page.goto('/');
  await hydrated(page);
  const device = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.device')));
  // key K was already used on the server for place A …
  const K = '6b1f3c2e-0000-4000-8000-00000000c0de';
  const first = await page.request.post('/api/v1/favorites', {
    headers: { 'X-Device-Key': device, 'Idempotency-Key': K },
    data: { place_id: a },
  });
  expect(first.status()).toBe(201);
  // … and the device holds K for place B (a broken client state), then a normal item for C
  const now = new Date().toISOString();
  const item = (id, place) => ({
    id, label: `收藏 示例 ${place}`, method: 'POST', path: '/api/v1/favorites', body: { place_id: place },
    entity: `favorite:${place}`, created_at: now, attempts: 0, last_error: null, next_attempt_at: now, quarantined: false,
  });
  await page.evaluate((items) => localStorage.setItem('yl1.outbox', JSON.stringify(items)),
    [item(K, b), item('6b1f3c2e-0000-4000-8000-0000000000cc', c)]);
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.aside-flag')).toHaveText('1 条已搁置');
  await expect(page.locator('.pending-flag')).toHaveCount(0);
  expect((await serverFavorites(page)).sort()).toEqual([a, c].sort());
  await page.locator('.aside-flag').click();
  await expect(page.locator('.outbox li.quarantined .state')).toHaveText('已搁置');
  await expect(page.locator('.outbox li.quarantined .error')).toContainText('请求编号');
  await page.getByRole('button', { name: '丢弃' }).click();
  await expect(page.locator('.all-sent')).toBeVisible();
  await expect(page.locator('.aside-flag')).toHaveCount(0);
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.outbox')))).toEqual([]);
});

test('corrupt stored JSON: the app recovers; an older store version keeps its outbox', async ({ page }) => {
  const [id] = await placeIds(page, 1);
  await page.goto('/');
  await hydrated(page);
  const device = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.device')));
  const now = new Date().toISOString();
  await page.evaluate(({ id, now }) => {
    localStorage.setItem('yl1.favorites', '[{"place_id": 1, "na');
    localStorage.removeItem('yl1.outbox');
    // an outbox left by an older version of the app
    localStorage.setItem('yl0.outbox', JSON.stringify([{
      id: '6b1f3c2e-0000-4000-8000-0000000000dd', label: '收藏 示例', method: 'POST', path: '/api/v1/favorites',
      body: { place_id: id }, entity: `favorite:${id}`, created_at: now, attempts: 0, last_error: null,
      next_attempt_at: now, quarantined: false,
    }]));
    localStorage.setItem('yl0.cache', 'stale');
  }, { id, now });
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: '找附近有空位的托育机构' })).toBeVisible();
  // the old outbox was carried over and delivered; old keys are gone; the bad key was rebuilt
  await expect.poll(() => serverFavorites(page)).toEqual([id]);
  const keys = await page.evaluate(() => Object.keys(localStorage).sort());
  expect(keys.filter((k) => k.startsWith('yl0.'))).toEqual([]);
  const fav = await page.evaluate(() => localStorage.getItem('yl1.favorites'));
  expect(() => JSON.parse(fav ?? '[]')).not.toThrow();
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.device')))).toBe(device);
});
