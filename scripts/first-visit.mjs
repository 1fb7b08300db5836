// A parent's first visit on a weak link, measured (issue 13's table): fresh profile, phone
// viewport, CPU slowed 4×, network throttled through the DevTools protocol; bytes downloaded
// and time until the page is interactive (hydrated), for `/?area=wuxi-xinwu`.
//
// usage: node scripts/first-visit.mjs BASE_URL [runs per link, default 3]
//        (a release server with sample data: scripts/lighthouse.sh shows how one is started)
import { chromium } from '../tests/node_modules/playwright-core/index.mjs';

const base = process.argv[2];
const runs = Number(process.argv[3] || 3);
if (!base) { console.error('usage: node scripts/first-visit.mjs BASE_URL [runs]'); process.exit(2); }
const kbit = (k) => (k * 1000) / 8;
const LINKS = {
  'Slow 4G (150 ms, 1.6 Mbit/s)': { latency: 150, downloadThroughput: kbit(1600), uploadThroughput: kbit(750) },
  '3G (300 ms, 700 kbit/s)': { latency: 300, downloadThroughput: kbit(700), uploadThroughput: kbit(700) },
  'EDGE (800 ms, 240 kbit/s)': { latency: 800, downloadThroughput: kbit(240), uploadThroughput: kbit(200) },
};
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
console.log(`${'link'.padEnd(30)} ${'KB'.padStart(7)} ${'readable'.padStart(9)} ${'hydrated'.padStart(9)}  (median of ${runs})`);
for (const [name, cond] of Object.entries(LINKS)) {
  const rows = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'br, gzip' } });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...cond });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
    const t0 = Date.now();
    await page.goto(`${base}/?area=wuxi-xinwu`, { waitUntil: 'commit' });
    await page.locator('li.card').first().waitFor({ timeout: 60_000 });
    const readable = Date.now() - t0;
    await page.waitForFunction(() => window.__yilao_hydrated === true, null, { timeout: 120_000, polling: 50 });
    rows.push({ bytes, readable, hydrated: Date.now() - t0 });
    await context.close();
  }
  const med = (k) => rows.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(rows.length / 2)];
  console.log(`${name.padEnd(30)} ${(med('bytes') / 1024).toFixed(0).padStart(7)} ${(med('readable') / 1000).toFixed(1).padStart(8)}s ${(med('hydrated') / 1000).toFixed(1).padStart(8)}s`);
}
await browser.close();
