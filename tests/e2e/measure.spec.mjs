// Numbers for the closing note, measured in the browser (and checked against bounds).
import { test, expect, hydrated, cachedDistrict } from './helpers.mjs';

test('measure: bytes of localStorage for 新吴区, and online → outbox empty for 20 queued items', async ({ page, context }) => {
  page.expectConsole.push(/ERR_INTERNET_DISCONNECTED/);
  await page.goto('/?area=wuxi-xinwu');
  await hydrated(page);
  await cachedDistrict(page, 'wuxi-xinwu');
  const bytes = await page.evaluate(() => {
    const v = localStorage.getItem('yl1.area.wuxi-xinwu');
    return { chars: v.length, utf16Bytes: (v.length + 'yl1.area.wuxi-xinwu'.length) * 2, places: JSON.parse(v).places.length };
  });
  console.log(`MEASURE localStorage 新吴区: ${bytes.places} places, ${bytes.utf16Bytes} bytes (UTF-16), ${bytes.chars} chars`);
  expect(bytes.utf16Bytes).toBeLessThan(1_500_000);
  // the storage panel reports it
  await page.goto('/outbox');
  await hydrated(page);
  const shown = Number(await page.locator('.storage .bytes').getAttribute('data-bytes'));
  expect(shown).toBeGreaterThanOrEqual(bytes.utf16Bytes);

  // 20 taps offline on 收藏/已收藏 of one place: 20 items, in order
  const id = (await (await page.request.get('/api/v1/places?area=wuxi-xinwu-jiangxi&limit=1')).json()).places[0].id;
  await page.goto(`/places/${id}`);
  await hydrated(page);
  await context.setOffline(true);
  for (let i = 0; i < 20; i++) {
    await page.locator('button.save').click();
  }
  await expect(page.locator('.pending-flag')).toHaveText('20 条待发送');
  await expect(page.getByRole('button', { name: '☆ 收藏' })).toBeVisible(); // an even number of taps
  const t0 = Date.now();
  await context.setOffline(false);
  await expect(page.locator('.pending-flag')).toHaveCount(0, { timeout: 30_000 });
  const ms = Date.now() - t0;
  console.log(`MEASURE online → outbox empty for 20 items: ${ms} ms`);
  const key = await page.evaluate(() => JSON.parse(localStorage.getItem('yl1.device')));
  const favs = await (await page.request.get('/api/v1/favorites', { headers: { 'X-Device-Key': key } })).json();
  expect(favs.favorites).toEqual([]); // delivered in order: save, unsave, … ends unsaved
});
