// Where this run's server, browser bundle and database are. Shared by the config (main
// process and every worker) and the tests, so that a test can reach the same database
// (the server's CLI) and start a second server from the same build.
//
// Every run gets a fresh database directory. Playwright loads the config again in each
// worker process, so the main process records the directory in the environment together
// with its own pid; a process reuses the directory only when that pid is its own (the
// config imported twice) or its parent's (a worker of this run). A directory left in the
// environment by anything else — an earlier run, a shell that exported it — is never used.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
export const port = Number(process.env.E2E_PORT || 3917);
export const baseURL = `http://127.0.0.1:${port}`;
export const serverBin = path.resolve(root, process.env.SERVER_BIN || 'target/debug/server');
export const siteRoot = path.resolve(root, process.env.E2E_SITE_ROOT || 'target/site');

const DIR = 'YILAO_E2E_DB_DIR';
const OWNER = 'YILAO_E2E_DB_OWNER_PID';

function runDbDir() {
  const owner = process.env[OWNER];
  const dir = process.env[DIR];
  const ours = owner === String(process.pid) || owner === String(process.ppid);
  if (ours && dir && fs.existsSync(dir)) return dir;
  if (process.env.TEST_WORKER_INDEX !== undefined) {
    throw new Error(`worker ${process.pid}: no database directory from its runner (pid ${process.ppid}); got ${DIR}=${dir} from pid ${owner}`);
  }
  const made = fs.mkdtempSync(path.join(os.tmpdir(), 'yilao-e2e-'));
  process.env[DIR] = made;
  process.env[OWNER] = String(process.pid);
  if (!process.env.YILAO_E2E_KEEP_DB) {
    process.on('exit', () => fs.rmSync(made, { recursive: true, force: true }));
  }
  return made;
}

/** This run's database directory (the server's `DATABASE_URL` is `sqlite://<dbDir>/e2e.db`). */
export const dbDir = runDbDir();
export const databaseUrl = `sqlite://${dbDir}/e2e.db`;
