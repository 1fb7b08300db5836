// Browser tests: Debian's Chromium (never a downloaded browser), a phone viewport,
// against the real server binary on its own port with a fresh SQLite database.
//
// SERVER_BIN (default target/debug/server) and E2E_SITE_ROOT (default target/site) pick the
// build under test; E2E_PORT the port. Every run makes its own database directory
// (e2e/env.mjs); YILAO_E2E_KEEP_DB=1 keeps it after the run.
import { defineConfig, devices } from '@playwright/test';
import { baseURL, databaseUrl, port, root, serverBin, siteRoot } from './e2e/env.mjs';

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    ...devices['Pixel 7'],
    browserName: 'chromium',
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'off',
  },
  webServer: {
    command: `${serverBin} serve --sample`,
    cwd: root,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      DATABASE_URL: databaseUrl,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: siteRoot,
      RUST_LOG: 'warn',
    },
  },
});
