/**
 * The list of feature slices the bot runs, in /help order. A new feature adds one line here.
 */
import type { Feature } from '../bot/feature.ts';
import type { CommandRegistry } from '../bot/registry.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { coreFeature } from './core/index.ts';
import { meetingsFeature } from './meetings/index.ts';
import { pledgesFeature } from './pledges/index.ts';
import { reportFeature } from './report/index.ts';
import { suggestionsFeature } from './suggestions/index.ts';
import { quizzesFeature } from './quizzes/index.ts';
import { attendanceRate } from './meetings/store.ts';
import { pledgeCompletion } from './pledges/report.ts';
import { localParts } from '../bot/time.ts';
import { pollsFeature } from './polls/index.ts';
import { scheduleTask } from '../scheduler/tasks.ts';
import { tasksFeature } from './tasks/index.ts';
import { recordsFeature } from './records/index.ts';
import { membersFeature } from './members/index.ts';
import { careFeature } from './care/index.ts';
import { duesFeature } from './dues/index.ts';

/** What feature factories may use at construction time. */
export interface FeatureServices {
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The prompts folder (question banks, default schedules). */
  readonly promptsDir: string;
  /** The registry of all commands (available once every feature is built). */
  readonly registry: () => CommandRegistry;
}

/** Builds every feature. */
export function createFeatures(services: FeatureServices): Feature[] {
  const polls = pollsFeature({
    promptsDir: services.promptsDir,
    logger: services.logger,
    scheduleTask,
    retentionDays: services.config.BOT_RETENTION_DAYS,
    sources: {
      attendanceRate: async (tx, unitId, from, to) => (await attendanceRate(tx, unitId, from, to)).rate,
      // Pledges are yearly: the year the period starts in (org time zone).
      pledgeCompletion: async (tx, unitId, from) => {
        const c = await pledgeCompletion(tx, unitId, localParts(from, services.config.BOT_TIMEZONE).year);
        return c.hasData ? c.share : null;
      },
    },
  });
  return [
    coreFeature(services.registry),
    pledgesFeature(),
    quizzesFeature(services),
    polls,
    meetingsFeature(services),
    recordsFeature(services),
    suggestionsFeature(),
    tasksFeature({ staleDays: services.config.TASK_STALE_DAYS }),
    membersFeature(),
    careFeature(),
    duesFeature(),
    reportFeature(services.registry),
  ];
}
