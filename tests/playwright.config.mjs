// Browser tests: Debian's Chromium (never a downloaded browser), a phone viewport,
// against the real server binary on its own port with a fresh SQLite database.
import { defineConfig, devices } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const port = Number(process.env.E2E_PORT || 3917);
// Workers load this file again: keep the main process's database for all of them.
process.env.YILAO_E2E_DB_DIR ||= fs.mkdtempSync(path.join(os.tmpdir(), 'yilao-e2e-'));
const dbDir = process.env.YILAO_E2E_DB_DIR;
const serverBin = path.resolve(root, process.env.SERVER_BIN || 'target/debug/server');

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
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
    command: `${serverBin} serve`,
    cwd: root,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      DATABASE_URL: `sqlite://${dbDir}/e2e.db`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: path.join(root, 'target/site'),
      RUST_LOG: 'warn',
    },
  },
});
