import { pino } from 'pino';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock, type Clock } from '../../src/clock.ts';
import type { Database } from '../../src/db/client.ts';
import { RecordingAdapter } from './recording-adapter.ts';

/** A bot around a RecordingAdapter, on a given database, with a controllable clock. */
export interface TestBot {
  readonly app: App;
  readonly adapter: RecordingAdapter;
  readonly clock: Clock;
  /** Sends a message as `user` in `chat` (default the branch chat) and waits for the replies. */
  say(user: string, text: string, options?: Parameters<RecordingAdapter['message']>[2]): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Starts a bot for a test: the recording adapter as the `console` platform, the real inbox,
 * router, outbox and features, a silent logger. Replies are collected per `say`.
 */
export async function startTestBot(
  database: Database,
  options: { clock?: Clock; env?: Record<string, string>; features?: AppOptions['features']; adapter?: RecordingAdapter } = {},
): Promise<TestBot> {
  const adapter = options.adapter ?? new RecordingAdapter();
  const clock = options.clock ?? new ManualClock(new Date());
  const config = loadConfig({ DATABASE_URL: database.url, ...options.env });
  const app = createApp({
    config,
    database,
    adapters: [adapter],
    logger: pino({ level: 'silent' }),
    clock,
    features: options.features,
    outbox: { idleMs: 20 },
  });
  await app.start();
  return {
    app,
    adapter,
    clock,
    async say(user, text, opts = {}) {
      const before = adapter.sent.length;
      await adapter.deliver(adapter.message(user, text, { sentAt: clock.now(), ...opts }));
      await app.idle(adapter.platform);
      return adapter.sent.slice(before).filter((d) => d.message.kind === 'text').map((d) => (d.message as { text: string }).text);
    },
    async stop() {
      await app.stop();
    },
  };
}
