// A family's rights over its personal information, on a phone: 我的信息 lists what the server
// holds with the consents and who viewed it, downloads it as a file, deletes it (the provider's
// desk then shows no one); a second phone enters a one-time code and follows the same orders.
import fs from 'node:fs';
import { test, expect, hydrated, signIn, saveProfile } from './helpers.mjs';

test.use({ permissions: ['geolocation'], geolocation: { latitude: 31.5770, longitude: 120.3535 } });

const TABLET = { viewport: { width: 1024, height: 768 }, hasTouch: true, locale: 'zh-CN' };

/** Orders 助浴 at the 旺庄 station with the given consents ticked; the order's id once sent. */
async function orderBath(page, { weekly = false } = {}) {
  await page.goto('/care/item/bathing');
  await hydrated(page);
  await page.locator('.provider', { hasText: '旺庄街道居家养老服务站' }).getByRole('link', { name: '预约上门' }).click();
  await expect(page.locator('label.timeslot:not(.full) input').first()).toBeVisible();
  await page.locator('label.timeslot:not(.full) input').nth(2).check();
  // each purpose has its own box, none ticked in advance, each naming the provider
  for (const name of ['consent', 'consent_categories', 'consent_weekly']) {
    await expect(page.locator(`input[name="${name}"]`)).not.toBeChecked();
    await expect(page.locator('label.consent', { has: page.locator(`input[name="${name}"]`) })).toContainText('旺庄街道居家养老服务站');
  }
  await page.locator('input[name="consent"]').check();
  await page.locator('input[name="consent_categories"]').check();
  if (weekly) await page.locator('input[name="consent_weekly"]').check();
  await page.getByRole('button', { name: '确认下单' }).click();
  await expect(page).toHaveURL(/\/care\/orders$/);
  const row = page.locator('.orders li').first();
  await expect(row.locator('.status')).toHaveText('已提交', { timeout: 15_000 });
  return row.getAttribute('data-order-id');
}

test('a family reads and downloads its data, sees who viewed it, deletes it, and the provider no longer sees the profile', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await saveProfile(page, '钱爷爷', '13812340016');
  const id = await orderBath(page, { weekly: true });

  // the provider's desk shows the profile (phone masked until accepted) — a logged read
  const desk = await browser.newContext(TABLET);
  const op = await desk.newPage();
  await signIn(op, 'op-xinwu-yanglao');
  await op.getByRole('button', { name: /旺庄街道居家养老服务站/ }).click();
  const item = op.locator(`.order-item[data-order-id="${id}"]`);
  await expect(item).toContainText('钱爷爷', { timeout: 15_000 });
  await expect(item).toContainText('138****0016');
  await expect(item).not.toContainText('13812340016');

  // 我的信息: what the server holds, the consents, who viewed it
  await page.getByRole('link', { name: /我的信息/ }).click();
  await expect(page.getByRole('heading', { name: '我的信息', exact: true })).toBeVisible();
  await expect(page.locator('.held .counts')).toContainText('上门服务订单 1 个');
  await expect(page.locator('.held .counts')).toContainText('每周探访 1 项');
  const purposes = await page.locator('.consent-record').evaluateAll((els) => els.map((e) => e.dataset.purpose).sort());
  expect(purposes).toEqual(['elder_categories', 'provider_share', 'weekly_visit']);
  await expect(page.locator('.consent-record[data-purpose="provider_share"]')).toContainText('第 2 版同意书');
  // the desk's reads: the order's profile and the weekly 探访 list, with the organisation and account
  await expect(page.locator('.view-entry', { hasText: '查看了老人信息（处理上门服务订单）' })).toContainText('新吴区居家养老服务');
  await expect(page.locator('.view-entry', { hasText: '查看了老人信息（每周探访）' })).toHaveCount(1);

  // the file holds the order with the profile as shared
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载我的信息（JSON 文件）' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^我的信息-\d{4}-\d{2}-\d{2}-\d{4}\.json$/);
  const file = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  expect(file.orders.map((o) => o.order.id)).toEqual([id]);
  expect(file.orders[0].elder.name).toBe('钱爷爷');
  expect(file.orders[0].elder.categories).toEqual(['dibao']);
  expect(file.consents).toHaveLength(3);

  // withdrawing the categories: queued like any write, then the provider no longer sees them
  await page.locator('.consent-record[data-purpose="elder_categories"]').getByRole('button', { name: '撤回' }).click();
  await expect(page.locator('.consent-record[data-purpose="elder_categories"]')).toContainText('已撤回', { timeout: 15_000 });
  await op.reload();
  await hydrated(op);
  await op.getByRole('button', { name: /旺庄街道居家养老服务站/ }).click();
  await expect(op.locator(`.order-item[data-order-id="${id}"]`)).toContainText('钱爷爷', { timeout: 15_000 });
  await expect(op.locator(`.order-item[data-order-id="${id}"]`)).not.toContainText('低保');

  // 删除我的信息: the open order is named and cancelled first
  await expect(page.locator('.erase .warning')).toContainText('1 项进行中');
  await page.getByRole('button', { name: '删除我的信息' }).click();
  await page.getByRole('button', { name: '确认删除' }).click();
  await expect(page.locator('.erase .sent-tag')).toContainText('已删除：取消进行中的 1 项', { timeout: 15_000 });
  await expect(page.locator('.held .counts')).toContainText('上门服务订单 0 个');
  expect(await page.evaluate(() => localStorage.getItem('yl1.elder'))).toBeNull();
  await page.goto('/care/orders');
  await hydrated(page);
  await expect(page.locator('.orders li')).toHaveCount(0);

  // the provider's desk: no name, no phone, no address
  await op.reload();
  await hydrated(op);
  await op.getByRole('button', { name: /旺庄街道居家养老服务站/ }).click();
  const gone = op.locator(`.order-item[data-order-id="${id}"]`);
  await expect(gone).toContainText('（已匿名）', { timeout: 15_000 });
  await expect(gone).not.toContainText('钱爷爷');
  await expect(gone).not.toContainText('0016');
});

test('a second phone enters the share code and follows the same orders; the first keeps them', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await saveProfile(page, '孙奶奶', '13812340017');
  const id = await orderBath(page);
  await page.goto('/me');
  await hydrated(page);
  await page.getByRole('button', { name: '与家人共享' }).click();
  const code = (await page.locator('.transfer-code .code').innerText()).trim();
  expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  await expect(page.locator('.transfer-code .qr svg')).toBeVisible();

  // the sibling's phone: a fresh browser, the code as typed
  const other = await browser.newContext({ ...test.info().project.use, permissions: [] });
  const phone = await other.newPage();
  await phone.goto(`/me/join?code=${code}`);
  await hydrated(phone);
  await expect(phone.locator('.join input[name="code"]')).toHaveValue(code);
  await phone.getByRole('button', { name: '转入' }).click();
  await expect(phone.locator('.join .sent-tag')).toContainText('与家人共享', { timeout: 15_000 });
  await phone.goto('/care/orders');
  await hydrated(phone);
  await expect(phone.locator(`.orders li[data-order-id="${id}"]`)).toBeVisible({ timeout: 15_000 });
  // the profile came along, so the sibling can order for her too
  expect(JSON.parse(await phone.evaluate(() => localStorage.getItem('yl1.elder'))).name).toBe('孙奶奶');
  // the first phone still has it, and says it shares
  await page.goto('/me');
  await hydrated(page);
  await expect(page.locator('.sharing .shared')).toContainText('另外 1 部手机');
  await page.goto('/care/orders');
  await hydrated(page);
  await expect(page.locator(`.orders li[data-order-id="${id}"]`)).toBeVisible();
});
