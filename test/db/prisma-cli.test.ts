// The real prisma CLI, spawned with nothing but PATH, HOME and DATABASE_URL in its environment:
// prisma.config.ts must point it at the project's schema-engine stand-in, so nothing is
// downloaded, and what it reports must agree with the start-up migrator.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, readMigrations } from '../../src/db/migrate.ts';
import { MIGRATIONS_DIRS } from '../../src/db/paths.ts';
import { flavourOf, PROJECT_LAYOUT } from '../../prisma/schema-flavours.ts';
import { describePg, emptyPostgres, pgUrl } from '../support/db.ts';
import { prisma, type CliRun } from './prisma-cli.ts';

const SLOW = 240_000;

/** Fails with the CLI's output when it exited otherwise than expected. */
function expectExit(run: CliRun, code: number): void {
  if (run.code !== code) throw new Error(`prisma exited ${run.code}, expected ${code}:\n${run.output}`);
  expect(run.output).not.toMatch(/download/i);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('prisma CLI on SQLite, offline', () => {
  it('reports the stand-in as its schema engine', async () => {
    const run = await prisma(['--version'], 'file:./data/xianfeng.db');
    expectExit(run, 0);
    expect(run.output).toMatch(/Schema Engine\s*: schema-engine-cli 59be4fda\S* \(xianfeng stand-in .*prisma\/engine\/schema-engine\.mjs/);
  }, SLOW);

  it('migrate deploy creates and migrates a new file; migrate status then says up to date', async () => {
    const url = `file:${path.join(tmp, 'deploy', 'x.db')}`;
    const deploy = await prisma(['migrate', 'deploy'], url);
    expectExit(deploy, 0);
    expect(deploy.output).toContain('All migrations have been successfully applied.');
    const status = await prisma(['migrate', 'status'], url);
    expectExit(status, 0);
    expect(status.output).toContain('Database schema is up to date!');
  }, SLOW);

  it('agrees with the start-up migrator: up to date after migrateDatabase, behind on an empty file', async () => {
    const migrated = `file:${path.join(tmp, 'ours.db')}`;
    await migrateDatabase(migrated);
    const status = await prisma(['migrate', 'status'], migrated);
    expectExit(status, 0);
    expect(status.output).toContain('Database schema is up to date!');

    fs.writeFileSync(path.join(tmp, 'empty.db'), '');
    const behind = await prisma(['migrate', 'status'], `file:${path.join(tmp, 'empty.db')}`);
    expectExit(behind, 1);
    for (const m of readMigrations(MIGRATIONS_DIRS.sqlite)) expect(behind.output).toContain(m.name);
    expect(behind.output).toMatch(/not yet been applied/);
  }, SLOW);

  it('the committed SQLite migrations match prisma/schema (migrate diff is empty)', async () => {
    const run = await prisma(
      ['migrate', 'diff', '--from-migrations', PROJECT_LAYOUT.migrationsDirs.sqlite, '--to-schema', PROJECT_LAYOUT.schemaDir, '--exit-code'],
      `file:${path.join(tmp, 'diff.db')}`,
    );
    if (run.code === 2) throw new Error(`prisma/schema changed without a migration: run \`npm run db:migration -- <name>\`\n${run.output}`);
    expectExit(run, 0);
    expect(run.output).toContain('No difference detected.');
  }, SLOW);
});

describePg('prisma CLI on PostgreSQL, offline', () => {
  const dbs: { drop(): Promise<void> }[] = [];
  const fresh = async () => {
    const db = await emptyPostgres();
    dbs.push(db);
    return db.url;
  };
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  const shadowDatabases = async (): Promise<string[]> => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'");
      return rows.map((r) => r.datname);
    } finally {
      await client.end();
    }
  };

  it('migrate deploy migrates a new database; migrate status then says up to date', async () => {
    const url = await fresh();
    const deploy = await prisma(['migrate', 'deploy'], url);
    expectExit(deploy, 0);
    expect(deploy.output).toContain('All migrations have been successfully applied.');
    const status = await prisma(['migrate', 'status'], url);
    expectExit(status, 0);
    expect(status.output).toContain('Database schema is up to date!');
  }, SLOW);

  it('agrees with the start-up migrator', async () => {
    const url = await fresh();
    await migrateDatabase(url);
    const status = await prisma(['migrate', 'status'], url);
    expectExit(status, 0);
    expect(status.output).toContain('Database schema is up to date!');
  }, SLOW);

  it('the committed PostgreSQL migrations match the PostgreSQL flavour of prisma/schema (migrate diff is empty)', async () => {
    const url = await fresh();
    const before = await shadowDatabases();
    const run = await prisma(
      ['migrate', 'diff', '--from-migrations', PROJECT_LAYOUT.migrationsDirs.postgresql, '--to-schema', flavourOf('postgresql').schemaDir, '--exit-code'],
      url,
    );
    if (run.code === 2) throw new Error(`prisma/schema changed without a migration: run \`npm run db:migration -- <name>\`\n${run.output}`);
    expectExit(run, 0);
    expect(run.output).toContain('No difference detected.');
    // The shadow database the diff replayed the migrations in is gone again (work-around W5).
    expect((await shadowDatabases()).filter((d) => !before.includes(d))).toEqual([]);
  }, SLOW);
});
