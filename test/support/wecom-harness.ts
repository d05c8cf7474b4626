// The whole bot on WeCom for tests: the real app (inbox, router, features, outbox, scheduler)
// around the real WecomAdapter, built by the platform module from its environment, connected to
// the fake WeCom server over a real socket. The clock is manual (the fake stamps with it too); the
// test drives the outbox (`flush`) and the scheduler itself, so every count is exact.
import { Writable } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/clock.ts';
import type { Database } from '../../src/db/client.ts';
import type { Adapter, Capabilities } from '../../src/bot/adapter.ts';
import { wecomPlatform } from '../../src/adapters/wecom/index.ts';
import type { WecomAdapter } from '../../src/adapters/wecom/adapter.ts';
import type { LeaseStore } from '../../src/db/lease.ts';
import type { FakeWecom } from './fake-wecom.ts';

/** One bot instance on WeCom. */
export interface WecomBot {
  readonly app: App;
  readonly adapter: WecomAdapter;
  readonly clock: ManualClock;
  /** Every log line the instance wrote (JSON), at debug level. */
  readonly logs: string[];
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** How to build one instance. */
export interface WecomBotOptions {
  readonly db: Database;
  readonly fake: FakeWecom;
  readonly clock?: ManualClock;
  readonly admins?: string;
  readonly instanceId?: string;
  readonly secret?: string;
  readonly env?: Record<string, string>;
  /** Replaces the lease store (a crashing instance never releases its lease). */
  readonly leaseStore?: (original: LeaseStore) => LeaseStore;
  /** Delay of the retry after an authentication failure or a take-over (default the adapter's 10 minutes). */
  readonly slowRetryMs?: number;
  /** Keep WeCom's pacing (the benchmark); tests of conversations turn it off. */
  readonly paced?: boolean;
  /** More adapters in the same app (another platform keeps running). */
  readonly others?: readonly Adapter[];
}

/** Builds an instance and starts its adapters (the outbox and scheduler are driven by the test). */
export async function startWecomBot(opts: WecomBotOptions): Promise<WecomBot> {
  const clock = opts.clock ?? new ManualClock('2026-11-26T02:00:00Z');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-wecom-'));
  const rawEnv = {
    DATABASE_URL: opts.db.url,
    BOT_ADMINS: opts.admins ?? 'wecom:zhangwei',
    BOT_DATA_DIR: dataDir,
    WECOM_BOT_ID: opts.fake.botId,
    WECOM_BOT_SECRET: opts.secret ?? opts.fake.secret,
    WECOM_WS_URL: opts.fake.url,
    ...opts.env,
  };
  const config = loadConfig(rawEnv);
  const env = wecomPlatform.env.parse(rawEnv);
  const instanceId = opts.instanceId ?? 'instance-a';
  const ref: { app?: App } = {};
  const adapter = (await wecomPlatform.create(env, {
    logger,
    clock,
    locale: 'zh-CN',
    botName: config.BOT_NAME,
    dataDir,
    instanceId,
    http: { route: () => undefined },
    database: opts.db,
    commands: () => [],
    translate: (key, vars) => ref.app!.translate(key, vars),
    idle: () => ref.app!.idle('wecom'),
  })) as WecomAdapter;
  const tuned = tune(adapter, opts);
  const app = (ref.app = createApp({ config, database: opts.db, adapters: [tuned, ...(opts.others ?? [])], logger, clock, instanceId, outbox: { idleMs: 3_600_000 } }));
  await app.outbox.start();
  await app.outbox.stop(); // leases of a previous run taken back; the test ticks the outbox itself
  for (const a of [tuned, ...(opts.others ?? [])]) await a.start(async (incoming) => void (await app.inbox.receive(incoming)));
  return {
    app,
    adapter: tuned,
    clock,
    logs,
    dataDir,
    async stop() {
      for (const a of [tuned, ...(opts.others ?? [])]) await a.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Fast reconnects and a hand-driven lease for tests (no timers to wait for). */
function tune(adapter: WecomAdapter, opts: WecomBotOptions): WecomAdapter {
  const internals = adapter as unknown as {
    opts: { backoff?: unknown; lease?: { store: LeaseStore; checkEveryMs?: number } };
    connection: { opts: { backoff: unknown; slowRetryMs: number } };
    keeper?: { opts: { store: LeaseStore; checkEveryMs?: number } };
  };
  internals.connection.opts.backoff = { initialMs: 5, maxMs: 20 };
  if (opts.slowRetryMs !== undefined) internals.connection.opts.slowRetryMs = opts.slowRetryMs;
  // No pacing unless the test asks for it: the manual clock must not have to move to let replies out.
  if (!opts.paced) (adapter as { capabilities: Capabilities }).capabilities = { ...adapter.capabilities, rateLimits: { perChatIntervalMs: 0, perGroupPerMinute: 1_000_000, globalPerSecond: 1_000_000 } };
  if (internals.keeper) {
    internals.keeper.opts.checkEveryMs = 3_600_000;
    if (opts.leaseStore) internals.keeper.opts.store = opts.leaseStore(internals.keeper.opts.store);
  }
  return adapter;
}

/** Waits until the inbox has finished with a platform event (processed, ignored or failed). */
export async function processed(db: Database, eventId: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await db.db.inboundEvent.findUnique({ where: { platform_eventId: { platform: 'wecom', eventId } } });
    if (row && row.status !== 'received') return;
    if (Date.now() > until) throw new Error(`event ${eventId} was not processed (${row?.status ?? 'no row'})`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Sends everything in the outbox now. */
export async function flush(bot: WecomBot): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await bot.app.database.db.outboxMessage.count({ where: { platform: 'wecom', status: { in: ['pending', 'sending'] } } })) === 0) return;
    await bot.app.outbox.tick();
  }
  const stuck = await bot.app.database.db.outboxMessage.findMany({ where: { platform: 'wecom', status: { in: ['pending', 'sending'] } } });
  throw new Error(`the outbox did not empty: ${JSON.stringify(stuck.slice(0, 3))}`);
}

/** Waits until an instance's adapter reaches a connection state. */
export async function reaches(bot: WecomBot, state: WecomAdapter['status'], timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (bot.adapter.status !== state) {
    if (Date.now() > until) throw new Error(`the adapter stayed ${bot.adapter.status}, not ${state}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
