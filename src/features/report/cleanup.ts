/**
 * Exported files and charts are kept for `EXPORT_KEEP_DAYS` days in `BOT_DATA_DIR/exports` (where
 * the console and any adapter that saves what it sends put them), then removed by a daily job.
 * The scheduler's occurrence ledger claims each day's run once, across restarts and instances.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** Days an exported file or chart stays in `data/exports`. */
export const EXPORT_KEEP_DAYS = 30;

/** The daily job's name in the scheduler (04:20 in the org time zone). */
export const EXPORT_CLEANUP_JOB = 'report.exports-cleanup';

/**
 * Removes the plain files of `dir` last modified more than `days` days before `now`; returns
 * their names. A missing folder is nothing to clean; sub-folders and links are left alone.
 */
export async function removeOldExports(dir: string, now: Date, days = EXPORT_KEEP_DAYS): Promise<string[]> {
  const cutoff = now.getTime() - days * 86_400_000;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const e of entries) {
    if (!e.isFile()) continue;
    const file = path.join(dir, e.name);
    const { mtimeMs } = await fs.stat(file);
    if (mtimeMs >= cutoff) continue;
    await fs.rm(file, { force: true });
    removed.push(e.name);
  }
  return removed.sort();
}
