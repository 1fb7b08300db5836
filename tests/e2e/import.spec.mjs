// Registry import on a fresh, real database (no sample data): the admin downloads the
// template, uploads a file with mistakes, sees every problem by row and column, imports the
// valid rows; a parent on a phone then finds an imported place from its position.
import { test, expect, hydrated, wgs84ToGcj02 } from './helpers.mjs';
import path from 'node:path';
import { root } from './env.mjs';
import { startServer } from './server.mjs';

const TABLET = { viewport: { width: 1024, height: 768 }, isMobile: false, hasTouch: true, locale: 'zh-CN' };
const PASSWORD = 'real-admin-password';
const fixture = (name) => path.join(root, 'tests/fixtures/import', name);

/** The WGS-84 position a phone reports standing at a GCJ-02 point (inverse by one step). */
function phoneAt(lat, lng) {
  const g = wgs84ToGcj02(lat, lng);
  return { latitude: lat - (g.lat - lat), longitude: lng - (g.lng - lng) };
}

let server;
test.beforeAll(async () => {
  server = await startServer({
    sample: false,
    before: async (_url, run) => {
      run(['migrate']);
      run(['create-admin', '--username', 'admin-real'], { ADMIN_PASSWORD: PASSWORD });
    },
  });
});
test.afterAll(async () => {
  await server?.stop();
});

test('the admin previews a file with mistakes, imports its valid rows, and a parent finds an imported place', async ({ browser }) => {
  const desk = await browser.newContext({ ...TABLET, baseURL: server.base });
  const page = await desk.newPage();
  page.expectConsole.push(/status of 422/);
  await page.goto('/operator');
  await hydrated(page);
  await page.getByLabel('用户名').fill('admin-real');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  const section = page.locator('section.import');
  await expect(section.getByRole('heading', { name: '导入登记数据' })).toBeVisible();

  // the template downloads as an XLSX
  const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('link', { name: /下载“托育机构及点位”导入模板/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);

  // a file with mistakes: every problem by row and column, nothing written yet
  await section.getByLabel('选择文件').setInputFiles(fixture('wangzhuang-40-errors.xlsx'));
  await section.getByRole('button', { name: '上传并预览' }).click();
  const preview = section.locator('.import-preview');
  await expect(preview.locator('.import-summary')).toContainText('81 行（XLSX）· 新增 32');
  const issues = preview.locator('.import-issues li');
  await expect(issues.filter({ hasText: '第 4 行「统一社会信用代码」校验位不正确' })).toHaveCount(1);
  await expect(issues.filter({ hasText: '第 22 行「空位」在托 18 + 空位 30 超过了托位 20' })).toHaveCount(1);
  await expect(issues.filter({ hasText: '第 12 行「街道」' })).toHaveCount(1);
  const apply = section.getByRole('button', { name: '导入', exact: true });
  await expect(apply).toBeDisabled();
  // the admin fixes nothing and imports the valid rows
  await preview.getByLabel(/只导入无误的行（跳过有问题的 18 行）/).check();
  await expect(apply).toBeEnabled();
  await apply.click();
  await expect(section.locator('.sent-tag')).toContainText('已导入：新增 32 个点位，修改 0 个，没有变化 0 个，关闭 0 个；跳过有问题的 18 行');
  await expect(apply).toBeDisabled();
  await expect(page.locator('.orgs li', { hasText: '春芽托育服务有限公司（测试数据）' })).toContainText('1 个托育点');

  // the same file as GBK CSV, fixed: the 8 places left out before are new, the rest unchanged
  await section.getByLabel('选择文件').setInputFiles(fixture('wangzhuang-40-gbk.csv'));
  await section.getByRole('button', { name: '上传并预览' }).click();
  await expect(preview.locator('.import-summary')).toContainText('81 行（GB18030）· 新增 8 · 修改 0 · 没有变化 32');
  await apply.click();
  await expect(section.locator('.sent-tag')).toContainText('已导入：新增 8 个点位');

  // a parent's phone at 小橡树托育中心 (GCJ-02 31.561310, 120.341770) finds it first
  const phone = await browser.newContext({ baseURL: server.base, locale: 'zh-CN', viewport: { width: 412, height: 915 }, isMobile: true, hasTouch: true });
  await phone.grantPermissions(['geolocation']);
  await phone.setGeolocation(phoneAt(31.56131, 120.34177));
  const parent = await phone.newPage();
  await parent.goto('/');
  await hydrated(parent);
  await parent.getByRole('button', { name: '使用我的位置' }).click();
  await expect(parent).toHaveURL(/lat=/);
  const first = parent.locator('li.card').first();
  await expect(first.locator('h2')).toContainText('小橡树托育中心（测试数据）');
  await expect(first.locator('.distance')).toHaveText(/^\d+ 米$/);
  // a place the file gave no position is marked 位置待核实, on the list and on its page
  const unchecked = parent.locator('li.card', { hasText: '布谷鸟托育中心（测试数据）' });
  await parent.goto('/?area=wuxi-xinwu-wangzhuang');
  await hydrated(parent);
  await expect(unchecked.locator('.unverified-tag')).toHaveText('位置待核实');
  await unchecked.locator('a').click();
  await expect(parent.locator('.address .unverified-tag')).toBeVisible();
});

test('the admin imports the 民政 list of home-care providers; a family in 旺庄 is offered them', async ({ browser }) => {
  const desk = await browser.newContext({ ...TABLET, baseURL: server.base });
  const page = await desk.newPage();
  await page.goto('/operator');
  await hydrated(page);
  await page.getByLabel('用户名').fill('admin-real');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  const section = page.locator('section.import');
  await section.getByLabel('居家上门服务机构').check();
  const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('link', { name: /下载“居家上门服务机构”导入模板/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/^providers-template\.xlsx$|居家上门服务机构导入模板\.xlsx$/);
  await section.getByLabel('选择文件').setInputFiles(fixture('xinwu-providers-gbk.csv'));
  await section.getByRole('button', { name: '上传并预览' }).click();
  const preview = section.locator('.import-preview');
  await expect(preview.locator('.import-summary')).toContainText('15 行（GB18030）· 新增 6 · 修改 0');
  await preview.locator('.import-create summary').click();
  await expect(preview.locator('.import-create li')).toHaveCount(6);
  await section.getByRole('button', { name: '导入', exact: true }).click();
  await expect(section.locator('.sent-tag')).toContainText('已导入：新增 6 个服务机构，修改 0 个');

  // who serves an older person at home in 旺庄: the 旺庄 provider (3 km around it); 江溪's is 4 km away
  const res = await page.request.get('/api/v1/providers?lat=31.5750&lng=120.3580&street=wuxi-xinwu-wangzhuang');
  const names = (await res.json()).providers.map((p) => p.name);
  expect(names).toEqual(['旺庄颐康居家养老服务中心（测试数据）']);
  // the open data lists the new providers
  const open = await page.request.get('/api/v1/open/providers.csv');
  expect(await open.text()).toContain('鸿山颐康居家养老服务中心（测试数据）');
  await desk.close();
});

test('the admin imports population figures per 街道; a file row repeated is named and left out', async ({ browser }) => {
  const desk = await browser.newContext({ ...TABLET, baseURL: server.base });
  const page = await desk.newPage();
  await page.goto('/admin');
  await hydrated(page);
  await page.getByLabel('用户名').fill('admin-real');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  const section = page.locator('section.import');
  await section.getByLabel('街道人口').check();
  const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('link', { name: /下载“街道人口”导入模板/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/population-template\.xlsx$|街道人口导入模板\.xlsx$/);
  await section.getByLabel('选择文件').setInputFiles(fixture('xinwu-population.csv'));
  await section.getByRole('button', { name: '上传并预览' }).click();
  const preview = section.locator('.import-preview');
  await expect(preview.locator('.import-summary')).toContainText('7 行（UTF-8）· 新增 6 · 修改 0');
  await expect(preview).toContainText('第 8 行「街道」与第 7 行是同一街道同一年份');
  await section.getByLabel('只导入无误的行').check();
  await section.getByRole('button', { name: '导入', exact: true }).click();
  await expect(section.locator('.sent-tag')).toContainText('已导入：新增 6 个街道人口');
  // the 监管工作台 (an admin chooses the district) divides by these people
  await page.goto('/supervise');
  await hydrated(page);
  await page.locator('.sup-controls select').selectOption('wuxi-xinwu');
  await expect(page.locator('.population')).toContainText('常住人口 805,000');
  await expect(page.locator('.population')).toContainText('测试数据：2025 年统计公报');
  await desk.close();
});
