/**
 * The bot assembled: configuration, database, prompts, features, inbox and router, outbox and
 * scheduler around a set of adapters. `main.ts` builds one from the environment; tests build one
 * around a fake platform with an injected clock.
 */
import os from 'node:os';
import path from 'node:path';
import type { Adapter, Capabilities } from './bot/adapter.ts';
import type { Feature, TextTranslate } from './bot/feature.ts';
import type { ScheduleFn } from './bot/context.ts';
import type { Incoming, Platform } from './bot/types.ts';
import { Inbox, type ReceiveOutcome } from './bot/inbox.ts';
import { eventTransactions } from './db/group-commit.ts';
import { CommandRegistry } from './bot/registry.ts';
import { Router } from './bot/router.ts';
import { CommandFlood } from './bot/flood.ts';
import { loadPrompts, translator } from './bot/i18n.ts';
import { OutboxDispatcher, type DispatcherOptions } from './outbox/dispatcher.ts';
import { CallMeter } from './outbox/meter.ts';
import { collectRenderers } from './outbox/deferred.ts';
import { JobRegistry } from './scheduler/registry.ts';
import { SchedulerEngine } from './scheduler/engine.ts';
import { createFeatures } from './features/index.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import { Intake, type EventObserver, type Submitted } from './ops/intake.ts';

/** How to build an app. Only `config`, `database`, `adapters` and `logger` are required. */
export interface AppOptions {
  readonly config: Config;
  readonly database: Database;
  readonly adapters: readonly Adapter[];
  readonly logger: Logger;
  readonly clock?: Clock;
  /** The prompts folder (default `prompts/` of the project). */
  readonly promptsDir?: string;
  /** Names this process in outbox leases and schedule claims (default host name + data dir). */
  readonly instanceId?: string;
  /** Outbox tuning (lease, idle period, rate-limit time scale). */
  readonly outbox?: Partial<Pick<DispatcherOptions, 'leaseMs' | 'idleMs' | 'rateTimeScale' | 'maxAttempts' | 'marksPerWrite' | 'markWriteMs'>>;
  /** Told about every event the adapters hand over (the metrics). */
  readonly observer?: EventObserver;
  /** Events processed at once across chats (default DEFAULT_EVENT_CONCURRENCY); one chat's are always in order. */
  readonly eventConcurrency?: number;
  /** Replaces the feature list (tests of one feature). */
  readonly features?: (defaults: Feature[]) => Feature[];
  /** Replaces how handlers and jobs store one-off tasks (tests that record them instead). */
  readonly scheduleTask?: ScheduleFn;
}

/** A running (or ready to run) bot. */
export interface App {
  readonly config: Config;
  readonly database: Database;
  readonly inbox: Inbox;
  readonly outbox: OutboxDispatcher;
  readonly registry: CommandRegistry;
  readonly jobs: JobRegistry;
  /** Fires recurring jobs and one-off tasks once; tests call `scheduler.runDue(now)`. */
  readonly scheduler: SchedulerEngine;
  /** The prompts in the configured locale, any key (the adapters' own namespaces too); features see it as `Translate`. */
  readonly translate: TextTranslate;
  readonly clock: Clock;
  /** Starts the outbox, recovers unfinished events, starts every adapter, then the scheduler (catching up first). */
  start(): Promise<void>;
  /**
   * Stops the scheduler and stops taking events, lets the events in flight finish, delivers what
   * is due for at most `drainMs` (default 0), then stops the adapters and the outbox. Does not
   * close the database.
   */
  stop(options?: { drainMs?: number }): Promise<void>;
  /** Records and processes one event at once, outside the chat lanes (tests, benchmarks). */
  handle(incoming: Incoming): Promise<ReceiveOutcome>;
  /** Hands one event over exactly as an adapter does (its chat's lane); see `Intake.submit`. */
  submit(incoming: Incoming): Promise<Submitted>;
  /** Resolves when every event handed over is processed, the adapters' follow-up work on them is done (`Adapter.settled`), and the outbox has nothing due for `platform` (or any platform). */
  idle(platform?: Platform): Promise<void>;
}

/** Names this process in outbox leases, schedule claims and connection leases: host name + data dir. */
export function defaultInstanceId(config: Config): string {
  return `${os.hostname()}:${path.resolve(config.BOT_DATA_DIR)}`;
}

/** The project's root folder (where `prompts/` lives). */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/** Builds the bot; validates every prompt file first (a bad prompt stops start-up with its file and key). */
export function createApp(options: AppOptions): App {
  const { config, database, adapters, logger } = options;
  const clock = options.clock ?? systemClock;
  const promptsDir = options.promptsDir ?? path.join(PROJECT_ROOT, 'prompts');
  const translate = translator(loadPrompts(promptsDir), config.BOT_LOCALE);
  const byPlatform = new Map<Platform, Adapter>(adapters.map((a) => [a.platform, a]));
  const capabilitiesOf = (p: Platform): Capabilities | undefined => byPlatform.get(p)?.capabilities;

  // Features are built before the registry that lists them; /help reads it later, through this holder.
  const holder: { registry?: CommandRegistry } = {};
  const defaults = createFeatures({ config, clock, logger, promptsDir, registry: () => holder.registry! });
  const features = options.features ? options.features(defaults) : defaults;
  const registry = (holder.registry = new CommandRegistry(features));
  const jobs = new JobRegistry();
  for (const f of features) f.jobs?.(jobs);

  const instanceId = options.instanceId ?? defaultInstanceId(config);
  const meter = new CallMeter({ db: database.db, clock, logger, translate, timeZone: config.BOT_TIMEZONE, capabilitiesOf, admins: config.BOT_ADMINS, onEnqueued: () => outbox.notify() });
  const renderers = collectRenderers(features);
  const outbox: OutboxDispatcher = new OutboxDispatcher({ db: database.db, adapters, clock, logger, instanceId, meter, renderers, ...options.outbox });
  const scheduler = new SchedulerEngine({
    db: database.db,
    jobs,
    clock,
    logger,
    translate,
    locale: config.BOT_LOCALE,
    timeZone: config.BOT_TIMEZONE,
    capabilitiesOf,
    scheduleTask: options.scheduleTask,
    botName: config.BOT_NAME,
    instanceId,
    graceMs: config.BOT_SCHEDULE_GRACE_MINUTES * 60_000,
    onEnqueued: () => outbox.notify(),
  });
  const router = new Router({
    registry,
    translate,
    locale: config.BOT_LOCALE,
    timeZone: config.BOT_TIMEZONE,
    clock,
    policy: { admins: config.BOT_ADMINS, firstSpeakerIsAdmin: (p) => capabilitiesOf(p)?.firstSpeakerIsAdmin === true },
    botNames: [config.BOT_NAME],
    usernameOf: (p) => byPlatform.get(p)?.username,
    capabilitiesOf,
    downloadFrom: (p) => {
      const a = byPlatform.get(p);
      return a?.download ? (ref, maxBytes) => a.download!(ref, maxBytes) : undefined;
    },
    flood: config.BOT_COMMANDS_PER_MINUTE > 0 ? new CommandFlood(clock, { perWindow: config.BOT_COMMANDS_PER_MINUTE, windowMs: 60_000 }) : undefined,
    scheduleTask: options.scheduleTask,
  });
  const inbox = new Inbox({
    db: database.db,
    router,
    clock,
    logger,
    translate,
    capabilitiesOf,
    maxEventAgeMs: config.BOT_MAX_EVENT_AGE_SECONDS * 1000,
    // SQLite: events of different chats share one transaction (group commit); PostgreSQL: one each.
    transact: eventTransactions(database.db, database.provider, { onBatch: (units) => options.observer?.groupCommitted?.(units) }),
    onEnqueued: () => {
      outbox.notify();
      scheduler.notify();
    },
  });

  const parts = { config, database, inbox, outbox, registry, jobs, scheduler, translate, clock };
  return withLifecycle(parts, adapters, new Intake(inbox, options.observer, { concurrency: options.eventConcurrency }), logger);
}

/** The parts of an app that `withLifecycle` starts and stops. */
type AppParts = Omit<App, 'start' | 'stop' | 'handle' | 'submit' | 'idle'>;

/**
 * Adds start and stop to the assembled parts: the outbox and recovery first, then the adapters
 * (handing events to `intake`), then the scheduler; stopping in the reverse order, draining what
 * is due for at most `drainMs`.
 */
function withLifecycle(parts: AppParts, adapters: readonly Adapter[], intake: Intake, logger: Logger): App {
  const { inbox, outbox, scheduler } = parts;
  let started: Adapter[] = [];
  return {
    ...parts,
    async start() {
      await outbox.start();
      const recovered = await inbox.recover();
      if (recovered) logger.info({ recovered }, 'processed events left unfinished by the last run');
      intake.reopen();
      for (const a of adapters) {
        await a.start(intake.sink);
        started.push(a);
        logger.info({ platform: a.platform }, 'adapter started');
      }
      await scheduler.start();
    },
    async stop({ drainMs = 0 } = {}) {
      const settled = intake.close(); // stops taking events at once
      await scheduler.stop();
      await settled;
      if (drainMs > 0) await drainWithin(outbox, drainMs, logger);
      intake.release();
      for (const a of started.reverse()) {
        try {
          await a.stop();
        } catch (err) {
          logger.warn({ err, platform: a.platform }, 'adapter stop failed');
        }
      }
      started = [];
      await outbox.stop();
    },
    handle: (incoming) => inbox.receive(incoming),
    submit: (incoming) => intake.submit(incoming),
    async idle(platform) {
      await intake.idle();
      await Promise.all(started.filter((a) => !platform || a.platform === platform).map((a) => a.settled?.()));
      await outbox.drain(platform);
    },
  };
}

/** Delivers what is due for at most `ms`; logs what was left (it stays in the outbox for the next start). */
async function drainWithin(outbox: OutboxDispatcher, ms: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    outbox.drain().then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  if (!drained) logger.warn({ drainMs: ms }, 'shutdown: the outbox still had messages due; they are sent after the restart');
}
