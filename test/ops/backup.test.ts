// `npm run backup`: an online copy of the SQLite database taken while rows are being written is a
// consistent snapshot (every row committed before the backup began, and no gap after), opens as a
// bot database, and passes its integrity check; PostgreSQL is refused with the pg_dump line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { BackupError, backupDatabase } from '../../src/ops/backup.ts';
import { freshSqlite } from '../support/db.ts';

let db: (Database & { file: string }) | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

/** Inserts `count` inbound events e<from>.. on a connection of its own (as the bot's would be), in one transaction. */
function insertEvents(file: string, from: number, count: number): void {
  const conn = new Sqlite(file, { fileMustExist: true, timeout: 5000 });
  try {
    const insert = conn.prepare("INSERT INTO InboundEvent (platform, eventId, payload, status, receivedAt) VALUES ('console', ?, ?, 'done', ?)");
    conn.transaction(() => {
      for (let n = from; n < from + count; n++) insert.run(`e${n}`, JSON.stringify({ n, text: '学习二十大精神 🇨🇳' }), Date.now());
    })();
  } finally {
    conn.close();
  }
}

describe('backupDatabase', () => {
  it('copies every committed row while writes go on, into a file that opens on its own', async () => {
    db = await freshSqlite();
    const target = path.join(path.dirname(db.file), 'backup.db');
    insertEvents(db.file, 0, 2000);
    const before = 2000;

    let writing = true;
    let next = before;
    const writer = (async () => {
      while (writing) {
        insertEvents(db!.file, next, 1);
        next++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const result = await backupDatabase(db.url, target);
    writing = false;
    await writer;

    expect(result.file).toBe(target);
    expect(result.pages).toBeGreaterThan(0);
    expect(fs.existsSync(`${target}-wal`)).toBe(false);
    expect(fs.readdirSync(path.dirname(target)).filter((f) => f.includes('.partial-'))).toEqual([]);
    const copy = new Sqlite(target, { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      const ids = copy.prepare('SELECT eventId FROM InboundEvent ORDER BY id').pluck().all() as string[];
      // A snapshot: every row committed before the backup, then an unbroken run of the rows written during it.
      expect(ids.length).toBeGreaterThanOrEqual(before);
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => `e${i}`));
      expect(copy.prepare('SELECT COUNT(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL').pluck().get()).toBeGreaterThan(0);
    } finally {
      copy.close();
    }
    // The copy is a working bot database.
    const restored = await openDatabase(`file:${target}`);
    try {
      expect(await restored.db.inboundEvent.count({ where: { eventId: 'e0' } })).toBe(1);
    } finally {
      await restored.close();
    }
  });

  it('refuses PostgreSQL with the pg_dump line, and a target that is the database', async () => {
    await expect(backupDatabase('postgresql://xf:s3cret@db.example:5433/xianfeng', '/tmp/x.dump')).rejects.toThrow(
      /pg_dump --format=custom --host=db\.example --port=5433 --username=xf --dbname=xianfeng --file=\/tmp\/x\.dump/,
    );
    await expect(backupDatabase('postgresql://xf:s3cret@db.example/xianfeng', '/tmp/x.dump')).rejects.not.toThrow(/s3cret/);
    db = await freshSqlite();
    await expect(backupDatabase(db.url, db.file)).rejects.toThrow(BackupError);
    await expect(backupDatabase(db.url, path.join(db.file, 'nope', 'x.db'))).rejects.toThrow(/does not exist/);
  });

  it('npm run backup -- <file> writes the copy and says where', async () => {
    db = await freshSqlite();
    insertEvents(db.file, 0, 50);
    const target = path.join(path.dirname(db.file), 'cli-copy.db');
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'src/ops/backup-cli.ts', target], { env: { ...process.env, DATABASE_URL: db.url }, encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain(`backup written: ${target}`);
    const copy = new Sqlite(target, { readonly: true, fileMustExist: true });
    try {
      expect(copy.prepare('SELECT COUNT(*) FROM InboundEvent').pluck().get()).toBe(50);
    } finally {
      copy.close();
    }
  });
});
