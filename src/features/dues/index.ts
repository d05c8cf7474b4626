/**
 * The dues slice (党费, 条例第十六条, 第三十一条): the months each member has paid, recorded by a
 * secretary (`/dues paid`, several months at once) or imported from a CSV (`/dues import`);
 * members see their own months (`/dues`); the secretary is told privately at 3 and at 6
 * consecutive unpaid months, once each. No money is handled and no amount is asked.
 */
import type { Feature } from '../../bot/feature.ts';
import type { Scheduler } from '../../scheduler/contract.ts';
import { duesCommand } from './commands/dues.ts';
import { DUES_CRON, runDuesCheck } from './jobs.ts';

/** The recurring job name of the daily check. */
export const DUES_JOB = 'dues.check';

/** Builds the dues feature. */
export function duesFeature(): Feature {
  return {
    name: 'dues',
    commands: [duesCommand],
    jobs: (scheduler: Scheduler) => scheduler.cron(DUES_JOB, DUES_CRON, runDuesCheck, { reportMissed: false }),
  };
}
