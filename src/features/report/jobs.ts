/** The report slice's timed work: the daily removal of exported files older than 30 days (cleanup.ts). */
import path from 'node:path';
import type { Logger } from '../../logger.ts';
import type { Scheduler } from '../../scheduler/contract.ts';
import { EXPORT_CLEANUP_JOB, removeOldExports } from './cleanup.ts';

/** Registers the cleanup of `dataDir/exports` at 04:20 (org time zone); nothing without a `dataDir`. */
export function reportJobs(options: { dataDir?: string; logger?: Logger }): (scheduler: Scheduler) => void {
  return (scheduler) => {
    const { dataDir } = options;
    if (!dataDir) return;
    scheduler.cron(
      EXPORT_CLEANUP_JOB,
      '20 4 * * *',
      async (job) => {
        const removed = await removeOldExports(path.join(dataDir, 'exports'), job.now());
        if (removed.length) options.logger?.info({ removed: removed.length }, 'old exported files removed');
      },
      { reportMissed: false },
    );
  };
}
