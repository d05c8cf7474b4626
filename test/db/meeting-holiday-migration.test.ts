import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { migrateDatabase, MIGRATIONS_DIRS } from '../../src/db/migrate.ts';

/** The data migration that gives meetings made before the stored holiday rule their kind's default. */
const MIGRATION = '20261202130000_meeting_holiday_default';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of the SQLite migrations folder without `MIGRATION` (the database as it was before). */
function foldersBefore(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-holiday-'));
  dirs.push(dir);
  fs.cpSync(MIGRATIONS_DIRS.sqlite, dir, { recursive: true });
  fs.rmSync(path.join(dir, MIGRATION), { recursive: true });
  return dir;
}

it('gives old meetings without a holiday rule the shipped default of their kind or township schedule', async () => {
  const migrations = foldersBefore();
  const file = path.join(migrations, 'x.db');
  await migrateDatabase(`file:${file}`, { migrationsDir: migrations });
  const db = new Sqlite(file);
  db.pragma('foreign_keys = OFF');
  const insert = db.prepare(
    `INSERT INTO "Meeting" ("unitId","title","cron","place","remindMinutes","template","kind","holiday","createdById","createdAt")
     VALUES (1, ?, '0 9 1 * *', '会议室', 60, ?, ?, ?, 1, 0)`,
  );
  const rows: [string, string | null, string | null, string | null][] = [
    ['主题党日', null, 'theme-day', null],
    ['干部会', 'cadres', null, null],
    ['班子会', null, 'leadership', null],
    ['支委会', null, 'committee', null],
    ['自定', null, null, null],
    ['照开的主题党日', null, 'theme-day', 'keep'],
  ];
  for (const r of rows) insert.run(...r);
  db.close();

  fs.cpSync(path.join(MIGRATIONS_DIRS.sqlite, MIGRATION), path.join(migrations, MIGRATION), { recursive: true });
  expect((await migrateDatabase(`file:${file}`, { migrationsDir: migrations })).applied).toEqual([MIGRATION]);
  const after = new Sqlite(file, { readonly: true });
  const rules = after.prepare('SELECT "title", "holiday" FROM "Meeting" ORDER BY "id"').all();
  after.close();
  expect(rules).toEqual([
    { title: '主题党日', holiday: 'move' },
    { title: '干部会', holiday: 'move' },
    { title: '班子会', holiday: 'move' },
    { title: '支委会', holiday: 'keep' },
    { title: '自定', holiday: 'keep' },
    { title: '照开的主题党日', holiday: 'keep' },
  ]);
});

it('uses the same SQL for PostgreSQL', () => {
  const read = (dir: string) => fs.readFileSync(path.join(dir, MIGRATION, 'migration.sql'), 'utf8');
  expect(read(MIGRATIONS_DIRS.postgresql)).toBe(read(MIGRATIONS_DIRS.sqlite));
});
