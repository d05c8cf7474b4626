/**
 * Builds a scheduler engine for tests: real prompts, text-only platforms (console and telegram),
 * a silent logger, a manual clock; and drives it the way its timer does in production.
 */
import path from 'node:path';
import { pino } from 'pino';
import { loadPrompts, translator } from '../../src/bot/i18n.ts';
import type { Translate } from '../../src/bot/feature.ts';
import type { Database } from '../../src/db/client.ts';
import { PROJECT_ROOT } from '../../src/app.ts';
import type { Clock, ManualClock } from '../../src/clock.ts';
import { SchedulerEngine, type PassReport, type SchedulerEngineOptions } from '../../src/scheduler/engine.ts';
import type { JobRegistry } from '../../src/scheduler/registry.ts';
import { TEXT_CAPABILITIES } from '../support/recording-adapter.ts';

let cached: Translate | undefined;

/** The zh-CN translator over the project's prompts. */
export function zh(): Translate {
  cached ??= translator(loadPrompts(path.join(PROJECT_ROOT, 'prompts')), 'zh-CN');
  return cached;
}

/** An engine over `database` for `jobs`, in Asia/Shanghai, console and telegram reachable. */
export function makeEngine(
  database: Database,
  jobs: JobRegistry,
  clock: Clock,
  options: Partial<Pick<SchedulerEngineOptions, 'instanceId' | 'graceMs' | 'onEnqueued' | 'taskConcurrency'>> = {},
): SchedulerEngine {
  return new SchedulerEngine({
    db: database.db,
    jobs,
    clock,
    logger: pino({ level: 'silent' }),
    translate: zh(),
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    capabilitiesOf: (p) => (p === 'wechat' ? undefined : TEXT_CAPABILITIES),
    instanceId: options.instanceId ?? 'test-1',
    graceMs: options.graceMs,
    onEnqueued: options.onEnqueued,
    taskConcurrency: options.taskConcurrency,
  });
}

/**
 * Moves the clock from one due instant to the next, as the production timer does, running each
 * pass, until `end`. Returns every pass's report.
 */
export async function driveUntil(engine: SchedulerEngine, clock: ManualClock, end: Date): Promise<PassReport[]> {
  const reports: PassReport[] = [];
  for (let i = 0; i < 100_000; i++) {
    const next = await engine.nextDueAt();
    if (next === null || next > end) break;
    if (next > clock.now()) clock.set(next);
    reports.push(await engine.runDue(clock.now()));
  }
  clock.set(end);
  reports.push(await engine.runDue(end));
  return reports;
}
