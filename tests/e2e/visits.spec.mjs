// After ordering: a family moves a visit to another time with the network cut (改期), and
// the weekly 探访 an 82-year-old living alone now gets — the provider records a phone visit
// on the desk and the family sees it in the visit log.
import { test, expect, hydrated, signIn, saveProfile, uniquePhone, beijingMinutes, anyOf } from './helpers.mjs';

test.use({ permissions: ['geolocation'], geolocation: { latitude: 31.5770, longitude: 120.3535 } });

/** Orders 助浴 at the 旺庄 station online and returns the order's id from 我的订单. */
async function orderBath(page) {
  await page.goto('/care/item/bathing');
  await hydrated(page);
  await page.locator('.provider', { hasText: '旺庄街道居家养老服务站' }).getByRole('link', { name: '预约上门' }).click();
  await expect(page.locator('label.timeslot:not(.full) input').first()).toBeVisible();
  await page.locator('label.timeslot:not(.full) input').nth(3).check();
  await page.locator('input[name="consent"]').check();
  // an 82-year-old living alone: the weekly 探访 is asked for separately
  await page.locator('input[name="consent_weekly"]').check();
  await page.getByRole('button', { name: '确认下单' }).click();
  await expect(page).toHaveURL(/\/care\/orders$/);
  const row = page.locator('.orders li').first();
  await expect(row.locator('.status')).toHaveText('已提交', { timeout: 15_000 });
  return { row, id: await row.getAttribute('data-order-id'), when: await row.locator('.detail').innerText() };
}

test('a family moves a visit to another time offline; it is sent when the network returns', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  await saveProfile(page, '周爷爷', '13812345601');
  const { row, id, when } = await orderBath(page);
  await row.getByRole('link', { name: '改期' }).click();
  await expect(page.getByRole('heading', { name: '改期：助浴' })).toBeVisible();
  await expect(page.locator('label.timeslot:not(.full) input').first()).toBeVisible();
  await context.setOffline(true);
  // the old time is refused by name
  await page.getByRole('button', { name: '确认改期' }).click();
  await expect(page.locator('[data-field="timeslot"]')).toContainText('请选择新的时段');
  await page.locator('label.timeslot:not(.full) input').nth(5).check();
  await page.getByRole('button', { name: '确认改期' }).click();
  await expect(page).toHaveURL(/\/care\/orders$/);
  const moved = page.locator(`.orders li[data-order-id="${id}"]`);
  await expect(moved.locator('.status')).toHaveText('改期已保存在本机，待发送');
  const newWhen = await moved.locator('.detail').innerText();
  expect(newWhen).not.toEqual(when);
  await context.setOffline(false);
  await expect(moved.locator('.status')).toHaveText('已提交', { timeout: 15_000 });
  await page.reload();
  await hydrated(page);
  await expect(page.locator(`.orders li[data-order-id="${id}"] .detail`)).toHaveText(newWhen, { timeout: 15_000 });
  await expect(page.locator(`.orders li[data-order-id="${id}"]`)).toContainText('家属已改期，请重新确认');
});

test('the weekly 探访 an 82-year-old living alone gets: the provider records it, the family sees it', async ({ page, browser }, testInfo) => {
  // a number of its own (deterministic, and another for a repetition or retry), so that the
  // desk's list is searched for this person and not for one an earlier test made
  const phone = uniquePhone(testInfo);
  await saveProfile(page, '吴奶奶', phone);
  await orderBath(page);
  await expect(page.locator('.welfare-log')).toContainText('吴奶奶', { timeout: 15_000 });
  await expect(page.locator('.welfare-log')).toContainText('82 岁独居');
  await expect(page.locator('.welfare-log .week').first()).toContainText('本周待探访');
  const responsible = (await page.locator('.welfare-log .plan').first().innerText()).match(/由「(.+?)」负责/)[1];

  const desk = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true, locale: 'zh-CN' });
  const op = await desk.newPage();
  await signIn(op, 'op-xinwu-yanglao');
  await expect(op.getByRole('heading', { name: '每周探访' })).toBeVisible();
  // the plan belongs to the provider nearest the address that offers 探访, named in the family's log
  const provider = op.locator('.provider-picks button', { hasText: responsible });
  await expect(provider).toHaveCount(1);
  await provider.click();
  const item = op.locator('.welfare', { hasText: phone });
  await expect(item).toBeVisible({ timeout: 15_000 });
  await expect(item).toContainText('本周待探访');
  await item.getByLabel('方式').selectOption('phone');
  await item.getByLabel('记录').fill('电话问候，身体不错（示例）');
  const recordFrom = Date.now();
  await item.getByRole('button', { name: '记录探访' }).click();
  await expect(op.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
  const recordedAt = anyOf(beijingMinutes(recordFrom, Date.now()));
  await expect(op.locator('.welfare', { hasText: phone }).locator('.state')).toContainText('已探访（电话探访');
  await desk.close();

  await page.reload();
  await hydrated(page);
  await expect(page.locator('.welfare-log .week').first()).toContainText(/已探访（电话探访 · \d+月\d+日 \d\d:\d\d） 电话问候，身体不错（示例）/, { timeout: 15_000 });
  // when it was recorded, in Beijing (the server renders this page, in whatever zone it runs)
  await expect(page.locator('.welfare-log .week').first()).toContainText(new RegExp(`已探访（电话探访 · (${recordedAt})） 电话问候`));
});
