/**
 * A whole bot for polls tests: the real app (inbox, router, features, outbox) on a fresh SQLite
 * file, a RecordingAdapter as the `console` platform (with pictures and files, like the console),
 * a manual clock, and a logger that keeps every line (level trace) so tests can search the logs.
 */
import { pino } from 'pino';
import { createApp, type App, type AppOptions } from '../../../src/app.ts';
import type { Capabilities } from '../../../src/bot/adapter.ts';
import type { QueuedMessage } from '../../../src/bot/types.ts';
import { loadConfig } from '../../../src/config.ts';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { freshSqlite } from '../../support/db.ts';
import { RecordingAdapter, TEXT_CAPABILITIES, type Delivered } from '../../support/recording-adapter.ts';

/** The branch chat every test starts in. */
export const BRANCH = '东北流村党支部';

/** A running test bot. */
export interface PollsBot {
  readonly app: App;
  readonly adapter: RecordingAdapter;
  readonly clock: ManualClock;
  readonly db: Database;
  /** Every log line, as JSON text. */
  readonly logs: string[];
  /** Says `text` as `user` (in the branch chat unless told) and returns everything delivered meanwhile. */
  say(user: string, text: string, opts?: { chat?: string; private?: boolean; eventId?: string }): Promise<Delivered[]>;
  /** Like `say`, returning only the texts (any chat). */
  texts(user: string, text: string, opts?: { chat?: string; private?: boolean; eventId?: string }): Promise<string[]>;
  stop(): Promise<void>;
}

/** The text of a delivered message ('' for non-text). */
export function textOf(m: QueuedMessage): string {
  return m.kind === 'text' ? m.text : '';
}

/**
 * Starts a bot (SQLite unless `database` opens another); `features` can replace the default
 * feature list (to inject evaluation sources or a scheduler).
 */
export async function startPollsBot(
  opts: { capabilities?: Partial<Capabilities>; features?: AppOptions['features']; scheduleTask?: AppOptions['scheduleTask']; start?: string; database?: () => Promise<Database>; env?: Record<string, string> } = {},
): Promise<PollsBot> {
  const db = await (opts.database ?? freshSqlite)();
  const logs: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) });
  const adapter = new RecordingAdapter('console', { ...TEXT_CAPABILITIES, images: true, files: true, ...opts.capabilities });
  const clock = new ManualClock(opts.start ?? '2026-11-26T08:00:00Z');
  const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'trace', ...opts.env });
  const app = createApp({ config, database: db, adapters: [adapter], logger, clock, features: opts.features, scheduleTask: opts.scheduleTask, outbox: { idleMs: 20 } });
  await app.start();
  const say = async (user: string, text: string, o: { chat?: string; private?: boolean; eventId?: string } = {}) => {
    const before = adapter.sent.length;
    await adapter.deliver(adapter.message(user, text, { chat: o.chat ?? BRANCH, sentAt: clock.now(), ...(o.private ? { private: true } : {}), ...(o.eventId ? { eventId: o.eventId } : {}) }));
    await app.idle(adapter.platform);
    return adapter.sent.slice(before);
  };
  return {
    app,
    adapter,
    clock,
    db,
    logs,
    say,
    texts: async (user, text, o) => (await say(user, text, o)).map((d) => textOf(d.message)).filter((t) => t !== ''),
    async stop() {
      await app.stop();
      await db.close();
    },
  };
}

/**
 * Binds the branch chat, makes `secretary` its secretary and registers `voters` as members (each
 * says hello once). The admin (管理员, the first console user) binds and sets roles but belongs to
 * the township unit only, so he is not one of the branch's voters.
 */
export async function setUpBranch(bot: PollsBot, secretary: string, voters: readonly string[]): Promise<void> {
  await bot.say('管理员', `/bindchat ${BRANCH}`);
  await bot.say(secretary, '大家好');
  await bot.say('管理员', `/setrole @${secretary} secretary`);
  for (const v of voters) await bot.say(v, '大家好');
}

/** The poll id announced in a reply (`投票 #3：…`, `测评 #4：…`). */
export function announcedId(texts: readonly string[]): number {
  for (const t of texts) {
    const m = /^(?:投票|测评) #(\d+)/m.exec(t);
    if (m) return Number(m[1]);
  }
  throw new Error(`no poll announced in ${JSON.stringify(texts)}`);
}

/** Receipt codes delivered privately to `user` (from the recording, which the database no longer has). */
export function receiptCodes(bot: PollsBot, user: string): string[] {
  return bot.adapter.sent
    .filter((d) => d.chat.kind === 'private' && d.chat.chatId === user)
    .map((d) => /回执码：([2-9A-Z]{4}-[2-9A-Z]{4})/.exec(textOf(d.message))?.[1])
    .filter((c): c is string => c !== undefined);
}
