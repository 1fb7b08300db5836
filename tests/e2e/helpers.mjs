import { test as base, expect } from '@playwright/test';
import { randomUUID } from 'node:crypto';

// Every test fails if any page logs an error or warning (hydration problems show up
// there): the default context's pages and every page of every context the test opens
// (`browser.newContext()` / `browser.newPage()` are tracked while the test runs, and
// contexts left open are closed at its end).
//
// A test may expect some messages, for all of its pages at once: push a RegExp onto
// `consoleAllow` (a fixture), or onto `page.expectConsole` / `otherPage.expectConsole`
// — the same list. Messages are tested as "[context N page M <url>] error: text".
export const test = base.extend({
  consoleAllow: async ({}, use) => {
    await use([]);
  },
  _consoleGuard: [
    async ({ browser, consoleAllow }, use) => {
      const problems = [];
      const watched = new WeakSet();
      const opened = [];
      let contexts = 0;
      const watchPage = (p, label) => {
        if (watched.has(p)) return;
        watched.add(p);
        p.expectConsole = consoleAllow;
        const where = () => `[${label} ${p.url()}]`;
        p.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(`${where()} ${m.type()}: ${m.text()}`);
        });
        p.on('pageerror', (e) => problems.push(`${where()} pageerror: ${e.message}`));
      };
      const watchContext = (c) => {
        if (watched.has(c)) return;
        watched.add(c);
        const n = ++contexts;
        let pages = 0;
        const onPage = (p) => watchPage(p, `context ${n} page ${++pages}`);
        c.pages().forEach(onPage);
        c.on('page', onPage);
      };
      const newContext = browser.newContext;
      browser.newContext = async function (...args) {
        const c = await newContext.apply(this, args);
        watchContext(c);
        opened.push(c);
        return c;
      };
      try {
        await use({ watchContext });
      } finally {
        browser.newContext = newContext;
        for (const c of opened) await c.close().catch(() => {});
      }
      const unexpected = problems.filter((p) => !consoleAllow.some((r) => r.test(p)));
      expect(unexpected, 'console errors/warnings on the pages of this test').toEqual([]);
    },
    { auto: true },
  ],
  context: async ({ context, _consoleGuard }, use) => {
    _consoleGuard.watchContext(context);
    await use(context);
  },
  page: async ({ page, consoleAllow }, use) => {
    page.expectConsole = consoleAllow;
    await use(page);
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

// Dates as a family in China counts them: Beijing time (UTC+8, no daylight saving),
// whatever the zone of the machine running the tests.
const BEIJING_MS = 8 * 3600 * 1000;

/** The calendar in Beijing at `now` (epoch ms): year, month 1–12, day, weekday 1 (Mon)–7 (Sun). */
export function beijing(now = Date.now()) {
  const d = new Date(now + BEIJING_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() || 7, hours: d.getUTCHours(), minutes: d.getUTCMinutes() };
}

/** "YYYY-MM-DD" in Beijing, `days` after the day of `now`. */
export function beijingDate(days = 0, now = Date.now()) {
  const d = new Date(now + BEIJING_MS + days * 86_400_000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** "YYYY-MM" for a child who is `months` old this month (in Beijing). */
export function birthMonthFor(months, now = Date.now()) {
  const { year, month } = beijing(now);
  const m = year * 12 + (month - 1) - months;
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}

/**
 * Every Beijing clock reading "M月D日 HH:MM" from `t0` to `t1` (epoch ms), minute by minute:
 * what a page may show for something that happened between the two.
 */
export function beijingMinutes(t0, t1 = t0) {
  const out = [];
  for (let t = Math.floor(t0 / 60_000) * 60_000; t <= t1; t += 60_000) {
    const b = beijing(t);
    out.push(`${b.month}月${b.day}日 ${String(b.hours).padStart(2, '0')}:${String(b.minutes).padStart(2, '0')}`);
  }
  return out;
}

/** A RegExp alternative of literal strings. */
export const anyOf = (words) => words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

/** "11月24日 周二" for a "YYYY-MM-DD" date, as the app words it. */
export function dayLabel(date) {
  const [y, m, d] = date.split('-').map(Number);
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
  return `${m}月${d}日 ${['周一', '周二', '周三', '周四', '周五', '周六', '周日'][wd - 1]}`;
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

const phonesGiven = new Map();
/**
 * A mainland mobile number (11 digits, 139…) of this test's own: the same on every run of
 * the same test (deterministic), different for each `n`, each test, each repetition and
 * each retry — so a test finds its own records and never an earlier one.
 */
export function uniquePhone(testInfo, n = 0) {
  const key = [testInfo.file, ...testInfo.titlePath, testInfo.repeatEachIndex, testInfo.retry, n].join('\u0000');
  let h = 0x811c9dc5; // FNV-1a, 32 bits
  for (const ch of key) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
  const phone = `139${String(h % 100_000_000).padStart(8, '0')}`;
  const other = phonesGiven.get(phone);
  if (other !== undefined && other !== key) throw new Error(`uniquePhone: ${phone} was already given to another test`);
  phonesGiven.set(phone, key);
  return phone;
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

/**
 * Signs in through the API (Playwright's `request`, its own cookie jar): another tablet.
 * Returns get/post/put that send the session's CSRF token, a device key and a fresh
 * Idempotency-Key on every write.
 */
export async function apiSignIn(request, username, password = SAMPLE_PASSWORD) {
  const res = await request.post('/api/v1/auth/login', { data: { username, password } });
  expect(res.status(), `login ${username}`).toBe(200);
  const { csrf_token: csrf } = await res.json();
  const device = `e2e-api-${randomUUID()}`;
  const headers = () => ({ 'X-Device-Key': device, 'Idempotency-Key': randomUUID(), 'X-CSRF-Token': csrf });
  return {
    csrf,
    get: async (path) => {
      const r = await request.get(path);
      expect(r.status(), `GET ${path}`).toBe(200);
      return r.json();
    },
    post: (path, data) => request.post(path, { data, headers: headers() }),
    put: (path, data) => request.put(path, { data, headers: headers() }),
  };
}

/** On the elder form: a home in 旺庄 at `address`, located where the family stands (geolocation). */
export async function fillHome(page, address) {
  await page.getByLabel('所在的区').selectOption('wuxi-xinwu');
  await page.getByLabel('街道').selectOption('wuxi-xinwu-wangzhuang');
  await page.getByLabel('详细地址').fill(address);
  await page.getByRole('button', { name: '我在老人家里，用当前位置' }).click();
  await expect(page.locator('.position')).toContainText('在老人家里定位');
}

/** Fills and saves a profile for an 82-year-old on 低保 living alone in 旺庄 (sample); the page needs geolocation. */
export async function saveProfile(page, name, phone) {
  await page.goto('/care/elder');
  await hydrated(page);
  await page.getByLabel('老人称呼').fill(name);
  await page.getByLabel('年龄（周岁）').fill('82');
  await fillHome(page, '旺庄路 20 号 1 栋 101（示例）');
  await page.getByLabel('联系电话').fill(phone);
  await page.getByLabel('独居').check();
  await page.getByLabel('我同意提供身份类别').check();
  await page.getByLabel('低保', { exact: true }).check();
  await page.getByRole('button', { name: '保存在本机' }).click();
  await expect(page.locator('.sent-tag')).toHaveText('已保存在本机。');
}
