/**
 * A whole bot for the meetings and suggestions tests: the real inbox, router, outbox, features and
 * scheduler on a fresh SQLite file, with two recording platforms (console and telegram) and a
 * manual clock. The scheduler's own timers are stopped: `tick(to)` moves the clock and runs the
 * scheduler the way its timer would, so a month takes milliseconds.
 */
import { pino } from 'pino';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import type { Platform } from '../../../src/bot/types.ts';
import type { Feature } from '../../../src/bot/feature.ts';
import type { PassReport } from '../../../src/scheduler/engine.ts';
import { freshSqlite } from '../../support/db.ts';
import { RecordingAdapter, type Delivered } from '../../support/recording-adapter.ts';

/**
 * Only the slices under test (and core): other features' own timed jobs (a daily quiz, pledge
 * reminders) would post into these transcripts and change with them.
 */
export const onlyOurs = (defaults: Feature[]): Feature[] => defaults.filter((f) => ['core', 'meetings', 'suggestions'].includes(f.name));

/** The features named in `slices` (core and others a test needs). */
export const slicesOnly = (slices: readonly string[]) => (defaults: Feature[]): Feature[] => defaults.filter((f) => slices.includes(f.name));

/** One delivered text: where it went and what it said. */
export interface Seen {
  readonly platform: Platform;
  readonly chatId: string;
  readonly kind: 'group' | 'private';
  readonly text: string;
}

/** The bot under test. */
export interface MeetingBot {
  readonly app: App;
  readonly database: Database;
  readonly clock: ManualClock;
  readonly adapters: Readonly<Record<'console' | 'telegram', RecordingAdapter>>;
  /** `user` says `text` in group `chat` (default 东北流村党支部) or privately; returns every text the bot sent meanwhile. */
  say(user: string, text: string, options?: { chat?: string; private?: boolean; platform?: 'console' | 'telegram' }): Promise<Seen[]>;
  /** Texts of `say` for the chat spoken in only. */
  ask(user: string, text: string, options?: { chat?: string; private?: boolean; platform?: 'console' | 'telegram' }): Promise<string[]>;
  /** Moves the clock to `to` (one due instant after another, as the timer would) and returns what was sent. */
  tick(to: Date | string): Promise<{ seen: Seen[]; reports: PassReport[] }>;
  stop(): Promise<void>;
}

function texts(delivered: readonly Delivered[], platform: Platform): Seen[] {
  return delivered
    .filter((d) => d.message.kind === 'text')
    .map((d) => ({ platform, chatId: d.chat.chatId, kind: d.chat.kind, text: (d.message as { text: string }).text }));
}

/**
 * Starts the bot at `start`; 管理员 (console) and telegram user 9001 are admins. With `shared`, a
 * second instance on that database (it is then not closed by `stop`).
 */
export async function startMeetingBot(start: string, env: Record<string, string> = {}, shared?: Database, slices?: readonly string[]): Promise<MeetingBot> {
  const database = shared ?? (await freshSqlite());
  const clock = new ManualClock(start);
  const adapters = { console: new RecordingAdapter('console'), telegram: new RecordingAdapter('telegram') };
  const config = loadConfig({ DATABASE_URL: database.url, BOT_ADMINS: 'telegram:9001', ...env });
  const app = createApp({
    config,
    database,
    adapters: [adapters.console, adapters.telegram],
    logger: pino({ level: 'silent' }),
    clock,
    instanceId: shared ? 'second' : 'first',
    features: slices ? slicesOnly(slices) : onlyOurs,
    outbox: { idleMs: 20 },
  });
  await app.start(); // the scheduler catches up here, then
  await app.scheduler.stop(); // tests drive it with tick()
  const mark = () => ({ console: adapters.console.sent.length, telegram: adapters.telegram.sent.length });
  const since = (m: ReturnType<typeof mark>): Seen[] => [
    ...texts(adapters.console.sent.slice(m.console), 'console'),
    ...texts(adapters.telegram.sent.slice(m.telegram), 'telegram'),
  ];
  const bot: MeetingBot = {
    app,
    database,
    clock,
    adapters,
    async say(user, text, options = {}) {
      const m = mark();
      const adapter = adapters[options.platform ?? 'console'];
      await adapter.deliver(adapter.message(user, text, { chat: options.chat, private: options.private, sentAt: clock.now() }));
      await app.idle();
      return since(m);
    },
    async ask(user, text, options = {}) {
      const chatId = options.private ? user : (options.chat ?? '东北流村党支部');
      return (await bot.say(user, text, options)).filter((s) => s.chatId === chatId).map((s) => s.text);
    },
    async tick(to) {
      const end = new Date(to);
      const m = mark();
      const reports: PassReport[] = [];
      for (let i = 0; i < 10_000; i++) {
        const next = await app.scheduler.nextDueAt();
        if (next === null || next > end) break;
        if (next > clock.now()) clock.set(next);
        reports.push(await app.scheduler.runDue(clock.now()));
      }
      clock.set(end);
      reports.push(await app.scheduler.runDue(end));
      await app.idle();
      return { seen: since(m), reports };
    },
    async stop() {
      await app.stop();
      if (!shared) await database.close();
    },
  };
  return bot;
}
