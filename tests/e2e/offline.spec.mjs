// Reading offline: what was looked at online stays readable from the device, and a
// delta sync (a real one: the browser going offline and back) keeps it current.
import { test, expect, hydrated, cachedDistrict, apiSignIn } from './helpers.mjs';
import { execFileSync } from 'node:child_process';
import { databaseUrl, root, serverBin } from './env.mjs';

const cachedArea = (page, id) => page.evaluate((k) => JSON.parse(localStorage.getItem(k)), `yl1.area.${id}`);

/** "刚刚确认" / "N 分钟前确认" … for a figure confirmed `ms` ago (the app's wording). */
function confirmedWords(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return '刚刚确认';
  if (s < 3600) return `${Math.floor(s / 60)} 分钟前确认`;
  return `${Math.floor(s / 3600)} 小时前确认`;
}

test('search and filters work offline over the cached district; a place never opened shows from the cache', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  await page.goto('/?area=wuxi-xinwu-wangzhuang');
  await hydrated(page);
  await cachedDistrict(page, 'wuxi-xinwu');
  // the whole district is cached, not only the result page
  const cached = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.area.wuxi-xinwu')));
  const server = await (await page.request.get('/api/v1/areas/wuxi-xinwu/places')).json();
  expect(cached.places.length).toBe(server.places.length);
  expect(cached.places.length).toBeGreaterThan(100);
  const online = await (await page.request.get('/api/v1/places?area=wuxi-xinwu-jiangxi&puhui=1&radius_m=5000')).json();

  await context.setOffline(true);
  await expect(page.locator('.offline-flag')).toBeVisible();
  // another street of the district, with a filter: computed on the device
  await page.locator('select[name=radius_m]').selectOption('5000');
  await page.locator('select[name=area]').selectOption('wuxi-xinwu-jiangxi');
  await expect(page).toHaveURL(/area=wuxi-xinwu-jiangxi/);
  await page.getByLabel('只看普惠').check();
  await expect(page).toHaveURL(/puhui=1/);
  await expect(page.locator('.cached-note')).toContainText('离线');
  const ids = await page.locator('li.card').evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
  expect(ids).toEqual(online.places.map((p) => p.id));
  for (const c of await page.locator('li.card').all()) await expect(c.locator('.badge.puhui')).toBeVisible();

  // a place never opened online
  const first = page.locator('li.card').first();
  const name = (await first.locator('h2').textContent()).replace(/示例$/, '').trim();
  await first.locator('a').click();
  await expect(page.locator('h1')).toContainText(name);
  await expect(page.locator('.cached-note').first()).toContainText('离线');
  await expect(page.locator('table.classes tbody tr').first()).toBeVisible();
  await context.setOffline(false);
});

test('a place opened online keeps all its details offline', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  const r = await (await page.request.get('/api/v1/places?area=wuxi-xinwu-meicun&limit=5')).json();
  const id = r.places[0].id;
  const detail = await (await page.request.get(`/api/v1/places/${id}`)).json();
  await page.goto('/?area=wuxi-xinwu-meicun');
  await hydrated(page);
  await page.locator(`li.card[data-id="${id}"] a`).click();
  await expect(page.getByText(detail.organisation.uscc)).toBeVisible();
  await page.goBack();
  await expect(page.locator('li.card').first()).toBeVisible();
  await context.setOffline(true);
  await page.locator(`li.card[data-id="${id}"] a`).click();
  await expect(page.locator('.cached-note').first()).toContainText('离线');
  await expect(page.getByText(detail.organisation.uscc)).toBeVisible();
  await expect(page.locator('a[href^="tel:"]')).toBeVisible();
  await context.setOffline(false);
});

test('delta sync: a change an operator makes reaches the cached district by a real sync and shows offline; a horizon reset refetches the area', async ({ page, context, request, consoleAllow }) => {
  test.setTimeout(120_000);
  consoleAllow.push(/ERR_INTERNET_DISCONNECTED/);
  // the operator of a place in 新吴区, signed in through the API (another tablet)
  const op = await apiSignIn(request, 'op-jiacheng');
  let place = null;
  for (const p of await op.get('/api/v1/operator/places')) {
    const d = await op.get(`/api/v1/places/${p.id}`);
    if (d.district_id === 'wuxi-xinwu') { place = d; break; }
  }
  expect(place, 'a place of op-jiacheng in 新吴区').not.toBeNull();

  // a parent opens 新吴区 online (the district is cached), then the place's page
  await page.goto(`/?area=${place.street_id}`);
  await hydrated(page);
  await cachedDistrict(page, 'wuxi-xinwu');
  await page.goto(`/places/${place.id}`);
  await hydrated(page);
  await expect(page.locator('h1')).toContainText(place.name.replace('（示例）', ''));
  await expect.poll(() => page.evaluate((k) => localStorage.getItem(k) !== null, `yl1.place.${place.id}`)).toBe(true);
  await page.goto(`/?area=${place.street_id}`);
  await hydrated(page);
  const before = await cachedArea(page, 'wuxi-xinwu');
  expect(before.places.some((p) => p.id === place.id)).toBe(true);

  // the operator changes a class's vacancies: a tap (−1, or +1 when none are free), or — when
  // the class is full — one more place and so one free place
  const [cls] = await op.get(`/api/v1/operator/places/${place.id}/classes`);
  const room = cls.capacity - cls.enrolled;
  const res = cls.vacancies > 0 || room > 0
    ? await op.post(`/api/v1/operator/classes/${cls.class_id}/vacancies`, { delta: cls.vacancies > 0 ? -1 : 1 })
    : await op.put(`/api/v1/operator/classes/${cls.class_id}`, { version: cls.version, capacity: cls.capacity + 1, enrolled: cls.enrolled, vacancies: cls.vacancies + 1 });
  expect(res.status(), await res.text()).toBe(200);
  const changed = await res.json();
  expect(changed.class_id).toBe(cls.class_id);
  expect(Math.abs(changed.vacancies - cls.vacancies)).toBe(1);
  const seq1 = (await (await request.get('/api/v1/changes?since=0&areas=wuxi-xinwu')).json()).seq;
  expect(seq1).toBeGreaterThan(before.seq);
  const cachedClass = (c) => c.places.find((p) => p.id === place.id).classes.find((k) => k.id === cls.class_id);
  expect(cachedClass(before).vacancies).toBe(cls.vacancies);

  // a real sync: Chromium goes offline and back and fires its own online event
  const synced = [];
  const onFeed = (r) => { if (new URL(r.url()).pathname === '/api/v1/changes') synced.push(r.status()); };
  page.on('response', onFeed);
  await context.setOffline(true);
  await context.setOffline(false);
  await expect
    .poll(async () => {
      const c = await cachedArea(page, 'wuxi-xinwu');
      return [c.seq, cachedClass(c).vacancies];
    }, { timeout: 20_000 })
    .toEqual([seq1, changed.vacancies]);
  expect(synced).toContain(200);
  page.off('response', onFeed);
  // the page opened before is stale now: dropped, the area's copy is newer
  expect(await page.evaluate((k) => localStorage.getItem(k), `yl1.place.${place.id}`)).toBeNull();
  await expect(page.locator('.sync-time')).toContainText('同步');

  // offline, the place page (client-side navigation) shows the new figure and its freshness
  await context.setOffline(true);
  await expect(page.locator('.offline-flag')).toBeVisible();
  await page.evaluate((id) => { const a = document.createElement('a'); a.href = `/places/${id}`; document.body.appendChild(a); a.click(); }, place.id);
  await expect(page).toHaveURL(new RegExp(`/places/${place.id}$`));
  await expect(page.locator('.cached-note').first()).toContainText('离线');
  const tr = page.locator(`table.classes tbody tr[data-age-band="${cls.age_band}"][data-care-mode="${cls.care_mode}"]`);
  await expect(tr.locator('td.vac strong')).toHaveText(String(changed.vacancies));
  const confirmed = tr.locator('.confirmed');
  expect(Date.parse(await confirmed.getAttribute('title'))).toBe(Date.parse(changed.confirmed_at));
  const age = Date.now() - Date.parse(changed.confirmed_at);
  await expect(confirmed).toHaveText(new RegExp(`^(${confirmedWords(age)}|${confirmedWords(age + 5000)})`));

  // the horizon reset: every device that synced before it refetches its areas
  const fetchedBefore = Date.parse((await cachedArea(page, 'wuxi-xinwu')).fetched_at);
  const out = execFileSync(serverBin, ['sync-reset'], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' });
  const said = out.match(/devices synced before change (\d+) will refetch their areas/);
  expect(said, out).not.toBeNull();
  const told = await (await request.get(`/api/v1/changes?since=${seq1}&areas=wuxi-xinwu`)).json();
  expect(told.reset).toBe(true);
  expect(told.seq).toBe(Number(said[1]));
  const refetched = [];
  const feeds = [];
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/v1/areas/wuxi-xinwu/places') refetched.push(r.status());
    if (url.pathname === '/api/v1/changes') feeds.push(r.json().then((b) => b.reset, () => 'unreadable'));
  });
  const requested = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/areas/wuxi-xinwu/places') requested.push(r.method());
  });
  await context.setOffline(false);
  await expect.poll(() => refetched.length, { timeout: 20_000 }).toBeGreaterThan(0);
  expect(refetched.every((s) => s === 200), `statuses ${refetched}`).toBe(true);
  expect(requested.every((m) => m === 'GET')).toBe(true);
  expect(await Promise.all(feeds)).toContain(true);
  const seq2 = (await (await request.get('/api/v1/changes?since=0&areas=wuxi-xinwu')).json()).seq;
  expect(seq2).toBe(Number(said[1]));
  await expect
    .poll(async () => {
      const c = await cachedArea(page, 'wuxi-xinwu');
      return [c.seq, Date.parse(c.fetched_at) > fetchedBefore, cachedClass(c).vacancies];
    }, { timeout: 15_000 })
    .toEqual([seq2, true, changed.vacancies]);
});
