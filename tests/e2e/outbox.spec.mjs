// Writes made offline are kept on the device, shown as waiting, and delivered
// exactly once; bad local storage never breaks the app.
import { test, expect, hydrated, openDesk, apiSignIn } from './helpers.mjs';
import { randomUUID } from 'node:crypto';

const TABLET = { viewport: { width: 1024, height: 768 }, isMobile: false, hasTouch: true, locale: 'zh-CN' };
// the outbox of typed writes (`offline::write::Write`); `yl1.outbox` is where versions before them kept it
const outbox = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('yl1.outbox2')) ?? []);

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
  const stored = await outbox(page);
  expect(stored).toHaveLength(1);
  expect(stored[0].write).toEqual({ write: 'save_favorite', place_id: id });
  // the device tried to send it and could not (no network): it waits for the next attempt,
  // and the server has nothing yet
  await expect
    .poll(async () => {
      const [i] = await outbox(page);
      return [i.attempts > 0, i.last_error];
    })
    .toEqual([true, '网络不可用，联网后自动发送']);
  expect(await serverFavorites(page)).toEqual([]);
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
  // what the server answered the first POST (checked after: an expect in here would be swallowed)
  let firstAnswer = null;
  await page.route('**/api/v1/favorites', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts += 1;
    keys.push(route.request().headers()['idempotency-key']);
    if (posts === 1) {
      // reaches the server, which commits …
      firstAnswer = await route.fetch().then((res) => res.status(), (e) => `fetch failed: ${e.message}`);
      return route.abort('connectionreset'); // … and the phone never hears back
    }
    return route.continue();
  });
  await page.goto(`/places/${id}`);
  await hydrated(page);
  await page.getByRole('button', { name: '☆ 收藏' }).click();
  await expect(page.locator('.pending-flag')).toHaveText('1 条待发送');
  await expect(page.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
  expect(firstAnswer).toBe(201);
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
  expect(await outbox(page)).toEqual([]);
  expect(await page.evaluate(() => localStorage.getItem('yl1.outbox'))).toBeNull();
});

test('corrupt stored JSON: the app recovers; an older store version keeps its outbox', async ({ page }) => {
  const [id] = await placeIds(page, 1);
  await page.goto('/');
  await hydrated(page);
  const device = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.device')));
  const now = new Date().toISOString();
  await page.evaluate(({ id, now }) => {
    localStorage.setItem('yl1.favorites', '[{"place_id": 1, "na');
    localStorage.removeItem('yl1.outbox2');
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
  // the bad key was dropped and rebuilt from the server: valid JSON with the delivered place
  await expect
    .poll(() => page.evaluate(() => {
      try {
        return JSON.parse(localStorage.getItem('yl1.favorites')).map((f) => f.place_id);
      } catch (e) {
        return `unreadable: ${e.message}`;
      }
    }))
    .toEqual([id]);
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.device')))).toBe(device);
});

test('an outbox kept by the version before typed writes is read into them: nothing lost, each sent once', async ({ page }) => {
  page.expectConsole.push(/status of 404/);
  const [a, b] = await placeIds(page, 2);
  await page.goto('/');
  await hydrated(page);
  const device = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.device')));
  // B was saved earlier, from this phone
  const saved = await page.request.post('/api/v1/favorites', {
    headers: { 'X-Device-Key': device, 'Idempotency-Key': randomUUID() }, data: { place_id: b },
  });
  expect(saved.status()).toBe(201);
  // what that version left in `yl1.outbox`: save A, un-save B, cancel a request the server never had
  const now = new Date().toISOString();
  const v1 = (id, label, method, path, body, entity) => ({
    id, label, method, path, body, entity, created_at: now, attempts: 1, last_error: '网络不通', next_attempt_at: now, quarantined: false,
  });
  const gone = randomUUID();
  await page.evaluate((items) => {
    localStorage.removeItem('yl1.outbox2');
    localStorage.setItem('yl1.outbox', JSON.stringify(items));
  }, [
    v1(randomUUID(), '收藏 示例 A', 'POST', '/api/v1/favorites', { place_id: a }, `favorite:${a}`),
    v1(randomUUID(), '取消收藏 示例 B', 'DELETE', `/api/v1/favorites/${b}`, null, `favorite:${b}`),
    v1(randomUUID(), '取消申请 示例', 'POST', `/api/v1/requests/${gone}/cancel`, {}, `request:${gone}`),
  ]);
  await page.reload();
  await hydrated(page);
  // both favourite writes went, in order; the cancel the server refuses is set aside, not lost
  await expect.poll(() => serverFavorites(page)).toEqual([a]);
  await expect(page.locator('.aside-flag')).toHaveText('1 条已搁置');
  const kept = await outbox(page);
  expect(kept.map((i) => [i.write, i.quarantined])).toEqual([[{ write: 'cancel_request', id: gone }, true]]);
  expect(await page.evaluate(() => localStorage.getItem('yl1.outbox'))).toBeNull();
  await page.locator('.aside-flag').click();
  await expect(page.locator('.outbox li.quarantined')).toContainText('取消申请 示例');
});

test.describe('desk writes on the tablet', () => {
  test.use(TABLET);

  test('a set-aside tap holds back the later taps of its class; taps on another class still go', async ({ page, context, request, consoleAllow }) => {
    test.setTimeout(90_000);
    consoleAllow.push(/ERR_INTERNET_DISCONNECTED/, /status of 409/);
    // another tablet of the same place, through the API; two classes with known values
    const other = await apiSignIn(request, 'op-tongxin');
    const [place] = await other.get('/api/v1/operator/places');
    const classes = await other.get(`/api/v1/operator/places/${place.id}/classes`);
    const a = classes.find((c) => c.capacity - c.enrolled >= 3);
    const b = classes.find((c) => c !== a && c.capacity - c.enrolled >= 1);
    expect(a && b, 'a class with room for three free places and another with room for one').toBeTruthy();
    for (const [c, to] of [[a, 3], [b, 0]]) {
      const r = await other.post(`/api/v1/operator/classes/${c.class_id}/vacancies`, { from: c.vacancies, to, version: c.version });
      expect(r.status()).toBe(200);
    }
    const classOnServer = async (id) => (await other.get(`/api/v1/operator/places/${place.id}/classes`)).find((c) => c.class_id === id);

    await openDesk(page, 'op-tongxin');
    const rowA = page.locator(`.class-row[data-class-id="${a.class_id}"]`);
    const rowB = page.locator(`.class-row[data-class-id="${b.class_id}"]`);
    await expect(rowA.locator('output.vacancies')).toHaveText('3');
    await expect(rowB.locator('output.vacancies')).toHaveText('0');
    const pathA = `/api/v1/operator/classes/${a.class_id}/vacancies`;
    const pathB = `/api/v1/operator/classes/${b.class_id}/vacancies`;
    // what reached the server (a request made offline has no response)
    const answered = { [pathA]: [], [pathB]: [] };
    page.on('response', (r) => {
      const p = new URL(r.url()).pathname;
      if (r.request().method() === 'POST' && answered[p]) answered[p].push(r.status());
    });

    // offline: two taps on A (3→2, then 2→1 on top of it), one on B (0→1)
    await context.setOffline(true);
    await rowA.getByRole('button', { name: '空位减一' }).click();
    await expect(rowA.locator('output.vacancies')).toHaveText('2');
    await rowA.getByRole('button', { name: '空位减一' }).click();
    await expect(rowA.locator('output.vacancies')).toHaveText('1');
    await rowB.getByRole('button', { name: '空位加一' }).click();
    await expect(rowB.locator('output.vacancies')).toHaveText('1');
    await expect(page.locator('.pending-flag')).toHaveText('3 条待发送');
    // meanwhile the other tablet makes the same 3→2 on A: the first tap is now stale (409),
    // while the second (2→1 at the version after it) would be accepted if it were sent
    const before = await classOnServer(a.class_id);
    const r = await other.post(pathA, { from: 3, to: 2, version: before.version });
    expect(r.status()).toBe(200);
    const moved = await r.json();
    expect(moved.vacancies).toBe(2);

    await context.setOffline(false);
    // B goes; A's first tap is refused and set aside; A's second is not sent
    await expect.poll(() => answered[pathB], { timeout: 20_000 }).toEqual([200]);
    await expect.poll(() => answered[pathA], { timeout: 20_000 }).toEqual([409]);
    await expect(page.locator('.aside-flag')).toHaveText('1 条已搁置');
    await expect(page.locator('.pending-flag')).toHaveText('1 条待发送');
    // one more tap on B (1→0), online: the run of the outbox that sends it passes A's second tap first
    await rowB.getByRole('button', { name: '空位减一' }).click();
    await expect(rowB.locator('output.vacancies')).toHaveText('0');
    await expect.poll(() => answered[pathB], { timeout: 20_000 }).toEqual([200, 200]);
    expect(answered[pathA]).toEqual([409]);
    expect((await classOnServer(b.class_id)).vacancies).toBe(0);
    const serverA = await classOnServer(a.class_id);
    expect([serverA.vacancies, serverA.version]).toEqual([2, moved.version]);
    const kept = (await outbox(page)).filter((i) => i.write.write === 'set_vacancies' && i.write.class_id === a.class_id);
    expect(kept.map((i) => [i.quarantined, i.write.change.from, i.write.change.to])).toEqual([[true, 3, 2], [false, 2, 1]]);
    // the desk shows both values for A
    const conflict = rowA.locator('.conflict');
    await expect(conflict).toContainText('你的值：1');
    await expect(conflict).toContainText('服务器当前：2');

    // /outbox: the refused one 已搁置, the one after it still waiting
    await page.locator('.aside-flag').click();
    await expect(page).toHaveURL(/\/outbox$/);
    const items = page.locator('.outbox li');
    await expect(items).toHaveCount(2);
    await expect(items.nth(0)).toHaveClass(/quarantined/);
    await expect(items.nth(0).locator('.state')).toHaveText('已搁置');
    await expect(items.nth(0).locator('.error')).toContainText('其他设备');
    await expect(items.nth(1).locator('.state')).toHaveText('已保存在本机，待发送');
    expect(answered[pathA]).toEqual([409]);
    expect((await classOnServer(a.class_id)).vacancies).toBe(2);

    // back on the desk the operator keeps the tablet's value: it replaces both held taps
    await page.goto('/operator');
    await hydrated(page);
    await expect(rowA.locator('output.vacancies')).toHaveText('1');
    await expect(rowA.locator('.conflict')).toBeVisible();
    await rowA.locator('.conflict').getByRole('button', { name: /用我的值/ }).click();
    await expect(page.locator('.aside-flag')).toHaveCount(0);
    await expect(page.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
    expect(answered[pathA]).toEqual([409, 200]);
    expect((await classOnServer(a.class_id)).vacancies).toBe(1);
    expect(await outbox(page)).toEqual([]);
  });

  test('a desk tap queued when the session has ended waits for a new sign-in, is not retried, and goes after it', async ({ page, context, consoleAllow }) => {
    test.setTimeout(90_000);
    consoleAllow.push(/ERR_INTERNET_DISCONNECTED/, /status of 401/);
    await openDesk(page, 'op-tongxin');
    const placeId = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.op.places'))[0].id);
    const id = Number(await page.locator('.class-row', { has: page.locator('button[aria-label="空位加一"]:not([disabled])') }).first().getAttribute('data-class-id'));
    const row = page.locator(`.class-row[data-class-id="${id}"]`);
    const value = Number(await row.locator('output.vacancies').textContent());
    const path = `/api/v1/operator/classes/${id}/vacancies`;
    const serverValue = async () => (await (await page.request.get(`/api/v1/places/${placeId}`)).json()).classes.find((c) => c.id === id).vacancies;

    await context.setOffline(true);
    await row.getByRole('button', { name: '空位加一' }).click();
    await expect(row.locator('output.vacancies')).toHaveText(String(value + 1));
    await expect(page.locator('.pending-flag')).toHaveText('1 条待发送');

    // the session ends on the server (signed out elsewhere, or expired) while this page holds it
    const session = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.session')));
    const device = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.device')));
    const out = await context.request.post('/api/v1/auth/logout', {
      headers: { 'X-CSRF-Token': session.csrf_token, 'X-Device-Key': device, 'Idempotency-Key': randomUUID() },
    });
    expect(out.ok(), `logout: ${out.status()}`).toBe(true);
    expect((await context.request.get('/api/v1/auth/me')).status()).toBe(401);

    // from now on: every attempt to send it, and every answer from the server
    const tried = [];
    const sent = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === path) tried.push(r.url());
    });
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && new URL(r.url()).pathname === path) sent.push(r.status());
    });
    await context.setOffline(false);
    await expect.poll(() => sent, { timeout: 20_000 }).toEqual([401]);
    const attempts = async () => (await outbox(page)).map((i) => [i.needs_login, i.quarantined, i.attempts, `/api/v1/operator/classes/${i.write.class_id}/vacancies`]);
    await expect.poll(async () => (await outbox(page))[0]?.needs_login).toBe(true);
    const [[, , tries]] = await attempts();
    await expect(page.locator('.login-flag')).toHaveText('1 条需要重新登录');
    await expect(page.locator('.pending-flag')).toHaveCount(0);
    await page.goto('/outbox');
    await hydrated(page);
    const item = page.locator('.outbox li');
    await expect(item).toHaveCount(1);
    await expect(item.locator('.state')).toHaveText('需要重新登录');
    await expect(item.locator('.error')).toContainText('重新登录后自动发送');
    await expect(page.locator('.login-flag')).toHaveText('1 条需要重新登录');
    // not retried: the outbox runs at every page start, on online, and every 10 s while the
    // page is visible — only letting that period pass can show that no second attempt comes
    await page.waitForTimeout(12_000);
    expect(tried).toHaveLength(1);
    expect(sent).toEqual([401]);
    expect(await attempts()).toEqual([[true, false, tries, path]]);
    expect(await serverValue()).toBe(value);

    // signing in again sends it, with the new session
    await page.locator('.login-flag').click();
    await expect(page).toHaveURL(/\/operator$/);
    await expect(page.locator('.login-note')).toHaveText('有 1 条修改需要重新登录：登录后自动发送。');
    await page.getByLabel('用户名').fill('op-tongxin');
    await page.getByLabel('密码').fill('yilao-sample-2026');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('heading', { name: '机构工作台' })).toBeVisible();
    await expect.poll(() => sent, { timeout: 20_000 }).toEqual([401, 200]);
    expect(tried).toHaveLength(2);
    await expect(page.locator('.login-flag')).toHaveCount(0);
    await expect(page.locator('.pending-flag')).toHaveCount(0);
    expect(await outbox(page)).toEqual([]);
    expect(await serverValue()).toBe(value + 1);
  });
});
