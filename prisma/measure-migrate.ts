// Measures what applying the committed migrations costs at start-up, two ways: the direct
// applier the bot uses (src/db/migrate.ts) and the Wasm schema engine (prisma/engine, what
// `prisma migrate deploy` runs). Each run is a fresh child process on a fresh database, timed
// inside the child from before the first import to the end (node and tsx boot, the same for
// both, are left out), on an empty database and again once it is up to date. Prints JSON with
// the median and all runs, in milliseconds.
//   npx tsx prisma/measure-migrate.ts [runs]      (PostgreSQL too when TEST_DATABASE_URL is set)
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pgUrlWithDatabase, quotePgIdent } from '../src/db/datasource.ts';
import { PROJECT_ROOT } from '../src/db/paths.ts';

const DIRECT = `
const t0 = performance.now();
const { migrateDatabase } = await import('./src/db/migrate.ts');
await migrateDatabase(process.env.MEASURE_URL);
console.log(performance.now() - t0);`;

const WASM = `
const t0 = performance.now();
const { EngineSession, NO_FILTERS } = await import('./prisma/engine/session.ts');
const { readMigrationList } = await import('./prisma/engine/migration-list.ts');
const { MIGRATIONS_DIRS } = await import('./src/db/paths.ts');
const url = process.env.MEASURE_URL;
const session = await EngineSession.open({ url });
await session.call('applyMigrations', { migrationsList: readMigrationList(MIGRATIONS_DIRS[url.startsWith('file:') ? 'sqlite' : 'postgresql']), filters: NO_FILTERS });
await session.close();
console.log(performance.now() - t0);`;

/** Runs one timed child on `url`; returns its milliseconds. */
function timeChild(code: string, url: string): number {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, MEASURE_URL: url },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`measurement child failed:\n${run.stderr}`);
  return Number(run.stdout.trim().split('\n').pop());
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Timing {
  medianMs: number;
  runsMs: number[];
}

/**
 * Times each variant `runs` times on databases made by `fresh` (removed by `drop`): a start on an
 * empty database (applies everything), then a second start on it (up to date: nothing to apply).
 */
async function measure(runs: number, fresh: () => Promise<string>, drop: (url: string) => Promise<void>) {
  const out: Record<string, { emptyDatabase: Timing; upToDate: Timing }> = {};
  for (const [name, code] of [['direct', DIRECT], ['wasmEngine', WASM]] as const) {
    const first: number[] = [];
    const again: number[] = [];
    for (let i = 0; i < runs; i++) {
      const url = await fresh();
      try {
        first.push(Math.round(timeChild(code, url)));
        again.push(Math.round(timeChild(code, url)));
      } finally {
        await drop(url);
      }
    }
    out[name] = { emptyDatabase: { medianMs: median(first), runsMs: first }, upToDate: { medianMs: median(again), runsMs: again } };
  }
  return out;
}

const runs = Number(process.argv[2] ?? 5);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-measure-'));
const result: Record<string, unknown> = { runs, node: process.version, cpus: os.cpus().length };
try {
  result.sqlite = await measure(
    runs,
    async () => `file:${path.join(tmp, `${crypto.randomUUID()}.db`)}`,
    async () => {},
  );
  const server = process.env.TEST_DATABASE_URL;
  if (server) {
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(sql);
      await c.end();
    };
    result.postgresql = await measure(
      runs,
      async () => {
        const name = `xianfeng_measure_${crypto.randomBytes(4).toString('hex')}`;
        await admin(`CREATE DATABASE ${quotePgIdent(name)}`);
        return pgUrlWithDatabase(server, name);
      },
      async (url) => admin(`DROP DATABASE IF EXISTS ${quotePgIdent(decodeURIComponent(new URL(url).pathname.slice(1)))} WITH (FORCE)`),
    );
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(JSON.stringify(result, null, 2));
