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
  return [
    coreFeature(services.registry),
    pledgesFeature(),
    quizzesFeature(services),
    meetingsFeature(services),
    suggestionsFeature(),
    reportFeature(services.registry),
  ];
}
