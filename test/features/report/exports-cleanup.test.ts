// Issue 17: exported files and charts older than 30 days are removed from data/exports by a daily
// job that the scheduler's occurrence ledger runs once per day (a manual clock; file times set by hand).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import { EXPORT_CLEANUP_JOB } from '../../../src/features/report/cleanup.ts';
import { freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';

let bot: TestBot | undefined;
let close: (() => Promise<void>) | undefined;
let dir: string | undefined;
afterEach(async () => {
  await bot?.stop();
  await close?.();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  bot = close = dir = undefined;
});

const DAY = 86_400_000;

/** Writes `name` in the exports folder, last modified `daysAgo` days before `now`. */
function exported(exportsDir: string, name: string, now: Date, daysAgo: number): void {
  const file = path.join(exportsDir, name);
  fs.writeFileSync(file, 'x');
  const t = new Date(now.getTime() - daysAgo * DAY);
  fs.utimesSync(file, t, t);
}

describe('exports cleanup', () => {
  it('removes files older than 30 days once a day, keeps newer ones and folders', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xf-exports-'));
    const exportsDir = path.join(dir, 'exports');
    fs.mkdirSync(path.join(exportsDir, 'keep-folder'), { recursive: true });
    const db = await freshSqlite();
    close = () => db.close();
    const clock = new ManualClock('2026-04-01T01:00:00Z'); // 09:00 in Shanghai
    bot = await startTestBot(db, { clock, env: { BOT_DATA_DIR: dir }, features: (all) => all.filter((f) => ['core', 'report'].includes(f.name)) });
    expect(bot.app.jobs.cronJobs.get(EXPORT_CLEANUP_JOB)?.expression).toBe('20 4 * * *');

    clock.set('2026-04-01T20:30:00Z'); // 04:30 on 2 April in Shanghai: the day's run is due
    exported(exportsDir, '东北流村-2026-台账.csv', clock.now(), 31);
    exported(exportsDir, 'chart-1.png', clock.now(), 29);
    await bot.app.scheduler.runDue(clock.now());
    expect(fs.readdirSync(exportsDir).sort()).toEqual(['chart-1.png', 'keep-folder']);
    expect(await db.db.scheduleOccurrence.count({ where: { job: EXPORT_CLEANUP_JOB } })).toBe(1);

    // The same day again (another pass, another instance): the occurrence is taken, nothing runs.
    exported(exportsDir, 'old-again.csv', clock.now(), 40);
    await bot.app.scheduler.runDue(clock.now());
    expect(fs.readdirSync(exportsDir).sort()).toEqual(['chart-1.png', 'keep-folder', 'old-again.csv']);

    // Two days later: the old file goes, and chart-1.png is now 31 days old.
    clock.set('2026-04-03T20:30:00Z');
    await bot.app.scheduler.runDue(clock.now());
    expect(fs.readdirSync(exportsDir).sort()).toEqual(['keep-folder']);
  });
});
