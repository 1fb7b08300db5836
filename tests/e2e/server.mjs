// A second server of the same build for one spec: its own database, port and (when the
// spec changes the site) its own copy of the site — the build under test is never touched.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { root, serverBin, siteRoot } from './env.mjs';

/** A port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `server serve [--sample]`. `copySite`: serve a copy of the site (`site` in the
 * answer) the test may change. `before(databaseUrl, run)`: runs CLI commands on the empty
 * database first (`run(args, env)` runs the server binary with that database).
 */
export async function startServer({ sample = true, copySite = false, before } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yilao-e2e-second-'));
  const site = copySite ? path.join(dir, 'site') : siteRoot;
  if (copySite) fs.cpSync(siteRoot, site, { recursive: true });
  const databaseUrl = `sqlite://${dir}/second.db?mode=rwc`;
  const run = (args, env = {}) =>
    execFileSync(serverBin, args, { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl, RUST_LOG: 'warn', ...env } }).toString();
  if (before) await before(databaseUrl, run);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = [];
  const proc = spawn(serverBin, sample ? ['serve', '--sample'] : ['serve'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_SITE_ROOT: site, RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (b) => { log.push(b.toString()); if (log.length > 50) log.shift(); };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`second server exited with ${proc.exitCode}: ${log.join('')}`);
    }
    const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`second server not up after 90 s: ${log.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { base, site, stop, run };
}
