// The supervisor's desk on a tablet: the district's indicators against the plans' targets,
// a figure explaining itself, drilling into a 街道, the stale places with their phones, the
// XLSX download (opened here and a cell checked), the desk offline; and a supervisor of
// another district sees none of 新吴区.
import { test, expect, hydrated } from './helpers.mjs';
import { readXlsx } from './xlsx.mjs';
import fs from 'node:fs';

const TABLET = { viewport: { width: 1024, height: 768 }, isMobile: false, hasTouch: true, locale: 'zh-CN' };
const PASSWORD = 'yilao-sample-2026';

async function signIn(page, username, password = PASSWORD) {
  await page.goto('/supervise');
  await hydrated(page);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

test('a supervisor reads the district, drills into a 街道, downloads the tables, and reads them again offline', async ({ browser }) => {
  const ctx = await browser.newContext(TABLET);
  const page = await ctx.newPage();
  // a supervisor signing in at the operators' desk is sent to theirs
  await page.goto('/operator');
  await hydrated(page);
  await page.getByLabel('用户名').fill('sup-xinwu');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/supervise$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: /新吴区 · \d{4}-\d{2} 指标/ })).toBeVisible();
  await expect(page.getByText('示例数据：以下数字由示例记录和示例人口计算')).toBeVisible();

  // 每千人口托位数 against the plan's 4.5, with its source on tap
  const card = page.locator('.fig[data-indicator="slots_per_thousand"]');
  await expect(card.locator('.target')).toHaveText('目标 4.50（2025 年）');
  await card.locator('summary').click();
  const explain = card.locator('.explain');
  await expect(explain).toContainText('在营托育点位各班级托位数之和 ÷ 常住人口 × 1000');
  await expect(explain).toContainText('《新吴区“一老一小”整体解决方案》第 268 行');
  await expect(explain).toContainText('常住人口');
  await expect(explain).toContainText('数据时间');
  // the shown value is the numerator over the denominator
  const num = Number((await explain.locator('dt:has-text("托位数") + dd').textContent()).replace(/,/g, ''));
  const den = Number((await explain.locator('dt:has-text("常住人口") + dd').textContent()).replace(/,/g, ''));
  await expect(card.locator('.fig-value')).toHaveText((num / den * 1000).toFixed(2));

  // stale places, worst first, each with the phone to call
  const stale = page.locator('section.stale tbody tr');
  await expect(stale.first()).toBeVisible();
  await expect(stale.first().locator('a.tel')).toHaveAttribute('href', /^tel:0510-/);
  await expect(stale.first().locator('td.warn')).toContainText('天前确认');

  // the 街道 table, and a drill into 旺庄街道
  await page.locator('section.panel').filter({ hasText: '各街道' }).getByRole('button', { name: '旺庄街道' }).click();
  await expect(page.getByRole('heading', { name: /旺庄街道 · \d{4}-\d{2} 指标/ })).toBeVisible();
  await expect(page.locator('nav.crumbs')).toContainText('新吴区 › 旺庄街道');
  await expect(page.locator('.fig[data-indicator="puhui_street_coverage"] .fig-value')).toHaveText(/^(0|100)%$/);
  await page.locator('nav.crumbs').getByRole('button', { name: '新吴区' }).click();
  await expect(page.getByRole('heading', { name: /新吴区 · \d{4}-\d{2} 指标/ })).toBeVisible();

  // the XLSX: every table and the 说明 sheet; the first figure as on the page
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载全部表格（XLSX）' }).click()]);
  const book = readXlsx(fs.readFileSync(await download.path()));
  expect(book.names).toEqual(['指标', '街道', '数据过期点位', '服务订单', '签到签退异常', '说明']);
  expect(book.sheets['指标'].A2).toBe('每千人口托位数');
  expect(Number(book.sheets['指标'].D2)).toBe(num);
  expect(Number(book.sheets['指标'].F2)).toBe(den);
  expect(book.sheets['街道'].A2).toBe('旺庄街道');
  expect(Object.values(book.sheets['说明'])).toContain('本文件由示例数据计算，不是真实统计，不能用于上报。');

  // the trend charts are drawn by the server
  const chart = page.locator('.trend img').first();
  await chart.scrollIntoViewIfNeeded();
  await expect.poll(() => chart.evaluate((i) => i.complete && i.naturalWidth)).toBeGreaterThan(0);

  // offline, once seen: the figures and the charts as last read, saying so
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.fig').first()).toBeVisible();
  await expect.poll(() => page.locator('.trend img').first().evaluate((i) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  await ctx.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(page.getByText(/离线：显示本机保存的数据/)).toBeVisible();
  await expect(card.locator('.fig-value')).toHaveText((num / den * 1000).toFixed(2));
  const offlineChart = page.locator('.trend img').first();
  await offlineChart.scrollIntoViewIfNeeded();
  await expect.poll(() => offlineChart.evaluate((i) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
  await ctx.setOffline(false);

  // 退出登录 takes what the account read with it
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('heading', { name: '监管工作台登录' })).toBeVisible();
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('yl1.op.sup.')))).toEqual([]);
  await expect.poll(() => page.evaluate(async () => (await caches.keys()).includes('yilao-charts'))).toBe(false);
});

test('a supervisor of another district sees none of 新吴区', async ({ browser, request }) => {
  // the admin makes a supervisor for 邗江区
  const login = await request.post('/api/v1/auth/login', { data: { username: 'admin-sample', password: PASSWORD } });
  const csrf = (await login.json()).csrf_token;
  const made = await request.post('/api/v1/admin/users', {
    headers: { 'X-CSRF-Token': csrf, 'Idempotency-Key': `sup-hanjiang-${Date.now()}`, 'X-Device-Key': 'e2e-admin-device-0123456789' },
    data: { username: 'sup-hanjiang', display_name: '邗江区卫健委', password: 'hanjiang-password-1', role: 'supervisor', district_id: 'yangzhou-hanjiang' },
  });
  expect(made.status(), await made.text()).toBe(201);

  // and revises 扬州市's 托位 target on the admin's desk
  const adminCtx = await browser.newContext(TABLET);
  const admin = await adminCtx.newPage();
  await admin.goto('/admin');
  await hydrated(admin);
  await admin.getByLabel('用户名').fill('admin-sample');
  await admin.getByLabel('密码').fill(PASSWORD);
  await admin.getByRole('button', { name: '登录' }).click();
  const targets = admin.locator('section.targets');
  await targets.locator('summary').click();
  const row = targets.locator('li[data-target-id]').filter({ hasText: '每千常住人口拥有3岁以下婴幼儿托位数' });
  await expect(row).toContainText('《扬州市“一老一小”整体解决方案》第 348 行');
  await row.getByRole('button', { name: '修改目标' }).click();
  await row.getByLabel('目标年份').fill('1999');
  await row.getByRole('button', { name: '保存' }).click();
  await expect(row.locator('.field-error[data-field="target_year"]')).toHaveText('目标年份应在 2020 到 2050 之间');
  await row.getByLabel(/目标（/).fill('5');
  await row.getByLabel('目标年份').fill('2027');
  await row.getByRole('button', { name: '保存' }).click();
  await expect(row).toContainText('：5 个/千人（2027 年）');
  await adminCtx.close();

  const ctx = await browser.newContext(TABLET);
  const page = await ctx.newPage();
  await signIn(page, 'sup-hanjiang', 'hanjiang-password-1');
  await expect(page.getByRole('heading', { name: /邗江区 · \d{4}-\d{2} 指标/ })).toBeVisible();
  await expect(page.locator('.fig[data-indicator="slots_per_thousand"] .target')).toHaveText('目标 5.00（2027 年）');
  await expect(page.locator('section.panel').filter({ hasText: '各街道' })).toContainText('竹西街道');
  await expect(page.locator('main')).not.toContainText('新吴区');
  await expect(page.locator('main')).not.toContainText('旺庄');
  // and the API refuses 新吴区 to this account, on the figures and on the files
  for (const path of ['/api/v1/supervise/indicators?area=wuxi-xinwu', '/api/v1/supervise/streets?area=wuxi-xinwu-wangzhuang', '/api/v1/supervise/export.xlsx?area=wuxi-xinwu']) {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(403);
  }
});
