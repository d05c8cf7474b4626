/**
 * The tasks slice (工作推进机制: 班子成员包中层、中层干部包村, 定岗责任, 汇报、督查): the chain of
 * responsibility (`/assign`, `/duty`), tasks handed down to units with owners and deadlines
 * (`/task`, `/progress`, `/tasks`), weekly reports (`/weekly`), the daily 督查 pass and the Sunday
 * check of weekly reports (private, once each), the Monday agenda, and task completion in `/report`.
 */
import type { Feature } from '../../bot/feature.ts';
import { assignCommand } from './commands/assign.ts';
import { dutyCommand } from './commands/duty.ts';
import { progressCommand } from './commands/progress.ts';
import { claimForProgress } from './commands/progress-evidence.ts';
import { taskCommand } from './commands/task.ts';
import { tasksCommand } from './commands/tasks.ts';
import { weeklyCommand } from './commands/weekly.ts';
import { runFollowUps, runWeeklyCheck } from './jobs.ts';
import { tasksReport } from './report.ts';

/** When the daily 督查 pass runs (org time zone). */
export const FOLLOW_UP_CRON = '0 9 * * *';
/** When 包村 cadres hear of missing weekly reports: Sunday 18:00. */
export const WEEKLY_CHECK_CRON = '0 18 * * 0';

/** Builds the tasks feature; `staleDays` (TASK_STALE_DAYS) flags tasks with no progress for that long (0: never); evidence goes under `dataDir`. */
export function tasksFeature(options: { staleDays: number; dataDir: string }): Feature {
  return {
    name: 'tasks',
    commands: [assignCommand, dutyCommand, taskCommand, progressCommand(options.dataDir), tasksCommand, weeklyCommand],
    jobs: (scheduler) => {
      scheduler.cron('tasks.followUp', FOLLOW_UP_CRON, (job) => runFollowUps(job, options.staleDays), { reportMissed: false });
      scheduler.cron('tasks.weeklyCheck', WEEKLY_CHECK_CRON, runWeeklyCheck, { reportMissed: false });
    },
    claimAttachments: (ctx, attachments) => claimForProgress(ctx, attachments, options.dataDir),
    reportSections: tasksReport,
  };
}
