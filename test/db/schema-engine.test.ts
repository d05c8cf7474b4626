// The schema-engine stand-in (prisma/engine) driven by the real prisma CLI in a scratch project:
// the development commands that need the work-arounds (shadow databases, reset, scripts) work.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEngineArgs, rpcError } from '../../prisma/engine/server.ts';
import { PROJECT_ROOT } from '../../src/db/paths.ts';
import { describePg, emptyPostgres, pgUrl } from '../support/db.ts';
import { prisma } from './prisma-cli.ts';

const SLOW = 300_000;
const ENGINE = path.join(PROJECT_ROOT, 'prisma', 'engine', 'schema-engine.mjs');

/** A scratch project: prisma.config.ts (plain object, engine set as in ours) and schema.prisma. */
function scratchProject(provider: 'sqlite' | 'postgresql', models: string): { dir: string; setModels(m: string): void; migrations(): string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `xianfeng-engine-${provider}-`));
  fs.writeFileSync(
    path.join(dir, 'prisma.config.ts'),
    `process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= ${JSON.stringify(ENGINE)};\n` +
      `export default { schema: 'schema.prisma', migrations: { path: 'migrations' }, datasource: { url: process.env.DATABASE_URL } };\n`,
  );
  const setModels = (m: string) => fs.writeFileSync(path.join(dir, 'schema.prisma'), `datasource db {\n  provider = "${provider}"\n}\n\n${m}`);
  setModels(models);
  const migrations = () => (fs.existsSync(path.join(dir, 'migrations')) ? fs.readdirSync(path.join(dir, 'migrations')).filter((n) => n !== 'migration_lock.toml').sort() : []);
  return { dir, setModels, migrations };
}

const MODELS = `model Unit {
  id      Int      @id @default(autoincrement())
  name    String   @unique
  members Member[]
}

model Member {
  id     Int    @id @default(autoincrement())
  name   String
  unitId Int
  unit   Unit   @relation(fields: [unitId], references: [id])
}
`;
/** The same with a new column and another onDelete: SQLite must rebuild the table (a multi-statement script). */
const MODELS_2 = MODELS.replace('  name   String\n', '  name   String\n  note   String @default("")\n').replace('references: [id])', 'references: [id], onDelete: Cascade)');

function expectOk(run: { code: number; output: string }): void {
  if (run.code !== 0) throw new Error(`prisma exited ${run.code}:\n${run.output}`);
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('schema-engine stand-in: command line and errors', () => {
  it('reads the native engine command line', () => {
    expect(parseEngineArgs(['--datamodels', '/a.prisma', '--datamodels', '/b.prisma', '--datasource', '{"url":"file:x.db"}', '--enabled-preview-features', 'x'])).toEqual({
      datamodels: ['/a.prisma', '/b.prisma'],
      url: 'file:x.db',
      cliCommand: undefined,
      version: false,
    });
    expect(parseEngineArgs(['--datasource', '{"url":"postgresql://h/d"}', 'cli', 'create-database'])).toMatchObject({ cliCommand: 'create-database', url: 'postgresql://h/d' });
    expect(parseEngineArgs(['--version']).version).toBe(true);
  });

  it('answers a failed call the way the CLI expects (code 4466, Prisma error code in data)', () => {
    const err = Object.assign(new Error('boom'), { code: 'P3006', meta: { x: 1 } });
    expect(rpcError(err)).toEqual({
      code: 4466,
      message: 'An error happened. Check the data field for details.',
      data: { is_panic: false, message: 'boom', error_code: 'P3006', meta: { x: 1 } },
    });
  });
});

describe('schema-engine stand-in on SQLite, through the prisma CLI', () => {
  it('migrate dev creates migrations (shadow database replaying a table rebuild), migrate reset empties the file', async () => {
    const project = scratchProject('sqlite', MODELS);
    dirs.push(project.dir);
    const url = 'file:./dev.db';
    expectOk(await prisma(['migrate', 'dev', '--name', 'init'], url, project.dir));
    const file = path.join(project.dir, 'dev.db');
    const db = new Sqlite(file);
    db.exec(`INSERT INTO "Unit" (name) VALUES ('一村'); INSERT INTO "Member" (name, "unitId") VALUES ('张三', 1);`);
    db.close();

    project.setModels(MODELS_2);
    expectOk(await prisma(['migrate', 'dev', '--name', 'second'], url, project.dir));
    expect(project.migrations()).toEqual([expect.stringMatching(/^\d{14}_init$/), expect.stringMatching(/^\d{14}_second$/)]);
    const second = fs.readFileSync(path.join(project.dir, 'migrations', project.migrations()[1]!, 'migration.sql'), 'utf8');
    expect(second).toContain('-- RedefineTables');
    const after = new Sqlite(file, { readonly: true });
    expect(after.prepare('SELECT name, note FROM "Member"').all()).toEqual([{ name: '张三', note: '' }]);
    after.close();

    // W6: reset deletes the file (the Wasm engine alone would leave the tables), then re-applies.
    expectOk(await prisma(['migrate', 'reset', '--force'], url, project.dir));
    const reset = new Sqlite(file, { readonly: true });
    expect(reset.prepare('SELECT count(*) AS n FROM "Member"').get()).toEqual({ n: 0 });
    expect(reset.prepare('SELECT count(*) AS n FROM _prisma_migrations').get()).toEqual({ n: 2 });
    reset.close();

    const status = await prisma(['migrate', 'status'], url, project.dir);
    expectOk(status);
    expect(status.output).toContain('Database schema is up to date!');
  }, SLOW);
});

describePg('schema-engine stand-in on PostgreSQL, through the prisma CLI', () => {
  const dbs: { drop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('migrate dev introspects ("char" columns) and replays in a shadow database that is dropped afterwards', async () => {
    const db = await emptyPostgres();
    dbs.push(db);
    const project = scratchProject('postgresql', MODELS);
    dirs.push(project.dir);
    expectOk(await prisma(['migrate', 'dev', '--name', 'init'], db.url, project.dir));
    project.setModels(MODELS_2);
    expectOk(await prisma(['migrate', 'dev', '--name', 'second'], db.url, project.dir));
    expect(project.migrations()).toHaveLength(2);
    const second = fs.readFileSync(path.join(project.dir, 'migrations', project.migrations()[1]!, 'migration.sql'), 'utf8');
    expect(second).toContain('ALTER TABLE "Member" ADD COLUMN     "note" TEXT NOT NULL DEFAULT \'\'');
    expect(await query(pgUrl!, "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'")).toEqual([]);
    const status = await prisma(['migrate', 'status'], db.url, project.dir);
    expectOk(status);
    expect(status.output).toContain('Database schema is up to date!');
  }, SLOW);

  it('migrate deploy runs a script as a whole: a ";" inside a string or comment is kept, a failure leaves nothing', async () => {
    const db = await emptyPostgres();
    dbs.push(db);
    const project = scratchProject('postgresql', 'model T {\n  id Int    @id\n  s  String @default("a;b")\n}\n');
    dirs.push(project.dir);
    const migrations = path.join(project.dir, 'migrations');
    fs.mkdirSync(path.join(migrations, '20200101000000_t'), { recursive: true });
    fs.writeFileSync(path.join(migrations, 'migration_lock.toml'), 'provider = "postgresql"\n');
    fs.writeFileSync(
      path.join(migrations, '20200101000000_t', 'migration.sql'),
      `-- a comment; with a semicolon\nCREATE TABLE "T" ("id" INTEGER NOT NULL, "s" TEXT NOT NULL DEFAULT 'a;b', CONSTRAINT "T_pkey" PRIMARY KEY ("id"));\n`,
    );
    expectOk(await prisma(['migrate', 'deploy'], db.url, project.dir));
    expect(await query(db.url, `INSERT INTO "T" (id) VALUES (1) RETURNING s`)).toEqual([{ s: 'a;b' }]);

    fs.mkdirSync(path.join(migrations, '20200102000000_bad'));
    fs.writeFileSync(path.join(migrations, '20200102000000_bad', 'migration.sql'), 'CREATE TABLE "Half" (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n');
    const failed = await prisma(['migrate', 'deploy'], db.url, project.dir);
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/No such table: nowhere/);
    expect(await query(db.url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`)).toEqual([]);
    expect(await query(db.url, `SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY started_at`)).toEqual([
      { migration_name: '20200101000000_t', finished_at: expect.any(Date) },
      { migration_name: '20200102000000_bad', finished_at: null },
    ]);
  }, SLOW);
});
