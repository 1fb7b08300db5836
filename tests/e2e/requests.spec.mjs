// Parents ask a place: a visit booked offline reaches the operator, who accepts it;
// an application goes to the waitlist with its position; a cancel frees the timeslot.
import { test, expect, hydrated, openDesk, birthMonthFor, uniquePhone } from './helpers.mjs';

const TABLET = { viewport: { width: 1024, height: 768 }, isMobile: false, hasTouch: true, locale: 'zh-CN' };

/** The operator's first place id, from a signed-in desk. */
const deskPlace = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('yl1.op.places'))[0].id);

async function fillContact(page, phone) {
  await page.getByLabel('联系人称呼').fill('王女士');
  await page.getByLabel('手机号', { exact: true }).fill(phone);
  await page.locator('input[name="consent"]').check();
}

/** Booked count of one opening, from the API. */
async function booked(request, placeId, slotId, date) {
  const r = await (await request.get(`/api/v1/places/${placeId}/timeslots`)).json();
  return r.openings.find((o) => o.timeslot_id === slotId && o.date === date)?.booked;
}

test('a visit booked offline shows 已保存待发送, is sent when back online, and the operator accepts it', async ({ page, context, browser }, testInfo) => {
  const phone = uniquePhone(testInfo);
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  const desk = await browser.newContext(TABLET);
  const op = await desk.newPage();
  await openDesk(op, 'op-tongxin');
  const placeId = await deskPlace(op);

  // the parent opens the place online once (its page and timeslots are kept), then loses signal
  await page.goto(`/places/${placeId}`);
  await hydrated(page);
  await expect(page.getByRole('link', { name: '预约参观' })).toBeVisible();
  await expect.poll(() => page.evaluate((k) => localStorage.getItem(k) !== null, `yl1.timeslots.${placeId}`)).toBe(true);
  await context.setOffline(true);
  await page.getByRole('link', { name: '预约参观' }).click();
  await expect(page.getByRole('heading', { name: /预约参观/ })).toBeVisible();
  await expect(page.locator('.cached-note')).toContainText('离线');
  // consent is required, and says so
  const timeslot = page.locator('label.timeslot:not(.full) input').first();
  await timeslot.check();
  await page.getByLabel('联系人称呼').fill('王女士');
  await page.getByLabel('手机号', { exact: true }).fill('0510-1234');
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('[data-field="contact_phone"]')).toContainText('手机号');
  await expect(page.locator('[data-field="consents.contact"]')).toContainText('同意');
  await fillContact(page, phone);
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page).toHaveURL(/\/requests$/);
  const row = page.locator('.requests li').first();
  await expect(row.locator('.status')).toHaveText('已保存待发送');
  await expect(page.locator('.pending-flag')).toHaveText('1 条待发送');

  await context.setOffline(false);
  await expect(row.locator('.status')).toHaveText('已提交', { timeout: 15_000 });
  const id = await row.getAttribute('data-request-id');

  // the operator's inbox has it, new, with the phone masked; accepting is one tap
  await op.reload();
  await hydrated(op);
  const item = op.locator(`.inbox-item[data-request-id="${id}"]`);
  await expect(item).toBeVisible({ timeout: 15_000 });
  await expect(item).toHaveClass(/new/);
  await expect(item.locator('.masked')).toHaveText(`${phone.slice(0, 3)}****${phone.slice(7)}`);
  await item.getByLabel('给家长的留言').fill('请带上孩子的疫苗本');
  await item.getByRole('button', { name: '接受' }).click();
  await expect(op.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
  // after accepting, the full number can be shown (and the server logs that)
  await op.locator(`.inbox-item[data-request-id="${id}"]`).getByRole('button', { name: /显示完整手机号/ }).click();
  await expect(op.locator(`.inbox-item[data-request-id="${id}"] a.phone`)).toHaveText(phone);

  // the parent's next sync shows 已确认 and the message
  await page.reload();
  await hydrated(page);
  await expect(page.locator(`.requests li[data-request-id="${id}"] .status`)).toHaveText('已确认', { timeout: 15_000 });
  await expect(page.locator(`.requests li[data-request-id="${id}"] .answer`)).toHaveText('机构回复：请带上孩子的疫苗本');
  await desk.close();
});

test('an application goes to the waitlist and the parent sees the position', async ({ page, browser }, testInfo) => {
  // a number of its own: one number holds at most 2 open applications per place
  const desk = await browser.newContext(TABLET);
  const op = await desk.newPage();
  await openDesk(op, 'op-feiqitu');
  const placeId = await deskPlace(op);
  const place = await (await page.request.get(`/api/v1/places/${placeId}`)).json();
  const toddler = place.classes.find((c) => c.age_band === 'toddler');

  await page.goto(`/places/${placeId}/ask?kind=application`);
  await hydrated(page);
  await page.getByLabel('孩子的出生年月', { exact: true }).fill(birthMonthFor(40));
  await page.getByLabel('希望入托的月份').fill(birthMonthFor(-1));
  await page.getByLabel('班级与托育形式').selectOption(String(toddler.id));
  await page.getByLabel('单亲家庭').check();
  await fillContact(page, uniquePhone(testInfo));
  await page.getByRole('button', { name: '提交' }).click();
  // a child of 41 months next month does not fit 托小班: the reason is named
  await expect(page.locator('[data-field="child_birth_month"]')).toContainText('托小班只收');
  // the child's data and grounds have their own consent, naming the place
  await expect(page.locator('[data-field="consents.child_data"]')).toContainText('单独同意');
  await expect(page.locator('label.consent', { has: page.locator('input[name="consent_child"]') })).toContainText(place.name);
  await page.locator('input[name="consent_child"]').check();
  await page.getByLabel('孩子的出生年月', { exact: true }).fill(birthMonthFor(17));
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page).toHaveURL(/\/requests$/);
  const row = page.locator('.requests li').first();
  await expect(row.locator('.status')).toHaveText('已提交', { timeout: 15_000 });
  const id = await row.getAttribute('data-request-id');

  await op.reload();
  await hydrated(op);
  const item = op.locator(`.inbox-item[data-request-id="${id}"]`);
  await expect(item).toContainText('申报优先情形（待核实）：单亲家庭');
  await item.getByRole('button', { name: '列入候补' }).click();
  await expect(op.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
  await expect(op.locator(`.inbox-item[data-request-id="${id}"] .state`)).toHaveText(/候补第 \d+ 位/);

  await page.reload();
  await hydrated(page);
  await expect(page.locator(`.requests li[data-request-id="${id}"] .status`)).toHaveText(/候补第 \d+ 位/, { timeout: 15_000 });
  await desk.close();
});

test('the parent cancels a visit and the timeslot frees', async ({ page }) => {
  const places = await (await page.request.get('/api/v1/places?area=wuxi-xinwu&radius_m=20000')).json();
  const placeId = places.places[0].id;
  await page.goto(`/places/${placeId}/ask?kind=visit`);
  await hydrated(page);
  const input = page.locator('label.timeslot:not(.full) input').first();
  const [slotId, date] = (await input.getAttribute('value')).split('|');
  const before = await booked(page.request, placeId, Number(slotId), date);
  expect(before, `opening ${slotId} on ${date} in the API`).toEqual(expect.any(Number));
  await input.check();
  await fillContact(page, '13612345678');
  await page.getByRole('button', { name: '提交' }).click();
  const row = page.locator('.requests li').first();
  await expect(row.locator('.status')).toHaveText('已提交', { timeout: 15_000 });
  expect(await booked(page.request, placeId, Number(slotId), date)).toBe(before + 1);
  await row.getByRole('button', { name: '取消' }).click();
  await expect(row.locator('.status')).toHaveText('已取消', { timeout: 15_000 });
  expect(await booked(page.request, placeId, Number(slotId), date)).toBe(before);
});
