// A provider keeps its 居家上门服务 on the tablet: a price changed offline waits on the tablet
// and reaches families once sent, a new weekly timeslot opens bookings, and the service area
// (by 街道) decides who is offered the provider. (梅村's station: other suites use 旺庄's.)
import { test, expect, signIn, beijingDate } from './helpers.mjs';

const TABLET = { viewport: { width: 1024, height: 768 }, isMobile: false, hasTouch: true, locale: 'zh-CN' };
test.use(TABLET);

const MEICUN = { lat: 31.523, lng: 120.408, street: 'wuxi-xinwu-meicun' };
const HONGSHAN = { lat: 31.482, lng: 120.462, street: 'wuxi-xinwu-hongshan' };
const offered = async (request, at, item) => {
  const res = await request.get(`/api/v1/providers?lat=${at.lat}&lng=${at.lng}&street=${at.street}&item=${item}`);
  return (await res.json()).providers;
};

test('a provider changes a price offline, adds a timeslot and serves a 街道 by name; families see each change', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  await signIn(page, 'op-xinwu-yanglao');
  await expect(page.getByRole('heading', { name: '上门服务订单' })).toBeVisible();
  await page.getByRole('button', { name: /梅村街道居家养老服务站/ }).click();
  const panel = page.locator('section.service-desk');
  await expect(panel.getByRole('heading', { name: '服务项目、时段与服务范围' })).toBeVisible();
  const cleaning = panel.locator('li[data-item="cleaning"]');
  await expect(cleaning).toContainText('120 分钟 · 80 元/次');
  const station = (await offered(page.request, MEICUN, 'cleaning')).find((p) => p.name.startsWith('梅村街道居家养老服务站'));
  expect(station).toBeTruthy();

  // a price typed wrong is named; changed offline it waits on the tablet
  await cleaning.getByRole('button', { name: '修改' }).click();
  const form = panel.locator('form.item-form');
  await form.getByLabel('每次时长（分钟）').fill('2');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(form.locator('[data-field="duration_min"]')).toContainText('服务时长应为 5 到 1440 分钟');
  await context.setOffline(true);
  await form.getByLabel('每次时长（分钟）').fill('120');
  await form.getByLabel('市场价（元/次）').fill('95');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(cleaning).toContainText('120 分钟 · 95 元/次');
  await expect(panel.locator('.pending-tag')).toHaveText('已保存在本机，待发送：助洁：120 分钟 · 95 元/次');
  await context.setOffline(false);
  await expect(panel.locator('.pending-tag')).toHaveCount(0, { timeout: 15_000 });
  const after = (await offered(page.request, MEICUN, 'cleaning')).find((p) => p.id === station.id);
  expect(after.items.find((i) => i.item === 'cleaning').market_price_yuan).toBe(95);

  // a Sunday evening window for 助洁: listed once sent, and bookable by families
  const slots = panel.locator('form.timeslot-form');
  await slots.getByLabel('服务项目').selectOption({ label: '助洁' });
  await slots.getByLabel('星期').selectOption({ label: '周日' });
  await slots.getByLabel('开始').fill('18:00');
  await slots.getByLabel('结束').fill('20:00');
  await slots.getByLabel('每次可接单').fill('3');
  await slots.getByRole('button', { name: '新增时段' }).click();
  // the 助洁 group opens with the new window in it
  const added = panel.locator('details.slot-group[data-item="cleaning"] li[data-home-slot-id]', { hasText: '助洁 · 周日 18:00–20:00 · 每次 3 单' });
  await expect(added).toBeVisible({ timeout: 15_000 });
  const slotId = Number(await added.getAttribute('data-home-slot-id'));
  const open = await (await page.request.get(`/api/v1/providers/${station.id}/openings?item=cleaning`)).json();
  expect(open.openings.some((o) => o.timeslot_id === slotId)).toBe(true);

  // served by 街道: 梅村 and 鸿山 (12 km away, out of reach of the radius before)
  expect((await offered(page.request, HONGSHAN, 'cleaning')).some((p) => p.id === station.id)).toBe(false);
  const area = panel.locator('form.area-form');
  await area.getByLabel('指定街道').check();
  await area.getByLabel('梅村街道').check();
  await area.getByLabel('鸿山街道').check();
  await area.getByRole('button', { name: '保存服务范围' }).click();
  await expect(panel.locator('.area-now')).toHaveText('现在：服务梅村街道、鸿山街道');
  await expect(panel.locator('.pending-tag')).toHaveCount(0, { timeout: 15_000 });
  expect((await offered(page.request, HONGSHAN, 'cleaning')).some((p) => p.id === station.id)).toBe(true);
});

test('a carer\'s certificate is renewed on the tablet offline, and the list shows the new expiry once sent', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  await signIn(page, 'op-xinwu-yanglao');
  await page.getByRole('button', { name: /梅村街道居家养老服务站/ }).click();
  const panel = page.locator('section.carers');
  const carer = panel.locator('li[data-carer-id]').first();
  await expect(carer).toBeVisible();
  await carer.getByRole('button', { name: '修改/续期' }).click();
  const form = carer.locator('form.carer-edit');
  await form.getByLabel('证书有效期至').fill(beijingDate(-3));
  await form.getByRole('button', { name: '保存修改' }).click();
  await expect(form.locator('[data-field="certificate_expires_on"]')).toContainText('证书已过期');
  await context.setOffline(true);
  await form.getByLabel('手机号').fill('13912345601');
  await form.getByLabel('证书编号').fill('S3202-RENEW-0001');
  await form.getByLabel('证书有效期至').fill(beijingDate(700));
  await form.getByRole('button', { name: '保存修改' }).click();
  await expect(carer.locator('.pending-tag')).toHaveText(`修改已保存在本机，待发送：证书 S3202-RENEW-0001 · 有效期至 ${beijingDate(700)}`);
  await context.setOffline(false);
  await expect(carer).toContainText(`证书 S3202-RENEW-0001 · 有效期至 ${beijingDate(700)}`, { timeout: 15_000 });
  await expect(carer.locator('.pending-tag')).toHaveCount(0);
});
