// A tablet shared by a front desk: signing out takes the account's caches and its unsent
// writes with it (after asking), and a queued desk write is only ever sent with the session
// of the account that made it. The outbox waits as long as the server's Retry-After says.
import { test, expect, hydrated, openDesk, apiSignIn } from './helpers.mjs';

const TABLET = { viewport: { width: 1024, height: 768 }, isMobile: false, hasTouch: true, locale: 'zh-CN' };
const outbox = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('yl1.outbox2')) ?? []);
const accountKeys = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('yl1.op.') || k.startsWith('yl1.carer.')));

test.describe('sign-out on a shared tablet', () => {
  test.use(TABLET);

  test('unsent writes: 放弃并退出 drops them, 发送后再退出 sends them first; the account leaves nothing behind', async ({ page, context, request, consoleAllow }) => {
    test.setTimeout(90_000);
    // (the desk reloads its lists when the last write is delivered; signing out right then
    // can make those reloads arrive after the session ended: 401, and nothing is shown)
    consoleAllow.push(/ERR_INTERNET_DISCONNECTED/, /status of 401/);
    const api = await apiSignIn(request, 'op-tongxin');
    const [place] = await api.get('/api/v1/operator/places');
    const classOnServer = async (id) => (await api.get(`/api/v1/operator/places/${place.id}/classes`)).find((c) => c.class_id === id);
    // a class with room for two more free places (one more 托位 pair, through the API)
    const first = (await api.get(`/api/v1/operator/places/${place.id}/classes`))[0];
    const put = await api.put(`/api/v1/operator/classes/${first.class_id}`,
      { version: first.version, capacity: first.enrolled + first.vacancies + 2, enrolled: first.enrolled, vacancies: first.vacancies });
    expect(put.status()).toBe(200);
    const c = await classOnServer(first.class_id);
    expect(c.capacity - c.enrolled - c.vacancies).toBe(2);
    const path = `/api/v1/operator/classes/${c.class_id}/vacancies`;
    // what reached the server (a try made offline gets no response)
    const posted = [];
    page.on('response', (r) => { if (r.request().method() === 'POST' && new URL(r.url()).pathname === path) posted.push(r.status()); });

    await openDesk(page, 'op-tongxin');
    expect((await accountKeys(page)).length).toBeGreaterThan(0);
    const row = page.locator(`.class-row[data-class-id="${c.class_id}"]`);
    await context.setOffline(true);
    await row.getByRole('button', { name: '空位加一' }).click();
    await expect(page.locator('.pending-flag')).toHaveText('1 条待发送');
    // 退出登录 asks first
    await page.getByRole('button', { name: '退出登录' }).click();
    const ask = page.getByRole('alertdialog');
    await expect(ask).toContainText('还有 1 条未发送');
    await ask.getByRole('button', { name: '发送后再退出' }).click();
    await expect(ask).toContainText('没有网络');
    await ask.getByRole('button', { name: '放弃并退出' }).click();
    await expect(page.getByRole('button', { name: '登录', exact: true })).toBeVisible();
    expect(await outbox(page)).toEqual([]);
    expect(await accountKeys(page)).toEqual([]);
    await context.setOffline(false);
    await page.waitForLoadState('networkidle');
    expect(posted).toEqual([]);
    expect((await classOnServer(c.class_id)).vacancies).toBe(c.vacancies);

    // again: this time 发送后再退出, offline first, then the network comes back
    await page.getByLabel('用户名').fill('op-tongxin');
    await page.getByLabel('密码').fill('yilao-sample-2026');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expect(row).toBeVisible();
    await context.setOffline(true);
    await row.getByRole('button', { name: '空位加一' }).click();
    await page.getByRole('button', { name: '退出登录' }).click();
    await ask.getByRole('button', { name: '发送后再退出' }).click();
    await expect(page.locator('.class-row').first()).toBeVisible(); // still signed in while it waits
    await context.setOffline(false);
    await expect(page.getByRole('button', { name: '登录', exact: true })).toBeVisible({ timeout: 20_000 });
    expect(posted).toEqual([200]);
    expect((await classOnServer(c.class_id)).vacancies).toBe(c.vacancies + 1);
    expect(await outbox(page)).toEqual([]);
    expect(await accountKeys(page)).toEqual([]);
  });

  test("a write queued under one account is never sent under the next account's session", async ({ page, context, request, consoleAllow }) => {
    test.setTimeout(90_000);
    consoleAllow.push(/ERR_INTERNET_DISCONNECTED/, /status of 401/);
    const api = await apiSignIn(request, 'op-tongxin');
    const [place] = await api.get('/api/v1/operator/places');
    const c = (await api.get(`/api/v1/operator/places/${place.id}/classes`)).find((x) => x.capacity - x.enrolled - x.vacancies >= 1);
    const path = `/api/v1/operator/classes/${c.class_id}/vacancies`;
    const answers = [];
    page.on('response', (r) => { if (r.request().method() === 'POST' && new URL(r.url()).pathname === path) answers.push(r.status()); });

    await openDesk(page, 'op-tongxin');
    await context.setOffline(true);
    const row = page.locator(`.class-row[data-class-id="${c.class_id}"]`);
    await row.getByRole('button', { name: '空位加一' }).click();
    const [queued] = await outbox(page);
    expect(queued.account.username).toBe('op-tongxin');
    // the session ends on the server while the tablet is offline (expired, or ended elsewhere)
    const csrf = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.session')).csrf_token);
    const out = await page.context().request.post('/api/v1/auth/logout', { headers: { 'X-CSRF-Token': csrf } });
    expect(out.status()).toBe(204);
    await context.setOffline(false);
    await expect.poll(() => answers, { timeout: 20_000 }).toEqual([401]);
    // the next person signs in on the same tablet: tongxin's tap waits for tongxin
    await page.goto('/operator');
    await hydrated(page);
    await expect(page.locator('.login-note')).toHaveText('有 1 条修改需要重新登录：登录后自动发送。');
    await page.getByLabel('用户名').fill('op-jiacheng');
    await page.getByLabel('密码').fill('yilao-sample-2026');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expect(page.locator('.class-row').first()).toBeVisible();
    await expect(page.locator('.desk-head')).toContainText('嘉城');
    await page.goto('/outbox');
    await hydrated(page);
    await expect(page.locator('.outbox li .state')).toHaveText('等待 op-tongxin 登录后发送');
    await page.getByRole('button', { name: '立即发送' }).click();
    await page.waitForTimeout(1_000);
    expect(answers).toEqual([401]);
    expect((await api.get(`/api/v1/operator/places/${place.id}/classes`)).find((x) => x.class_id === c.class_id).vacancies).toBe(c.vacancies);
    // jiacheng signs out (nothing of theirs is queued: no question); tongxin signs in: sent
    await page.goto('/operator');
    await hydrated(page);
    await page.getByRole('button', { name: '退出登录' }).click();
    await expect(page.getByRole('button', { name: '登录', exact: true })).toBeVisible();
    await page.getByLabel('用户名').fill('op-tongxin');
    await page.getByLabel('密码').fill('yilao-sample-2026');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expect.poll(() => answers, { timeout: 20_000 }).toEqual([401, 200]);
    expect((await api.get(`/api/v1/operator/places/${place.id}/classes`)).find((x) => x.class_id === c.class_id).vacancies).toBe(c.vacancies + 1);
  });
});

test('a busy server (503 + Retry-After) is not asked again before the time it gave', async ({ page, consoleAllow }) => {
  consoleAllow.push(/status of 503/);
  const r = await (await page.request.get('/api/v1/places?area=wuxi-xinwu-wangzhuang&limit=1')).json();
  const id = r.places[0].id;
  const tries = [];
  // the server's own busy answer, given once (the pool-exhaustion path itself is tested in Rust)
  await page.route('**/api/v1/favorites', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    tries.push(Date.now());
    if (tries.length === 1) {
      return route.fulfill({ status: 503, headers: { 'Retry-After': '6' }, contentType: 'application/json',
        body: JSON.stringify({ error: 'unavailable', message: '服务器正忙，请稍后再试（已保存的操作会自动重发）', fields: [] }) });
    }
    return route.continue();
  });
  await page.goto(`/places/${id}`);
  await hydrated(page);
  await page.getByRole('button', { name: '☆ 收藏' }).click();
  await expect.poll(() => tries.length).toBe(1);
  await expect(page.locator('.pending-flag')).toHaveText('1 条待发送');
  await expect.poll(() => tries.length, { timeout: 20_000 }).toBe(2);
  expect(tries[1] - tries[0]).toBeGreaterThanOrEqual(6_000);
  await expect(page.locator('.pending-flag')).toHaveCount(0);
});
