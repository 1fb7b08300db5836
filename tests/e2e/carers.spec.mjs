// A provider keeps its 养老护理员 on the tablet: an expired certificate is refused, a new carer
// added offline waits on the tablet and is sent when the network returns, is assigned a
// family's order, and another carer is switched off.
import { test, expect, signIn, beijingDate } from './helpers.mjs';
import { randomUUID } from 'node:crypto';

const TABLET = { viewport: { width: 1024, height: 768 }, isMobile: false, hasTouch: true, locale: 'zh-CN' };
test.use(TABLET);

/** A family's order for 助浴 at the 旺庄 station, two to six days ahead (through the API). */
async function familyOrder(request) {
  const found = await (await request.get('/api/v1/providers?lat=31.575&lng=120.358&street=wuxi-xinwu-wangzhuang&item=bathing')).json();
  const station = found.providers.find((p) => p.kind === 'home_care_station');
  const open = await (await request.get(`/api/v1/providers/${station.id}/openings?item=bathing`)).json();
  const days = [2, 3, 4, 5, 6].map((n) => beijingDate(n));
  const o = open.openings.find((x) => x.booked < x.capacity && days.includes(x.date));
  const id = randomUUID();
  const res = await request.post('/api/v1/orders', {
    headers: { 'X-Device-Key': `e2e-family-${randomUUID()}`, 'Idempotency-Key': randomUUID() },
    data: {
      id, provider_id: station.id, item: 'bathing', timeslot_id: o.timeslot_id, date: o.date, consent: true,
      elder: { name: '周爷爷', age: 84, street_id: 'wuxi-xinwu-wangzhuang', address_detail: '旺庄路 8 号', lat: 31.575, lng: 120.358,
               phone: '13812340000', lives_alone: true, empty_nest: false },
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return id;
}

test('a provider adds a carer offline, assigns them, refuses an expired certificate and switches a carer off', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  page.on('dialog', (d) => d.accept());
  const orderId = await familyOrder(page.request);
  await signIn(page, 'op-xinwu-yanglao');
  await expect(page.getByRole('heading', { name: '上门服务订单' })).toBeVisible();
  await page.getByRole('button', { name: /旺庄街道居家养老服务站/ }).click();
  const panel = page.locator('section.carers');
  await expect(panel.locator('li[data-carer-id]').first()).toBeVisible();
  const before = await panel.locator('li[data-carer-id]').count();

  // an expired certificate is refused on the form, nothing is queued
  await panel.getByText('新增护理员').click();
  await panel.getByLabel('姓名').fill('王芳');
  await panel.getByLabel('手机号').fill('13912345678');
  await panel.getByLabel('等级').selectOption({ label: '中级养老护理员' });
  await panel.getByLabel('证书编号').fill('Y320214-E2E-0001');
  await panel.getByLabel('证书有效期至').fill(beijingDate(-1));
  await panel.getByRole('button', { name: '保存' }).click();
  await expect(panel.locator('[data-field="certificate_expires_on"]')).toContainText('证书已过期');
  await expect(panel.locator('li.queued')).toHaveCount(0);

  // offline: saved on the tablet, shown as not yet sent
  await context.setOffline(true);
  await panel.getByLabel('证书有效期至').fill(beijingDate(400));
  await panel.getByRole('button', { name: '保存' }).click();
  await expect(panel.locator('li.queued')).toContainText('王芳');
  await expect(panel.locator('li.queued .pending-tag')).toHaveText('已保存在本机，待发送');
  await context.setOffline(false);
  const added = panel.locator('li[data-carer-id]', { hasText: '王芳' });
  await expect(added).toContainText(`有效期至 ${beijingDate(400)}`, { timeout: 15_000 });
  await expect(panel.locator('li.queued')).toHaveCount(0);
  await expect(panel.locator('li[data-carer-id]')).toHaveCount(before + 1);

  // the family's order: accepted, then assigned to the new carer
  const item = page.locator(`.order-item[data-order-id="${orderId}"]`);
  await expect(item).toBeVisible({ timeout: 15_000 });
  await item.getByRole('button', { name: '接单' }).click();
  await expect(page.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
  const accepted = page.locator(`.order-item[data-order-id="${orderId}"]`);
  await accepted.getByLabel('护理员').selectOption({ label: '王芳 · 中级养老护理员 · Y320214-E2E-0001' });
  await accepted.getByRole('button', { name: '派单' }).click();
  await expect(page.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.locator(`.order-item[data-order-id="${orderId}"] .carer`)).toContainText('已派：王芳 · 中级养老护理员');

  // a carer who leaves is switched off: off the list once sent (other tests' carers stay)
  await panel.getByLabel('姓名').fill('赵敏');
  await panel.getByLabel('手机号').fill('13912345679');
  await panel.getByLabel('证书编号').fill('Y320214-E2E-0002');
  await panel.getByLabel('证书有效期至').fill(beijingDate(30));
  await panel.getByRole('button', { name: '保存' }).click();
  const leaving = panel.locator('li[data-carer-id]', { hasText: '赵敏' });
  await expect(leaving).toBeVisible({ timeout: 15_000 });
  await leaving.getByRole('button', { name: '停用' }).click();
  await expect(leaving).toHaveCount(0, { timeout: 15_000 });
  await expect(panel.locator('li[data-carer-id]')).toHaveCount(before + 1);
});
