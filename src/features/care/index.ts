/**
 * The care slice (关怀, 条例第二十三条, 第三十三条): `/exempt` exempts elderly, ill or away members
 * from reminders and from attendance, study and check-in rates (other slices ask `api.ts`), a
 * 流动党员's named contact gets the digest of their notices each morning, and each member gets a
 * short private greeting on their 政治生日 (the anniversary of their 入党日期), once.
 */
import type { Feature } from '../../bot/feature.ts';
import type { Scheduler } from '../../scheduler/contract.ts';
import { exemptCommand } from './commands/exempt.ts';
import { morningPass, MORNING_CRON } from './jobs.ts';

/** The recurring job name of the morning pass. */
export const CARE_MORNING_JOB = 'care.morning';

/** Builds the care feature. */
export function careFeature(): Feature {
  return {
    name: 'care',
    commands: [exemptCommand],
    jobs: (scheduler: Scheduler) => scheduler.cron(CARE_MORNING_JOB, MORNING_CRON, morningPass, { reportMissed: false }),
  };
}
