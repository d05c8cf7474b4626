/**
 * Pledges (双承诺, 党员先锋岗): members, branches and the township committee pledge targets for the
 * year; check-ins (打卡) move them; /pledges shows progress bars, overdue marks and the township's
 * roll-up; reminders escalate from a private nudge to a group mention to the secretary; the
 * year-end public report (公示) comes out in /report and /export.
 *
 * One command a file in `commands/` (the forms are in each file and in `prompts/zh-CN/pledges.yaml`):
 * `/pledge` (create, `修改`, `撤回`, `完成`; `--支部`, `--党委`), `/checkin` (`撤销`), `/pledges`
 * (`我的`, `#N`, `各支部`, `免提醒`, `恢复提醒`, `提醒`). The pure rules are in `rules.ts` and `parse.ts`.
 */
import type { Feature } from '../../bot/feature.ts';
import { checkinCommand } from './commands/checkin.ts';
import { pledgeCommand } from './commands/pledge.ts';
import { pledgesCommand } from './commands/pledges.ts';
import { claimConfirmation } from './claim.ts';
import { PendingCheckins } from './confirm.ts';
import { DEFAULT_REMINDER_SETTINGS, pledgesJobs } from './jobs.ts';
import { profileLines } from './profile.ts';
import { pledgesReport } from './report.ts';
import type { ReminderSettings } from './store.ts';

/** For the scheduler and tests: one round of reminders and its job name (see jobs.ts). */
export { REMINDER_JOB, runPledgeReminders } from './jobs.ts';
/** For tests: a unit's pledge completion (see evaluation.ts). */
export { pledgeCompletion } from './evaluation.ts';

/** How the pledges feature is set up. */
export interface PledgesOptions {
  /** Reminder settings of units that have not set their own (default 7 days, then 2 between stages). */
  readonly reminders?: ReminderSettings;
  /** When the daily reminder job runs (5-field cron in the org time zone; default 09:00). */
  readonly reminderCron?: string;
  /** Most pledges one /pledges list shows (default 50). */
  readonly maxListed?: number;
}

/** Builds the pledges feature. */
export function pledgesFeature(options: PledgesOptions = {}): Feature {
  const defaults = options.reminders ?? DEFAULT_REMINDER_SETTINGS;
  const pending = new PendingCheckins();
  return {
    name: 'pledges',
    commands: [pledgeCommand, checkinCommand(pending), pledgesCommand({ maxListed: options.maxListed ?? 50, defaults })],
    profileLines,
    claimAnswer: (ctx, text) => claimConfirmation(ctx, text, pending),
    reportSections: (ctx, scope) => pledgesReport(ctx, scope, defaults),
    jobs: pledgesJobs(defaults, options.reminderCron),
  };
}
