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
import { attendancePart, loadMeetingKinds } from './meetings/api.ts';
import { pledgesPart } from './pledges/api.ts';
import { newPollsRuntime, satisfactionPart } from './polls/api.ts';
import { duesPart } from './dues/api.ts';
import { reviewPart } from './review/api.ts';
import { reviewFeature } from './review/index.ts';
import { reviewOfPoll } from './review/api.ts';
import { ledgerPart } from './records/api.ts';
import { tasksPart } from './tasks/api.ts';
import { evaluationFeature } from './evaluation/index.ts';
import type { EvaluationPart } from './evaluation/api.ts';
import { pollsFeature } from './polls/index.ts';
import { tasksFeature } from './tasks/index.ts';
import { recordsFeature } from './records/index.ts';
import { membersFeature } from './members/index.ts';
import { settingsFeature } from './settings/index.ts';
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
  // One store of staged anonymous ballots: the review's 民主测评 votes through the polls slice.
  const pollsRuntime = newPollsRuntime(services.logger, reviewOfPoll);
  return [
    coreFeature(services.registry),
    pledgesFeature(),
    quizzesFeature(services),
    pollsFeature({ logger: services.logger, retentionDays: services.config.BOT_RETENTION_DAYS, runtime: pollsRuntime }),
    evaluationFeature({ promptsDir: services.promptsDir, parts: evaluationParts(services) }),
    meetingsFeature(services),
    recordsFeature(services),
    suggestionsFeature(),
    tasksFeature({ staleDays: services.config.TASK_STALE_DAYS, dataDir: services.config.BOT_DATA_DIR }),
    membersFeature(),
    settingsFeature(),
    careFeature(),
    duesFeature(),
    reviewFeature(pollsRuntime),
    reportFeature(services.registry, { dataDir: services.config.BOT_DATA_DIR, logger: services.logger }),
  ];
}

/**
 * The parts of the annual evaluation, in report order; each comes from its slice's api.ts and is
 * weighted by its key in `prompts/evaluation.yaml`. A new part adds one line here.
 */
export function evaluationParts(services: Pick<FeatureServices, 'config' | 'promptsDir'>): EvaluationPart[] {
  return [
    pledgesPart,
    attendancePart,
    satisfactionPart,
    ledgerPart(loadMeetingKinds(services.promptsDir, services.config.BOT_LOCALE)),
    tasksPart,
    reviewPart,
    duesPart,
  ];
}
