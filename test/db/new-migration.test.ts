// `npm run db:migration -- <name>` (prisma/new-migration.ts), run on a scratch copy of the
// project's schema and migrations so the real ones are never touched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMigration, migrationsMatchSchema, migrationTimestamp, nextMigrationName, parseMigrationArgs, riskySteps } from '../../prisma/new-migration.ts';
import { layoutAt, PROJECT_LAYOUT, type Layout } from '../../prisma/schema-flavours.ts';
import { describePg } from '../support/db.ts';

const SLOW = 300_000;
const quiet = () => {};
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A scratch project holding copies of prisma/schema and both migrations folders. */
function scratchLayout(): Layout {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-newmig-'));
  dirs.push(root);
  const layout = layoutAt(root);
  fs.cpSync(PROJECT_LAYOUT.schemaDir, layout.schemaDir, { recursive: true });
  fs.cpSync(PROJECT_LAYOUT.migrationsDirs.sqlite, layout.migrationsDirs.sqlite, { recursive: true });
  fs.cpSync(PROJECT_LAYOUT.migrationsDirs.postgresql, layout.migrationsDirs.postgresql, { recursive: true });
  return layout;
}

/** A feature's new schema file, as a feature engineer would add it (a name no real feature uses). */
const PROBE_FILE = 'zz_migration_probe.prisma';
const PROBE = `/// A table only these tests add, to a scratch copy of the schema.
model MigrationProbe {
  id       Int    @id @default(autoincrement())
  memberId Int
  target   String
  done     Int    @default(0)

  @@index([memberId])
}
`;

/** A URL of a scratch SQLite file (the engine's main database; the diff itself runs in a shadow). */
function scratchSqlite(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-newmig-db-'));
  dirs.push(dir);
  return `file:${path.join(dir, 'x.db')}`;
}

describe('db:migration arguments and names', () => {
  it('takes one snake_case name and two flags, and says how otherwise', () => {
    expect(parseMigrationArgs(['add_pledges'])).toEqual({ name: 'add_pledges', acceptDataLoss: false, generate: true });
    expect(parseMigrationArgs(['--accept-data-loss', 'x2', '--no-generate'])).toEqual({ name: 'x2', acceptDataLoss: true, generate: false });
    expect(() => parseMigrationArgs([])).toThrow(/^usage: npm run db:migration -- <name>/);
    expect(() => parseMigrationArgs(['a', 'b'])).toThrow(/^usage/);
    expect(() => parseMigrationArgs(['Add-Pledges'])).toThrow(/^bad migration name "Add-Pledges"/);
    expect(() => parseMigrationArgs(['x', '--force'])).toThrow(/^unknown option --force/);
  });

  it('finds the steps of a migration that can lose data or fail on rows', () => {
    const script = [
      '-- DropTable',
      'DROP TABLE "Old";',
      '',
      '-- AlterTable',
      'ALTER TABLE "Pledge" DROP COLUMN "done",',
      'ADD COLUMN     "kind" TEXT NOT NULL,',
      'ADD COLUMN     "note" TEXT NOT NULL DEFAULT \'\',',
      'ADD COLUMN     "maybe" TEXT,',
      'ALTER COLUMN "target" SET DATA TYPE INTEGER;',
      '',
      '-- CreateTable',
      'CREATE TABLE "New" ("id" SERIAL NOT NULL);',
    ].join('\n');
    expect(riskySteps(script)).toEqual([
      'drops table Old and its rows',
      'drops column Pledge.done and its values',
      'changes the type of Pledge.target (values may not convert)',
      'adds required column Pledge.kind without a default (fails if the table has rows)',
    ]);
    expect(riskySteps('-- CreateTable\nCREATE TABLE "A" ("id" SERIAL NOT NULL);\n')).toEqual([]);
  });

  it('names the folder by UTC time, after the newest existing one even if the clock is behind', () => {
    const now = new Date('2026-11-26T12:00:23Z');
    expect(migrationTimestamp(now)).toBe('20261126120023');
    expect(nextMigrationName(['20261126120023_core'], 'b', new Date('2026-11-27T00:00:00Z'))).toBe('20261127000000_b');
    expect(nextMigrationName(['20261126120023_core'], 'b', now)).toBe('20261126120024_b');
    expect(nextMigrationName(['20261231235959_x'], 'b', now)).toBe('20270101000000_b');
    expect(nextMigrationName([], 'b', now)).toBe('20261126120023_b');
  });

  it('refuses to work when the two folders do not hold the same migrations', async () => {
    const layout = scratchLayout();
    fs.mkdirSync(path.join(layout.migrationsDirs.sqlite, '20990101000000_lonely'));
    await expect(createMigration({ name: 'x', acceptDataLoss: false, generate: false }, { layout, log: quiet })).rejects.toThrow(/only in one of them: 20990101000000_lonely/);
  });

  it('the sync check can fail: a model without a migration is a difference', async () => {
    const layout = scratchLayout();
    expect(await migrationsMatchSchema('sqlite', scratchSqlite(), layout)).toMatchObject({ match: true });
    fs.writeFileSync(path.join(layout.schemaDir, PROBE_FILE), PROBE);
    const result = await migrationsMatchSchema('sqlite', scratchSqlite(), layout);
    expect(result.match).toBe(false);
    expect(result.diff).toContain('CREATE TABLE "MigrationProbe"');
  }, SLOW);
});

describePg('npm run db:migration on a scratch copy of the project', () => {
  it('creates the next migration for both providers from a new schema file, and then has nothing to do', async () => {
    const layout = scratchLayout();
    const before = fs.readdirSync(layout.migrationsDirs.sqlite);
    expect(await createMigration({ name: 'nothing', acceptDataLoss: false, generate: false }, { layout, log: quiet })).toBeNull();
    expect(fs.readdirSync(layout.migrationsDirs.sqlite)).toEqual(before);

    fs.writeFileSync(path.join(layout.schemaDir, PROBE_FILE), PROBE);
    const folder = await createMigration({ name: 'probe', acceptDataLoss: false, generate: false }, { layout, now: new Date('2030-01-02T03:04:05Z'), log: quiet });
    expect(folder).toBe('20300102030405_probe');
    const sqlite = fs.readFileSync(path.join(layout.migrationsDirs.sqlite, folder!, 'migration.sql'), 'utf8');
    const postgres = fs.readFileSync(path.join(layout.migrationsDirs.postgresql, folder!, 'migration.sql'), 'utf8');
    expect(sqlite).toContain('"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT');
    expect(postgres).toContain('"id" SERIAL NOT NULL');
    for (const sql of [sqlite, postgres]) expect(sql).toContain('CREATE INDEX "MigrationProbe_memberId_idx" ON "MigrationProbe"("memberId");');
    for (const provider of ['sqlite', 'postgresql'] as const) {
      expect(await migrationsMatchSchema(provider, provider === 'sqlite' ? scratchSqlite() : process.env.TEST_DATABASE_URL!, layout)).toMatchObject({ match: true });
    }
    expect(await createMigration({ name: 'again', acceptDataLoss: false, generate: false }, { layout, log: quiet })).toBeNull();
  }, SLOW);

  it('refuses a change that drops data unless told, and then writes nothing', async () => {
    const layout = scratchLayout();
    fs.writeFileSync(path.join(layout.schemaDir, PROBE_FILE), PROBE);
    const folder = await createMigration({ name: 'probe', acceptDataLoss: false, generate: false }, { layout, log: quiet });
    fs.writeFileSync(path.join(layout.schemaDir, PROBE_FILE), PROBE.replace('  done     Int    @default(0)\n', ''));
    const names = () => [fs.readdirSync(layout.migrationsDirs.sqlite), fs.readdirSync(layout.migrationsDirs.postgresql)];
    const before = names();
    await expect(createMigration({ name: 'drop_done', acceptDataLoss: false, generate: false }, { layout, log: quiet })).rejects.toThrow(
      /can lose data or fail on existing rows:\n {2}drops column MigrationProbe.done and its values\nre-run with --accept-data-loss/,
    );
    expect(names()).toEqual(before);
    const dropped = await createMigration({ name: 'drop_done', acceptDataLoss: true, generate: false }, { layout, log: quiet });
    expect(dropped).not.toBe(folder);
    expect(fs.readFileSync(path.join(layout.migrationsDirs.postgresql, dropped!, 'migration.sql'), 'utf8')).toContain('DROP COLUMN "done"');
  }, SLOW);
});
