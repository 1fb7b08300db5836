// A parent on a phone finds nearby places: position, age, filters, place page.
import { test, expect, hydrated, birthMonthFor, wgs84ToGcj02 } from './helpers.mjs';

// A phone standing at 旺庄街道's centre reports WGS-84: roughly 450 m south-west of
// the GCJ-02 point (31.575, 120.358) the map apps show.
const PHONE_AT_WANGZHUANG = { latitude: 31.5770, longitude: 120.3535 };

test('使用我的位置: WGS-84 is converted to GCJ-02 and the nearest results are in 旺庄', async ({ page, context }) => {
  await context.grantPermissions(['geolocation']);
  await context.setGeolocation(PHONE_AT_WANGZHUANG);
  await page.goto('/');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: '找附近有空位的托育机构' })).toBeVisible();
  await page.getByRole('button', { name: '使用我的位置' }).click();
  await expect(page).toHaveURL(/lat=/);
  const url = new URL(page.url());
  const gcj = wgs84ToGcj02(PHONE_AT_WANGZHUANG.latitude, PHONE_AT_WANGZHUANG.longitude);
  expect(Number(url.searchParams.get('lat'))).toBeCloseTo(gcj.lat, 5);
  expect(Number(url.searchParams.get('lng'))).toBeCloseTo(gcj.lng, 5);
  // the conversion moved the point by hundreds of metres
  expect(Math.abs(gcj.lng - PHONE_AT_WANGZHUANG.longitude)).toBeGreaterThan(0.003);
  const cards = page.locator('li.card');
  await expect(cards.first()).toBeVisible();
  const streets = await cards.evaluateAll((els) => els.slice(0, 3).map((e) => e.dataset.street));
  expect(streets).toEqual(['旺庄街道', '旺庄街道', '旺庄街道']);
  // distances ascend
  const d = await page.locator('li.card .distance').allTextContents();
  const metres = d.map((t) => (t.includes('公里') ? parseFloat(t) * 1000 : parseFloat(t)));
  expect(metres).toEqual([...metres].sort((a, b) => a - b));
  await expect(page.locator('.origin-note')).toContainText('GCJ-02');
  await expect(page.locator('.map-sketch svg .dot')).toHaveCount(await cards.count());
});

test('a child of 8 months sees only places with a 乳儿班', async ({ page }) => {
  await page.goto('/?area=wuxi-xinwu&radius_m=10000');
  await hydrated(page);
  await page.locator('input[name=birth]').fill(birthMonthFor(8));
  await page.getByRole('button', { name: '查找托位' }).click();
  await expect(page).toHaveURL(/birth=/);
  await expect(page.locator('.age-line')).toContainText('孩子 8 个月');
  await expect(page.locator('.age-line')).toContainText('乳儿班');
  const ids = await page.locator('li.card').evaluateAll((els) => els.map((e) => e.dataset.id));
  expect(ids.length).toBeGreaterThan(3);
  for (const id of ids) {
    const res = await page.request.get(`/api/v1/places/${id}`);
    const place = await res.json();
    expect(place.classes.map((c) => c.age_band), `place ${id}`).toContain('infant');
  }
  // and the list is not simply everything: without the age there are more
  const all = await (await page.request.get('/api/v1/places?area=wuxi-xinwu&radius_m=10000&limit=200')).json();
  expect(all.total).toBeGreaterThan(ids.length);
});

test('filters round-trip through the URL and a shared link shows the same list', async ({ page, browser }) => {
  await page.goto('/?area=wuxi-xinwu-jiangxi');
  await hydrated(page);
  const before = await page.locator('li.card').count();
  await page.evaluate(() => (window.__noReload = true));
  await page.getByLabel('只看普惠').check();
  await expect(page).toHaveURL(/puhui=1/);
  await page.locator('select[name=care_mode]').selectOption('full_day');
  await expect(page).toHaveURL(/care_mode=full_day/);
  await page.locator('input[name=max_fee]').fill('2000');
  await page.locator('input[name=max_fee]').press('Enter');
  await expect(page).toHaveURL(/max_fee=2000/);
  // client-side navigation: the page was not reloaded
  expect(await page.evaluate(() => window.__noReload)).toBe(true);
  const cards = page.locator('li.card');
  // the list for the last URL has rendered (the summary carries its total)
  const expected = await (await page.request.get('/api/v1/places?area=wuxi-xinwu-jiangxi&puhui=1&care_mode=full_day&max_fee=2000')).json();
  await expect(page.locator('.summary')).toHaveAttribute('data-total', String(expected.total));
  await expect(cards).toHaveCount(expected.places.length);
  const n = await cards.count();
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThan(before);
  for (const c of await cards.all()) {
    await expect(c.locator('.badge.puhui')).toBeVisible();
    const fee = (await c.locator('.fee').textContent()).match(/¥([\d,]+)/)[1].replace(',', '');
    expect(Number(fee)).toBeLessThanOrEqual(2000);
  }
  const names = await cards.locator('h2').allTextContents();

  // the same link in a fresh browser: same results, same controls
  const other = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const p2 = await other.newPage();
  await p2.goto(page.url());
  await expect(p2.getByLabel('只看普惠')).toBeChecked();
  await expect(p2.locator('select[name=care_mode]')).toHaveValue('full_day');
  await expect(p2.locator('input[name=max_fee]')).toHaveValue('2000');
  expect(await p2.locator('li.card h2').allTextContents()).toEqual(names);
  await other.close();

  // back button restores the earlier filters
  await page.goBack();
  await expect(page).not.toHaveURL(/max_fee/);
});

test('picking a district and street searches from its centre', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.locator('select[name=district]').selectOption('suqian-sucheng');
  await page.locator('select[name=area]').selectOption('suqian-sucheng-shuangzhuang');
  await expect(page).toHaveURL(/area=suqian-sucheng-shuangzhuang/);
  await expect(page.locator('li.card').first()).toBeVisible();
  await expect(page.locator('li.card').first()).toHaveAttribute('data-street', '双庄街道');
});

test('the place page shows everything, with call and map links', async ({ page }) => {
  await page.goto('/?area=suqian-sucheng-shuangzhuang&radius_m=5000');
  await hydrated(page);
  const first = page.locator('li.card').first();
  const name = (await first.locator('h2').textContent()).replace(/示例$/, '').trim();
  await first.locator('a').click();
  await expect(page).toHaveURL(/\/places\/\d+$/);
  await expect(page.locator('h1')).toContainText(name);
  await expect(page.locator('.sample-tag').first()).toBeVisible();
  await expect(page.locator('table.classes tbody tr').first()).toBeVisible();
  await expect(page.locator('table.classes .confirmed').first()).toContainText(/确认/);
  await expect(page.locator('a[href^="tel:"]')).toBeVisible();
  const datums = await page.locator('.nav-links a').evaluateAll((els) => els.map((e) => e.dataset.datum));
  expect(datums).toEqual(['GCJ-02', 'BD-09', 'WGS-84']);
  const amap = await page.locator('a[data-datum="GCJ-02"]').getAttribute('href');
  const id = page.url().split('/').pop();
  const place = await (await page.request.get(`/api/v1/places/${id}`)).json();
  expect(amap).toContain(`position=${place.lng.toFixed(6)},${place.lat.toFixed(6)}`);
  await expect(page.getByText('统一社会信用代码')).toBeVisible();
  await expect(page.getByText(place.organisation.uscc)).toBeVisible();
  // a server-rendered reload of the same page
  await page.reload();
  await hydrated(page);
  await expect(page.locator('h1')).toContainText(name);
});

test('an organisation with several places links its sibling places (1+N)', async ({ page }) => {
  const all = await (await page.request.get('/api/v1/places?area=wuxi-xinwu&radius_m=20000&limit=200')).json();
  let withSiblings = null;
  for (const h of all.places) {
    const p = await (await page.request.get(`/api/v1/places/${h.id}`)).json();
    if (p.siblings.length > 0) { withSiblings = p; break; }
  }
  expect(withSiblings).not.toBeNull();
  await page.goto(`/places/${withSiblings.id}`);
  await hydrated(page);
  const sib = withSiblings.siblings[0];
  await page.locator('.siblings a', { hasText: sib.name }).click();
  await expect(page).toHaveURL(new RegExp(`/places/${sib.id}$`));
  await expect(page.locator('h1')).toContainText(sib.name.replace('（示例）', ''));
});

test('stale vacancy figures are greyed and marked 可能已过期', async ({ page }) => {
  // find a place whose classes were confirmed more than 7 days ago
  const all = await (await page.request.get('/api/v1/places?area=wuxi-xinwu&radius_m=20000&limit=200')).json();
  const week = 7 * 24 * 3600 * 1000;
  // older than a week by the server's clock (its answer's time), with an hour to spare
  const serverNow = Date.parse(all.generated_at);
  expect(Number.isNaN(serverNow)).toBe(false);
  const stale = all.places.find((h) => h.vacancy && serverNow - Date.parse(h.vacancy.confirmed_at) > week + 3600_000);
  expect(stale).toBeTruthy();
  await page.goto(`/places/${stale.id}`);
  await hydrated(page);
  await expect(page.locator('.confirmed.stale').first()).toContainText('可能已过期');
  await expect(page.locator('.confirmed.stale').first()).toContainText(/\d+ 天前确认/);
});

test('unknown place: a 404 page', async ({ page }) => {
  // the browser itself logs the document's 404 status
  page.expectConsole.push(/status of 404/);
  const res = await page.goto('/places/99999999');
  expect(res.status()).toBe(404);
  await expect(page.getByRole('heading', { name: '页面不存在' })).toBeVisible();
});

test('touch targets are at least 48 px and text at least 16 px', async ({ page }) => {
  await page.goto('/?area=wuxi-xinwu-wangzhuang');
  await hydrated(page);
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('button, select, input[type=number], input[type=month], .card a, .button')]
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({ tag: e.tagName, text: e.textContent.trim().slice(0, 20), h: e.getBoundingClientRect().height }))
      .filter((r) => r.h < 48),
  );
  expect(small).toEqual([]);
  const base = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  expect(base).toBeGreaterThanOrEqual(16);
});
