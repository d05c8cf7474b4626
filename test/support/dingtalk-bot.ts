/**
 * The whole bot on DingTalk for tests and benchmarks: the real app (inbox, router, features,
 * outbox, meter) around the real DingTalkAdapter (the official SDK's Stream client, the OpenAPI
 * over HTTP) against the fake DingTalk, on a fresh SQLite database and a manual clock that the
 * fake also reads (token and session-webhook expiry follow it).
 */
import { Writable } from 'node:stream';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/clock.ts';
import type { Database } from '../../src/db/client.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import type { Adapter } from '../../src/bot/adapter.ts';
import { DingTalkAdapter } from '../../src/adapters/dingtalk/adapter.ts';
import { dingtalkCapabilities, dingtalkEnv } from '../../src/adapters/dingtalk/index.ts';
import { FakeDingTalk, type FakeSay, type FakeSent, type FakeDingTalkOptions } from './fake-dingtalk.ts';
import { freshSqlite } from './db.ts';

/** A running DingTalk bot and its fake platform. */
export interface DingTalkBot {
  readonly fake: FakeDingTalk;
  readonly adapter: DingTalkAdapter;
  readonly app: App;
  readonly db: Database;
  readonly clock: ManualClock;
  /** Every log line written (JSON), for the secrets test. */
  readonly logLines: string[];
  /** Says something through the fake, waits until the bot answered the callback and the outbox is idle; returns what the robot sent meanwhile. */
  say(s: FakeSay): Promise<FakeSent[]>;
  stop(): Promise<void>;
}

/** Options of `startDingTalkBot`. */
export interface DingTalkBotOptions {
  /** Extra environment (DINGTALK_MONTHLY_CALL_BUDGET, DINGTALK_QPS, BOT_ADMINS, …). */
  readonly env?: Record<string, string>;
  readonly fake?: FakeDingTalkOptions;
  /** The secret the adapter is given (default: the fake's). */
  readonly clientSecret?: string;
  /** `false`: start only the adapter, so a test can drive `app.outbox.tick()` itself. */
  readonly runOutbox?: boolean;
  readonly start?: Date | string;
  /** More adapters next to DingTalk (to show one platform's failure leaves the others running). */
  readonly others?: readonly Adapter[];
  readonly features?: AppOptions['features'];
}

/** Starts the bot and waits for its Stream connection (unless the secret is wrong). */
export async function startDingTalkBot(opts: DingTalkBotOptions = {}): Promise<DingTalkBot> {
  const clock = new ManualClock(opts.start ?? '2026-12-01T00:30:00Z');
  const fake = new FakeDingTalk({ now: () => clock.now().getTime(), ...opts.fake });
  await fake.start();
  const db = await freshSqlite();
  const env = { DATABASE_URL: db.url, BOT_ADMINS: 'dingtalk:staff01', DINGTALK_CLIENT_ID: fake.clientId, DINGTALK_CLIENT_SECRET: opts.clientSecret ?? fake.clientSecret, DINGTALK_API_ROOT: fake.root, ...opts.env };
  const config = loadConfig(env);
  const dt = dingtalkEnv.parse(env);
  const logLines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => (logLines.push(chunk.toString('utf8')), done()) });
  const logger: Logger = createLogger('debug', sink);
  const adapter = new DingTalkAdapter({
    clientId: dt.DINGTALK_CLIENT_ID!,
    clientSecret: dt.DINGTALK_CLIENT_SECRET!,
    robotCode: dt.DINGTALK_ROBOT_CODE ?? dt.DINGTALK_CLIENT_ID!,
    apiRoot: dt.DINGTALK_API_ROOT,
    capabilities: dingtalkCapabilities(dt),
    logger: logger.child({ platform: 'dingtalk' }),
    clock,
    backoffMs: { initial: 20, max: 100 },
  });
  const app = createApp({ config, database: db, adapters: [adapter, ...(opts.others ?? [])], logger, clock, features: opts.features, outbox: { idleMs: opts.runOutbox === false ? 3_600_000 : 20 } });
  if (opts.runOutbox === false) await adapter.start(async (incoming) => void (await app.inbox.receive(incoming)));
  else await app.start();
  if (!opts.clientSecret) await fake.until(() => fake.connected === 1, 'the Stream connection');
  return {
    fake,
    adapter,
    app,
    db,
    clock,
    logLines,
    async say(s) {
      const before = fake.sent.length;
      const { messageId } = fake.say(s);
      await fake.until(() => fake.answered(messageId), `the answer to ${s.text}`);
      await app.idle('dingtalk');
      return fake.sent.slice(before);
    },
    async stop() {
      if (opts.runOutbox === false) await adapter.stop();
      else await app.stop();
      await fake.stop();
      await db.close();
    },
  };
}
