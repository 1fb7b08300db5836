// The front desk's tablet: sign in, tap −1, parents see it; offline taps arrive
// exactly once each; two tablets editing the same class offline → conflict screen.
import { test, expect, openDesk } from './helpers.mjs';

const TABLET = { viewport: { width: 1024, height: 768 }, isMobile: false, hasTouch: true, locale: 'zh-CN' };
/** The first class with room for three free places (托位 − 在托 ≥ 3). */
async function firstClass(page) {
  const rows = page.locator('.class-row');
  for (const row of await rows.all()) {
    const [cap, enrolled] = (await row.locator('.counts').textContent()).match(/\d+/g).map(Number);
    if (cap - enrolled >= 3) {
      return { row, id: Number(await row.getAttribute('data-class-id')), value: Number(await row.locator('output.vacancies').textContent()) };
    }
  }
  throw new Error('no class with room');
}

/** Raises the class to at least three free places (sample classes are often full). */
async function ensureRoom(page) {
  const { row, value } = await firstClass(page);
  for (let v = value; v < 3; v++) {
    await row.getByRole('button', { name: '空位加一' }).click();
    await expect(row.locator('output.vacancies')).toHaveText(String(v + 1));
  }
  await expect(page.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
}

test.describe('operator tablet', () => {
  test.use(TABLET);

  test('sign in, tap −1, and a parent sees it on the place page (time measured)', async ({ page, browser }) => {
    await openDesk(page, 'op-tongxin');
    await ensureRoom(page);
    const { row, id, value } = await firstClass(page);
    const placeId = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.op.places'))[0].id);
    const parent = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const pp = await parent.newPage();
    const t0 = Date.now();
    await row.getByRole('button', { name: '空位减一' }).click();
    await expect(row.locator('output.vacancies')).toHaveText(String(value - 1));
    let seen = 0;
    let c = null;
    // The API first, then the page: a page rendered before the write committed and an API read
    // after it would disagree (the race this test once lost).
    await expect
      .poll(async () => {
        const api = await (await pp.request.get(`/api/v1/places/${placeId}`)).json();
        c = api.classes.find((x) => x.id === id);
        seen = Date.now() - t0;
        return c.vacancies;
      }, { timeout: 15_000, intervals: [100, 200, 300] })
      .toBe(value - 1);
    await pp.goto(`/places/${placeId}`);
    // the parent's row of that class: the new figure, confirmed at the server's time of the tap
    const tr = pp.locator(`table.classes tbody tr[data-age-band="${c.age_band}"][data-care-mode="${c.care_mode}"]`);
    await expect(tr.locator('td.vac strong')).toHaveText(String(value - 1));
    await expect(tr.locator('.confirmed')).toHaveText('刚刚确认');
    expect(Date.parse(await tr.locator('.confirmed').getAttribute('title'))).toBe(Date.parse(c.confirmed_at));
    console.log(`MEASURE operator tap → visible on a parent's page: ${seen} ms`);
    await parent.close();
  });

  test('offline: three taps are kept and arrive exactly once each', async ({ page, context }) => {
    page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
    await openDesk(page, 'op-feiqitu');
    await ensureRoom(page);
    const { row, id, value } = await firstClass(page);
    await context.setOffline(true);
    for (let i = 1; i <= 3; i++) {
      await row.getByRole('button', { name: '空位减一' }).click();
      await expect(row.locator('output.vacancies')).toHaveText(String(value - i));
    }
    await expect(page.locator('.pending-flag')).toHaveText('3 条待发送');
    await expect(row.locator('.pending-tag')).toBeVisible();
    await context.setOffline(false);
    await expect(page.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
    const placeId = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.op.places'))[0].id);
    const audit = await (await page.request.get(`/api/v1/operator/places/${placeId}/audit`)).json();
    const mine = audit.filter((a) => a.class_id === id && a.action === 'vacancy_set').slice(0, 3);
    expect(mine.map((a) => [a.detail.from, a.detail.to])).toEqual([[value - 2, value - 3], [value - 1, value - 2], [value, value - 1]]);
    const api = await (await page.request.get(`/api/v1/places/${placeId}`)).json();
    expect(api.classes.find((c) => c.id === id).vacancies).toBe(value - 3);
  });

  test('two tablets edit the same class offline: the second to sync sees both values and chooses', async ({ browser, consoleAllow }) => {
    // both tablets go offline; the second's stale write is refused with 409 (then resolved)
    consoleAllow.push(/ERR_INTERNET_DISCONNECTED/, /status of 409/);
    const a = await browser.newContext(TABLET);
    const b = await browser.newContext(TABLET);
    const pa = await a.newPage();
    const pb = await b.newPage();
    await openDesk(pa, 'op-libao');
    await ensureRoom(pa);
    await openDesk(pb, 'op-libao');
    const ra = await firstClass(pa);
    const rb = await firstClass(pb);
    expect(rb.value).toBe(ra.value);
    await a.setOffline(true);
    await b.setOffline(true);
    await ra.row.getByRole('button', { name: '空位减一' }).click();
    await rb.row.getByRole('button', { name: '空位减一' }).click();
    await rb.row.getByRole('button', { name: '空位减一' }).click();
    await a.setOffline(false);
    await expect(pa.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
    await b.setOffline(false);
    expect(rb.id).toBe(ra.id);
    const conflict = pb.locator(`.class-row[data-class-id="${rb.id}"] .conflict`);
    await expect(conflict).toBeVisible({ timeout: 15_000 });
    await expect(conflict).toContainText(`你的值：${rb.value - 2}`);
    await expect(conflict).toContainText(`服务器当前：${ra.value - 1}`);
    await conflict.getByRole('button', { name: /用我的值/ }).click();
    await expect(pb.locator('.aside-flag')).toHaveCount(0);
    await expect(pb.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
    const placeId = await pb.evaluate(() => JSON.parse(localStorage.getItem('yl1.op.places'))[0].id);
    const audit = await (await pb.request.get(`/api/v1/operator/places/${placeId}/audit`)).json();
    expect(audit[0].detail.resolution).toBe('kept_mine');
    expect(audit[0].class_id).toBe(rb.id);
    expect([audit[0].detail.from, audit[0].detail.to]).toEqual([ra.value - 1, rb.value - 2]);
    // the chosen value is the server's: for parents and on the operator API
    const pub = await (await pb.request.get(`/api/v1/places/${placeId}`)).json();
    expect(pub.classes.find((c) => c.id === rb.id).vacancies).toBe(rb.value - 2);
    const opClasses = await (await pb.request.get(`/api/v1/operator/places/${placeId}/classes`)).json();
    expect(opClasses.find((c) => c.class_id === rb.id).vacancies).toBe(rb.value - 2);
    // and the desk's 修改记录 shows it
    await expect(pb.locator('.audit li').first()).toContainText('冲突：采用本机的值');
    // both desks show it: the one that chose, and the other after it reads the server again
    await expect(pb.locator(`.class-row[data-class-id="${rb.id}"] output.vacancies`)).toHaveText(String(rb.value - 2));
    await expect(pb.locator(`.class-row[data-class-id="${rb.id}"] .conflict`)).toHaveCount(0);
    await pa.reload();
    await expect(pa.locator(`.class-row[data-class-id="${ra.id}"] output.vacancies`)).toHaveText(String(rb.value - 2));
    await a.close();
    await b.close();
  });
});
