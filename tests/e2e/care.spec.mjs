// Families and 居家上门服务: the older person's profile (kept on the phone, separate
// consent for sensitive data, the position taken at the door), providers that serve the
// address with the price and who pays, and 助急 call buttons with the network cut.
import { test, expect, hydrated, signIn, saveProfile, fillHome, beijingDate, dayLabel, beijingMinutes, anyOf } from './helpers.mjs';

const PAYERS = { government_purchase: '政府购买服务', subsidy: '服务补贴' };

/**
 * Who pays for `item` at `market` yuan under the rule table, for a stored profile —
 * the table's meaning as the README states it, written here independently of the app:
 * the first active rule by priority whose every given part holds decides; categories
 * and levels count only with their consent.
 */
function expectedQuote(rules, profile, item, market) {
  const categories = profile.consent_categories ? profile.categories : [];
  const level = profile.consent_health ? profile.capability_level : null;
  const applies = ({ condition: c }) => {
    if (c.items?.length && !c.items.includes(item)) return false;
    const ageOk = c.min_age == null || profile.age >= c.min_age;
    const catOk = !c.any_category?.length || c.any_category.some((x) => categories.includes(x));
    const capOk = !c.any_capability?.length || (level != null && c.any_capability.includes(level));
    if (c.age_or_category) return ((ageOk && c.min_age != null) || (catOk && c.any_category?.length > 0)) && capOk;
    return ageOk && catOk && capOk;
  };
  const rule = [...rules].sort((a, b) => a.priority - b.priority || a.id - b.id).find(applies);
  if (!rule) return { rule: null, public: 0, family: market, text: `家庭支付 ${market} 元（市场价）`, why: '依据：市场价' };
  const share = Math.floor((market * Math.min(rule.share_percent, 100)) / 100);
  const pub = rule.cap_yuan == null ? share : Math.min(share, rule.cap_yuan);
  const text = pub > 0 ? `${PAYERS[rule.payer]}承担 ${pub} 元，家庭支付 ${market - pub} 元` : `家庭支付 ${market - pub} 元（市场价）`;
  return { rule, public: pub, family: market - pub, text, why: `依据：${rule.name}` };
}

/** "850 米" / "1.2 公里" / "12 公里" back to metres, and how far the rounding may be off. */
function shownMetres(t) {
  const km = t.match(/^([\d.]+) 公里$/);
  if (km) return { m: parseFloat(km[1]) * 1000, tolerance: km[1].includes('.') ? 50 : 500 };
  return { m: parseFloat(t.match(/^(\d+) 米$/)[1]), tolerance: 5 };
}

test.use({ permissions: ['geolocation'], geolocation: { latitude: 31.5770, longitude: 120.3535 } });

test('a family sets up the profile, sees who pays for 助浴, and 助急 works offline', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  await page.goto('/care');
  await hydrated(page);
  await expect(page.locator('.sos-bar')).toBeVisible();
  await page.getByRole('link', { name: '填写老人信息' }).click();
  await expect(page.getByRole('heading', { name: '老人信息' })).toBeVisible();

  // a missing name and age are named
  await page.getByRole('button', { name: '保存在本机' }).click();
  await expect(page.locator('[data-field="name"]')).toContainText('称呼');
  await expect(page.locator('[data-field="age"]')).toContainText('年龄');

  await page.getByLabel('老人称呼').fill('张大爷');
  await page.getByLabel('年龄（周岁）').fill('82');
  await fillHome(page, '旺庄路 18 号 3 栋 502（示例）');
  await page.getByLabel('联系电话').fill('13812345678');
  await page.getByLabel('独居').check();
  // sensitive data: each with its own consent; the boxes stay off until agreed
  await expect(page.getByLabel('低保', { exact: true })).toBeDisabled();
  await page.getByLabel('我同意提供身份类别').check();
  await page.getByLabel('低保', { exact: true }).check();
  await page.getByRole('button', { name: '保存在本机' }).click();
  await expect(page.locator('.sent-tag')).toHaveText('已保存在本机。');
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.elder')));
  expect(stored.categories).toEqual(['dibao']);
  expect(stored.consent_health).toBe(false);
  expect(Math.abs(stored.lat - 31.575)).toBeLessThan(0.01);

  // 助浴: providers that serve 旺庄, nearest first, and who pays
  await page.goto('/care/item/bathing');
  await hydrated(page);
  const cards = page.locator('.provider');
  await expect(cards.first()).toBeVisible();
  // the same question to the API, from the stored position and street
  const q = new URLSearchParams({ lat: String(stored.lat), lng: String(stored.lng), street: stored.street_id, item: 'bathing' });
  const api = (await (await page.request.get(`/api/v1/providers?${q}`)).json()).providers;
  const rulesBody = await (await page.request.get('/api/v1/subsidy-rules')).json();
  const rules = Array.isArray(rulesBody) ? rulesBody : rulesBody.rules;
  expect(api.length).toBeGreaterThan(1);
  expect(rules.length).toBeGreaterThan(0);
  await expect(cards).toHaveCount(api.length);
  const byId = new Map(api.map((p) => [p.id, p]));
  const shownIds = await cards.evaluateAll((els) => els.map((e) => Number(e.dataset.providerId)));
  expect([...shownIds].sort((a, b) => a - b)).toEqual(api.map((p) => p.id).sort((a, b) => a - b));
  // nearest first: the cards' order by the API's distances, sorted here
  const metres = shownIds.map((id) => byId.get(id).distance_m);
  expect(metres).toEqual([...metres].sort((a, b) => a - b));
  expect(metres[metres.length - 1]).toBeGreaterThan(metres[0]);
  for (const [i, id] of shownIds.entries()) {
    const p = byId.get(id);
    const card = cards.nth(i);
    const shown = shownMetres((await card.locator('.distance').textContent()).trim());
    expect(Math.abs(shown.m - p.distance_m), `distance of ${p.name}`).toBeLessThanOrEqual(shown.tolerance);
    // the price is the provider's, and public + family = the market price, by the rule table
    const offer = p.items.find((x) => x.item === 'bathing');
    await expect(card.locator('.fee')).toHaveText(`${offer.market_price_yuan} 元 / 次 · 约 ${offer.duration_min} 分钟`);
    const want = expectedQuote(rules, stored, 'bathing', offer.market_price_yuan);
    expect(want.public + want.family).toBe(offer.market_price_yuan);
    await expect(card.locator('.who-pays')).toHaveText(want.text);
    await expect(card.locator('.why')).toHaveText(want.why);
    await expect(card.locator('.quote')).toHaveAttribute('data-rule', String(want.rule?.id ?? 0));
  }
  const first = cards.first();
  await expect(first.locator('.who-pays')).toHaveText(/政府购买服务承担 \d+ 元，家庭支付 0 元/);
  await expect(first.locator('.why')).toContainText('高龄经济困难');
  await expect(first.locator('.sample-tag')).toHaveText('示例');

  // 助急 with the network cut: call buttons at once, nothing queued
  await context.setOffline(true);
  await page.locator('.sos-bar').click();
  await expect(page.getByRole('heading', { name: '助急' })).toBeVisible();
  await expect(page.locator('a.call-120')).toHaveAttribute('href', 'tel:120');
  await expect(page.locator('a.call-provider')).toHaveAttribute('href', /^tel:\d{7,}$/);
  await expect(page.locator('.pending-flag')).toHaveCount(0);
  await context.setOffline(false);
});

test('a family orders 助浴 offline → the provider accepts and assigns → the carer checks in at the door and out → the family sees each step and rates', async ({ page, context, browser }) => {
  test.setTimeout(150_000);
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  await saveProfile(page, '李奶奶', '13812345679');
  await page.goto('/care/item/bathing');
  await hydrated(page);
  const station = page.locator('.provider', { hasText: '旺庄街道居家养老服务站' });
  // the price the order page will show, from the API's provider and rule table
  const stationId = Number(await station.getAttribute('data-provider-id'));
  const offer = (await (await page.request.get(`/api/v1/providers/${stationId}`)).json()).items.find((x) => x.item === 'bathing');
  const rulesBody = await (await page.request.get('/api/v1/subsidy-rules')).json();
  const profile = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.elder')));
  const want = expectedQuote(Array.isArray(rulesBody) ? rulesBody : rulesBody.rules, profile, 'bathing', offer.market_price_yuan);
  await station.getByRole('link', { name: '预约上门' }).click();
  await expect(page.getByRole('heading', { name: '预约助浴' })).toBeVisible();
  await expect(page.locator('label.timeslot:not(.full) input').first()).toBeVisible();
  // a visit on another day than today (Beijing), two to six days ahead: still another day if
  // the test runs across midnight, and within the carer's list (yesterday to a week ahead)
  const values = await page.locator('label.timeslot:not(.full) input').evaluateAll((els) => els.map((e) => e.value));
  const days = [2, 3, 4, 5, 6].map((n) => beijingDate(n));
  const chosen = values.find((v) => days.includes(v.split('|')[1]));
  expect(chosen, `an open timeslot on one of ${days.join(', ')} among ${values.join(', ')}`).toBeTruthy();
  const visitDate = chosen.split('|')[1];
  await context.setOffline(true);
  // consent is asked, with the provider named
  await page.locator(`label.timeslot:not(.full) input[value="${chosen}"]`).check();
  await page.getByRole('button', { name: '确认下单' }).click();
  await expect(page.locator('[data-field="consents.provider_share"]')).toContainText('同意');
  await page.locator('input[name="consent"]').check();
  // the categories (and level) go to the provider only with their own consent: priced without them first
  const withheld = expectedQuote(Array.isArray(rulesBody) ? rulesBody : rulesBody.rules, { ...profile, consent_categories: false, consent_health: false }, 'bathing', offer.market_price_yuan);
  const payer = withheld.rule && withheld.public > 0 ? PAYERS[withheld.rule.payer] : '政府';
  await expect(page.locator('.order .who-pays')).toHaveText(`${payer}承担 ${withheld.public} 元，家庭支付 ${withheld.family} 元`);
  expect(withheld.public).toBeLessThan(want.public);
  await page.locator('input[name="consent_categories"]').check();
  if (profile.capability_level) await page.locator('input[name="consent_health"]').check();
  // 82 and living alone: the weekly 探访 by this provider is asked for on its own
  await page.locator('input[name="consent_weekly"]').check();
  await expect(page.locator('.order .who-pays')).toHaveText(/政府购买服务承担 \d+ 元，家庭支付 0 元/);
  await expect(page.locator('.order .who-pays')).toHaveText(`政府购买服务承担 ${want.public} 元，家庭支付 ${want.family} 元`);
  expect(want.public).toBe(offer.market_price_yuan);
  await page.getByRole('button', { name: '确认下单' }).click();
  await expect(page).toHaveURL(/\/care\/orders$/);
  const row = page.locator('.orders li').first();
  await expect(row.locator('.status')).toHaveText('已保存待发送');
  await context.setOffline(false);
  await expect(row.locator('.status')).toHaveText('已提交', { timeout: 15_000 });
  const id = await row.getAttribute('data-order-id');

  // the provider, on a tablet
  const desk = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true, locale: 'zh-CN' });
  const op = await desk.newPage();
  await signIn(op, 'op-xinwu-yanglao');
  await expect(op.getByRole('heading', { name: '上门服务订单' })).toBeVisible();
  // the 旺庄 station among the organisation's providers
  await op.getByRole('button', { name: /旺庄街道居家养老服务站/ }).click();
  const item = op.locator(`.order-item[data-order-id="${id}"]`);
  await expect(item).toBeVisible({ timeout: 15_000 });
  await expect(item).toContainText('家属申报：低保（待核实）');
  await item.getByRole('button', { name: '接单' }).click();
  await expect(op.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
  const accepted = op.locator(`.order-item[data-order-id="${id}"]`);
  await expect(accepted.locator('.state')).toHaveText('已接单');
  await accepted.getByLabel('护理员').selectOption({ index: 1 });
  await accepted.getByRole('button', { name: '派单' }).click();
  await expect(op.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
  await op.locator(`.order-item[data-order-id="${id}"]`).getByRole('button', { name: '已核实身份' }).click();
  await expect(op.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });

  // the family's next sync: 已派单 with the carer's name, level and certificate
  await page.reload();
  await hydrated(page);
  const done = page.locator(`.orders li[data-order-id="${id}"]`);
  await expect(done.locator('.status')).toHaveText('已派单', { timeout: 15_000 });
  await expect(done.locator('.carer')).toContainText(/护理员：.+（示例） · .级养老护理员 · 证书 示例-/);
  await expect(done).toContainText('已核实');
  await desk.close();

  // the carer's phone, with its position emulated at the address
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN',
    permissions: ['geolocation'], geolocation: { latitude: 31.5770, longitude: 120.3535 },
  });
  const carer = await phone.newPage();
  // a visit on another day than today asks before checking in (there is no undo)
  const asked = [];
  let answer = 'dismiss';
  carer.on('dialog', (dlg) => {
    asked.push(`${dlg.type()}: ${dlg.message()}`);
    return answer === 'accept' ? dlg.accept() : dlg.dismiss();
  });
  await signIn(carer, 'carer-wangzhuang');
  await expect(carer.getByRole('heading', { name: '我的上门任务' })).toBeVisible();
  const visit = carer.locator(`.visit[data-order-id="${id}"]`);
  await expect(visit).toContainText('旺庄路 20 号 1 栋 101（示例）');
  await expect(visit).not.toContainText('低保');
  // at the door without signal: the tap is kept on the phone with its time
  await phone.setOffline(true);
  const question = `confirm: 这是 ${dayLabel(visitDate)} 的任务，不是今天的。确定现在签到吗？`;
  const queuedCheckIns = () => carer.evaluate(() => (JSON.parse(localStorage.getItem('yl1.outbox2')) ?? []).filter((i) => i.write.write === 'check_in').length);
  // the carer says no: nothing is checked in
  await visit.getByRole('button', { name: /签到/ }).click();
  expect(asked).toEqual([question]);
  await expect(visit.locator('.state')).toHaveText('已派单');
  await expect(visit.locator('.stamp.check-in')).toHaveCount(0);
  await expect(visit.locator('.pending-tag')).toHaveCount(0);
  expect(await queuedCheckIns()).toBe(0);
  // asked again and confirmed: checked in, once (a check-in from the refused tap would be a second)
  answer = 'accept';
  const tapFrom = Date.now();
  await visit.getByRole('button', { name: /签到/ }).click();
  const tapTo = Date.now();
  // the time of the tap, in Beijing
  const tapClock = anyOf(beijingMinutes(tapFrom, tapTo).map((m) => m.split(' ')[1]));
  expect(asked).toEqual([question, question]);
  await expect(visit.locator('.stamp.check-in')).toContainText(/\d\d:\d\d 签到 · 距地址约 \d+ 米$/);
  await expect(visit.locator('.stamp.check-in')).toHaveText(new RegExp(`^(${tapClock}) 签到 · 距地址约 \\d+ 米$`));
  await expect(visit.locator('.pending-tag')).toHaveText('已保存在手机上，待发送');
  expect(await queuedCheckIns()).toBe(1);
  await phone.setOffline(false);
  await expect(carer.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
  const inService = carer.locator(`.visit[data-order-id="${id}"]`);
  await expect(inService.locator('.state')).toHaveText('服务中');
  await expect(inService.locator('.stamp.check-in')).not.toHaveClass(/flagged/);

  // the family sees 服务中 with the check-in
  await page.reload();
  await hydrated(page);
  const mine = page.locator(`.orders li[data-order-id="${id}"]`);
  await expect(mine.locator('.status')).toHaveText('服务中', { timeout: 15_000 });
  await expect(mine.locator('.visit-step.check-in')).toContainText(/护理员 \d\d:\d\d 签到，服务中/);
  // the tap's own time (it reached the server later), in Beijing, whatever the server's zone
  await expect(mine.locator('.visit-step.check-in')).toContainText(new RegExp(`护理员 (${tapClock}) 签到，服务中`));

  // tasks: one not done needs its reason; then 签退
  const tasks = inService.locator('.task');
  await tasks.nth(3).getByLabel('未完成').check();
  await inService.getByRole('button', { name: /签退/ }).click();
  await expect(inService.locator('[data-field="tasks.3.reason"]')).toContainText('请写明原因');
  await tasks.nth(3).getByLabel('未完成的原因').fill('老人说浴室不用整理');
  await tasks.nth(3).getByLabel('未完成的原因').blur();
  await inService.getByRole('button', { name: /签退/ }).click();
  // 已完成 shows once the 签退 is queued (after the position is taken); only then can its
  // delivery be waited for — before, "no pending flag" is also true
  await expect(carer.locator(`.visit[data-order-id="${id}"] .state`)).toHaveText('已完成');
  await expect(carer.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
  // signing out leaves no list of addresses on the phone for the next person
  const cachedKeys = () => carer.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('yl1.carer.visits.')));
  expect((await cachedKeys()).length).toBe(1);
  await carer.getByRole('button', { name: '退出登录' }).click();
  await expect(carer.getByRole('heading', { name: '机构工作台登录' })).toBeVisible();
  expect(await cachedKeys()).toEqual([]);
  await phone.close();

  // the family: 已完成 with what was done, then a rating that is kept until sent
  await page.reload();
  await hydrated(page);
  await expect(mine.locator('.status')).toHaveText('已完成', { timeout: 15_000 });
  await expect(mine.locator('.visit-step.check-out')).toContainText('签退，服务完成');
  await expect(mine.locator('.task-done .not-done')).toContainText('老人说浴室不用整理');
  await mine.getByRole('button', { name: '提交评价' }).click();
  await expect(mine.locator('[data-field="stars"]')).toContainText('1 到 5 星');
  await mine.getByText('5 星', { exact: true }).click();
  await mine.getByLabel('评价（选填）').fill('很细心');
  await mine.getByRole('button', { name: '提交评价' }).click();
  await expect(mine.locator('.rating-given')).toHaveText('您的评价：★★★★★ 很细心');
  await expect(page.locator('.pending-flag')).toHaveCount(0, { timeout: 15_000 });
  await page.reload();
  await hydrated(page);
  await expect(page.locator(`.orders li[data-order-id="${id}"] .rating-given`)).toHaveText('您的评价：★★★★★ 很细心', { timeout: 15_000 });
  // the weekly 探访 this 82-year-old living alone now gets, in the family's log
  await expect(page.locator('.welfare-log')).toContainText('李奶奶');
  await expect(page.locator('.welfare-log .week').first()).toContainText('本周待探访');
});
