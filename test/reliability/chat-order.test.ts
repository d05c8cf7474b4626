// Order per chat, concurrency across chats (#18 item 1): 50 chats × N messages handed over the way
// an adapter does (one after another through the sink, which resolves once an event is recorded),
// each handler waiting a random number of event-loop turns inside its transaction and again after
// commit (injected delays, no sleeps). Every chat's replies arrive complete, once each and in
// order; the after-commit waits of different chats overlap (the lanes run chats concurrently).
// N is 100 under RELIABILITY_FULL=1, 20 otherwise. SQLite always, PostgreSQL with TEST_DATABASE_URL.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { argInput } from '../../src/bot/args.ts';
import type { CommandSpec, Feature } from '../../src/bot/feature.ts';
import type { Database } from '../../src/db/client.ts';
import { freshPostgres, freshSqlite, pgUrl } from '../support/db.ts';
import { RecordingAdapter } from '../support/recording-adapter.ts';
import { seededRandom } from '../support/seeded-random.ts';

const FULL = process.env.RELIABILITY_FULL === '1';
const CHATS = 50;
const PER_CHAT = FULL ? 100 : 20;

/** Waits `turns` turns of the event loop: a delay that reorders work without real time passing. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A probe feature: `/seq <n>` replies `<n>` after random waits, and counts after-commit overlap. */
function probe(random: () => number, stats: { active: number; max: number }): Feature {
  const seq: CommandSpec<string> = {
    name: 'seq',
    aliases: [],
    minRole: 'masses',
    summaryKey: 'core.help.summary',
    usageKey: 'core.help.usage',
    args: argInput.transform((a) => a.text.trim()),
    handler: async (ctx, n) => {
      await turns(Math.floor(random() * 4));
      ctx.reply(`seq ${n}`);
      const wait = Math.floor(random() * 6);
      ctx.afterCommit(async () => {
        stats.max = Math.max(stats.max, ++stats.active);
        await turns(wait);
        stats.active--;
      });
    },
  };
  return { name: 'order-probe', commands: [seq as CommandSpec<unknown>] };
}

let app: App | undefined;
let database: Database | undefined;
afterEach(async () => {
  await app?.stop();
  await database?.close();
  app = database = undefined;
});

async function runOrderCheck(open: () => Promise<Database>): Promise<void> {
  database = await open();
  const adapter = new RecordingAdapter();
  const stats = { active: 0, max: 0 };
  const random = seededRandom(18);
  app = createApp({
    config: loadConfig({ DATABASE_URL: database.url, BOT_ADMINS: 'console:admin', BOT_MAX_EVENT_AGE_SECONDS: "86400", BOT_COMMANDS_PER_MINUTE: "0" }),
    database,
    adapters: [adapter],
    logger: pino({ level: 'silent' }),
    outbox: { idleMs: 20, leaseMs: 2000 },
    features: (defaults) => [...defaults.filter((f) => f.name === 'core'), probe(random, stats)],
  });
  await app.start();
  // Each chat is bound first (an unbound group answers only an admin's /bindchat); its one reply is left out below.
  for (let c = 0; c < CHATS; c++) await adapter.deliver(adapter.message('admin', `/bindchat 单位${c}`, { chat: `chat-${c}`, eventId: `bind-${c}` }));
  await app.idle();
  // Interleaved across chats, handed over one after another as a polling adapter does.
  for (let n = 1; n <= PER_CHAT; n++) {
    for (let c = 0; c < CHATS; c++) await adapter.deliver(adapter.message(`p${c}`, `/seq ${n}`, { chat: `chat-${c}`, eventId: `e-${c}-${n}` }));
  }
  await app.idle();
  const expected = Array.from({ length: PER_CHAT }, (_, i) => `seq ${i + 1}`);
  const wrong = Array.from({ length: CHATS }, (_, c) => `chat-${c}`).filter((chat) => JSON.stringify(adapter.textsTo(chat).slice(1)) !== JSON.stringify(expected));
  expect(wrong, 'chats whose replies are missing, repeated or out of order').toEqual([]);
  expect(stats.max, 'after-commit work of different chats overlapped').toBeGreaterThan(1);
}

describe('order per chat, concurrency across chats', () => {
  it(`SQLite: ${CHATS} chats × ${PER_CHAT} messages, replies in order per chat`, () => runOrderCheck(freshSqlite), 120_000);
  it.skipIf(!pgUrl)(`PostgreSQL: ${CHATS} chats × ${PER_CHAT} messages, replies in order per chat`, () => runOrderCheck(freshPostgres), 120_000);
});
