import { test as base, expect } from '@playwright/test';

// Every test fails if the page logs an error or warning (hydration problems show up there).
export const test = base.extend({
  page: async ({ page }, use) => {
    const problems = [];
    // a test may expect some messages: page.expectConsole.push(/regex/)
    page.expectConsole = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await use(page);
    const unexpected = problems.filter((p) => !page.expectConsole.some((r) => r.test(p)));
    expect(unexpected, 'console errors/warnings').toEqual([]);
  },
});
export { expect };

/** Waits until the WASM has hydrated the page. */
export async function hydrated(page) {
  await page.waitForFunction(() => window.__yilao_hydrated === true, null, { timeout: 20_000 });
}

/** Waits until the device has cached every place of district `id`. */
export async function cachedDistrict(page, id) {
  await expect
    .poll(() => page.evaluate((k) => localStorage.getItem(k) !== null, `yl1.area.${id}`), { timeout: 15_000 })
    .toBe(true);
}

/** "YYYY-MM" for a child who is `months` old today. */
export function birthMonthFor(months, now = new Date()) {
  const d = new Date(now.getFullYear(), now.getMonth() - months, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

// WGS-84 → GCJ-02, written independently of the app's Rust code, to check the app converts.
export function wgs84ToGcj02(lat, lng) {
  const a = 6378245.0, ee = 0.00669342162296594323, PI = Math.PI;
  const tLat = (x, y) => {
    let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += ((20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2) / 3;
    r += ((20 * Math.sin(y * PI) + 40 * Math.sin((y / 3) * PI)) * 2) / 3;
    r += ((160 * Math.sin((y / 12) * PI) + 320 * Math.sin((y * PI) / 30)) * 2) / 3;
    return r;
  };
  const tLng = (x, y) => {
    let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += ((20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2) / 3;
    r += ((20 * Math.sin(x * PI) + 40 * Math.sin((x / 3) * PI)) * 2) / 3;
    r += ((150 * Math.sin((x / 12) * PI) + 300 * Math.sin((x / 30) * PI)) * 2) / 3;
    return r;
  };
  let dLat = tLat(lng - 105, lat - 35), dLng = tLng(lng - 105, lat - 35);
  const radLat = (lat / 180) * PI;
  let magic = 1 - ee * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / (((a * (1 - ee)) / (magic * sqrtMagic)) * PI);
  dLng = (dLng * 180) / ((a / sqrtMagic) * Math.cos(radLat) * PI);
  return { lat: lat + dLat, lng: lng + dLng };
}

/** The password of every sample account (sample data only). */
export const SAMPLE_PASSWORD = 'yilao-sample-2026';

/** Signs in on /operator (the desk's login form). */
export async function signIn(page, username, password = SAMPLE_PASSWORD) {
  await page.goto('/operator');
  await hydrated(page);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

/** Signs in as an operator and waits for the desk with its classes. */
export async function openDesk(page, username) {
  await signIn(page, username);
  await expect(page.getByRole('heading', { name: '机构工作台' })).toBeVisible();
  await expect(page.locator('.class-row').first()).toBeVisible();
}

/** Fills and saves a profile for an 82-year-old on 低保 living alone in 旺庄 (sample); the page needs geolocation. */
export async function saveProfile(page, name, phone) {
  await page.goto('/care/elder');
  await hydrated(page);
  await page.getByLabel('老人称呼').fill(name);
  await page.getByLabel('年龄（周岁）').fill('82');
  await page.getByLabel('所在的区').selectOption('wuxi-xinwu');
  await page.getByLabel('街道').selectOption('wuxi-xinwu-wangzhuang');
  await page.getByLabel('详细地址').fill('旺庄路 20 号 1 栋 101（示例）');
  await page.getByRole('button', { name: '我在老人家里，用当前位置' }).click();
  await expect(page.locator('.position')).toContainText('在老人家里定位');
  await page.getByLabel('联系电话').fill(phone);
  await page.getByLabel('独居').check();
  await page.getByLabel('我同意提供身份类别').check();
  await page.getByLabel('低保', { exact: true }).check();
  await page.getByRole('button', { name: '保存在本机' }).click();
  await expect(page.locator('.sent-tag')).toHaveText('已保存在本机。');
}

