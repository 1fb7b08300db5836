// The desk's forms on a tablet (landscape and portrait): a class's 托位/在托/空位,
// a new class in a care mode, and the place's hours, phone and fees — each checked
// with field messages, kept on the tablet offline, and delivered once.
import { test, expect, openDesk } from './helpers.mjs';

const LANDSCAPE = { viewport: { width: 1024, height: 768 }, isMobile: false, hasTouch: true, locale: 'zh-CN' };
const PORTRAIT = { viewport: { width: 768, height: 1024 }, isMobile: false, hasTouch: true, locale: 'zh-CN' };

const placeId = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('yl1.op.places'))[0].id);

test.describe('portrait tablet', () => {
  test.use(PORTRAIT);

  test('the desk fits a tablet held upright, with large targets', async ({ page }) => {
    await openDesk(page, 'op-jiacheng');
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(fits).toBe(true);
    // places above the classes (one column), classes side by side
    const nav = await page.locator('.desk-places').boundingBox();
    const first = await page.locator('.class-row').first().boundingBox();
    expect(nav.y + nav.height).toBeLessThanOrEqual(first.y + 1);
    // every visible target: each class row's −/+, 确认无变化 and 改托位/在托, the place picks, 退出登录
    const rows = await page.locator('.class-row').count();
    const targets = page.locator('.class-row button:visible, .place-pick:visible, .logout:visible');
    expect(await targets.count()).toBeGreaterThanOrEqual(rows * 4 + 2);
    for (const b of await targets.all()) {
      const box = await b.boundingBox();
      expect(box, await b.textContent()).not.toBeNull();
      expect(box.height, await b.textContent()).toBeGreaterThanOrEqual(48);
    }
    // every class row names its care mode
    const modes = await page.locator('.class-row').evaluateAll((rows) => rows.map((r) => r.dataset.careMode));
    expect(modes.length).toBeGreaterThan(0);
    expect(modes.every((m) => ['full_day', 'half_day', 'hourly', 'occasional'].includes(m)), modes.join()).toBe(true);
    await expect(page.locator('.class-row .mode').first()).toHaveText(/全日托|半日托|计时托|临时托/);
  });
});

test.describe('desk forms', () => {
  test.use(LANDSCAPE);

  test('class figures: a bad value is named, a good one is kept offline and arrives once', async ({ page, context }) => {
    page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
    await openDesk(page, 'op-jiacheng');
    const row = page.locator('.class-row').first();
    const id = Number(await row.getAttribute('data-class-id'));
    const [cap, enrolled] = (await row.locator('.counts').textContent()).match(/\d+/g).map(Number);
    // class edits recorded before this one (another test may have edited this class)
    const edits = async () => (await (await page.request.get(`/api/v1/operator/places/${await placeId(page)}/audit`)).json())
      .filter((a) => a.class_id === id && a.action === 'class_edit');
    const earlier = (await edits()).map((a) => a.id);
    await row.getByRole('button', { name: '改托位/在托' }).click();
    const form = row.locator('form.figures');
    await form.getByLabel('在托').fill(String(cap + 1));
    await form.getByRole('button', { name: '保存' }).click();
    await expect(form.locator('[data-field="enrolled"]')).toHaveText('在托人数不能超过托位数');
    await expect(page.locator('.pending-flag')).toHaveCount(0);
    // one more place, one more child, two free places — offline
    await context.setOffline(true);
    await form.getByLabel('托位').fill(String(cap + 1));
    await form.getByLabel('在托').fill(String(enrolled + 1));
    await form.getByLabel('空位').fill('0');
    await form.getByRole('button', { name: '保存' }).click();
    await expect(row.locator('.counts')).toHaveText(`托位 ${cap + 1} · 在托 ${enrolled + 1}`);
    await expect(row.locator('output.vacancies')).toHaveText('0');
    await expect(row.locator('.pending-tag')).toHaveText('已保存在本机，待发送');
    await expect(page.locator('.pending-flag')).toHaveText('1 条待发送');
    await context.setOffline(false);
    await expect(page.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
    const pid = await placeId(page);
    const api = await (await page.request.get(`/api/v1/places/${pid}`)).json();
    const c = api.classes.find((x) => x.id === id);
    expect([c.capacity, c.enrolled, c.vacancies]).toEqual([cap + 1, enrolled + 1, 0]);
    const mine = (await edits()).filter((a) => !earlier.includes(a.id));
    expect(mine).toHaveLength(1);
    expect([mine[0].detail.after.capacity, mine[0].detail.after.enrolled, mine[0].detail.after.vacancies]).toEqual([cap + 1, enrolled + 1, 0]);
    await expect(page.locator('.audit li').first()).toContainText(`托位 ${cap + 1} · 在托 ${enrolled + 1} · 空位 0`);
  });

  test('a new class in a care mode the place offers', async ({ page, browser }) => {
    await openDesk(page, 'op-jiacheng');
    const taken = await page.locator('.class-row').evaluateAll((rows) => rows.map((r) => `${r.dataset.ageBand}/${r.dataset.careMode}`));
    await page.getByText('新增班级（班级 × 托育形式）').click();
    const form = page.locator('form.add-class');
    const modes = await form.locator('select[name="care_mode"] option').evaluateAll((o) => o.map((x) => x.value));
    expect(modes.length).toBeGreaterThan(0);
    const bands = ['infant', 'toddler', 'preschool', 'mixed'];
    const free = modes.flatMap((m) => bands.map((b) => [b, m])).find(([b, m]) => !taken.includes(`${b}/${m}`));
    // an existing class × mode is named as such
    const [tb, tm] = taken[0].split('/');
    await form.locator('select[name="age_band"]').selectOption(tb);
    await form.locator('select[name="care_mode"]').selectOption(tm);
    await form.getByLabel('托位').fill('6');
    await form.getByLabel('空位').fill('9');
    await form.getByRole('button', { name: '新增班级' }).click();
    await expect(form.locator('[data-field="age_band"]')).toContainText('已经有了');
    await expect(form.locator('[data-field="vacancies"]')).toContainText('空位不能超过');
    // a free combination
    await form.locator('select[name="age_band"]').selectOption(free[0]);
    await form.locator('select[name="care_mode"]').selectOption(free[1]);
    await form.getByLabel('托位').fill('6');
    await form.getByLabel('在托').fill('2');
    await form.getByLabel('空位').fill('3');
    await form.getByRole('button', { name: '新增班级' }).click();
    const added = page.locator(`.class-row[data-age-band="${free[0]}"][data-care-mode="${free[1]}"]`);
    await expect(added).toBeVisible({ timeout: 15_000 });
    await expect(added.locator('output.vacancies')).toHaveText('3');
    await expect(page.locator('.new-class')).toHaveCount(0);
    // parents see it on the place page, with its care mode
    const parent = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const pp = await parent.newPage();
    await pp.goto(`/places/${await placeId(page)}`);
    await expect(pp.locator(`tr[data-age-band="${free[0]}"][data-care-mode="${free[1]}"] td.vac strong`)).toHaveText('3');
    await parent.close();
  });

  test('place facts: field messages, then the edit reaches parents', async ({ page, context, browser }) => {
    page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
    await openDesk(page, 'op-jiacheng');
    await page.getByText('机构信息：开放时间、电话、托育形式与收费').click();
    const form = page.locator('form.place-edit');
    await expect(form.getByLabel('开放时间')).not.toHaveValue('');
    await form.getByLabel('开放时间').fill('');
    await form.getByLabel('咨询电话').fill('12345');
    await form.getByRole('button', { name: '保存机构信息' }).click();
    await expect(form.locator('[data-field="opening_hours"]')).toContainText('开放时间不能为空');
    await expect(form.locator('[data-field="phone"]')).toContainText('电话号码格式不正确');
    await form.getByLabel('开放时间').fill('周一至周六 07:30–18:30（示例）');
    await form.getByLabel('咨询电话').fill('0510-85551234');
    await context.setOffline(true);
    await form.getByRole('button', { name: '保存机构信息' }).click();
    await expect(form.locator('.pending-tag')).toHaveText('已保存在本机，待发送');
    await expect(form.locator('.field-error')).toHaveCount(0);
    await context.setOffline(false);
    await expect(page.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
    await expect(form.locator('.sent-tag')).toBeVisible();
    const parent = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const pp = await parent.newPage();
    await pp.goto(`/places/${await placeId(page)}`);
    await expect(pp.locator('.hours')).toHaveText('开放时间：周一至周六 07:30–18:30（示例）');
    await expect(pp.getByRole('link', { name: /0510-85551234/ })).toBeVisible();
    await parent.close();
    await expect(page.locator('.audit li').first()).toContainText('修改机构信息');
  });
});
