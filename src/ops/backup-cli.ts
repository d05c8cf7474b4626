/**
 * `npm run backup -- <file>` (or `node dist/ops/backup-cli.js <file>` in production): an online,
 * consistent copy of the SQLite database of DATABASE_URL into <file>, safe while the bot runs.
 * For PostgreSQL it prints the pg_dump command to use and exits 2.
 */
import { DEFAULT_DATABASE_URL, DatabaseUrlError } from '../db/datasource.ts';
import { BackupError, backupDatabase } from './backup.ts';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    process.stderr.write('用法 / usage: npm run backup -- <file>   (e.g. npm run backup -- /var/backups/xianfeng-2026-12-02.db)\n');
    return 2;
  }
  const url = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  try {
    const started = performance.now();
    const r = await backupDatabase(url, file);
    const ms = Math.round(performance.now() - started);
    process.stdout.write(`备份完成 / backup written: ${r.file} (${r.pages} pages, ${r.bytes} bytes, ${ms} ms) from ${r.source}\n`);
    return 0;
  } catch (err) {
    if (err instanceof BackupError || err instanceof DatabaseUrlError) {
      process.stderr.write(`备份失败 / backup failed: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main();
