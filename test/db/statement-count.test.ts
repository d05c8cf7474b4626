// Statements per message on the hot path (#18 item 2), counted, so the number cannot silently grow:
// a check-in and a vote through the real inbox, router and features on a SQLite file, every SQL
// statement better-sqlite3 runs recorded (bench/sqltrace.ts), the outbox's delivery excluded (its
// statements are counted per sent message below). Lower a bound when a change saves a statement.
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import type { ChatRef } from '../../src/bot/types.ts';
import { ManualClock } from '../../src/clock.ts';
import type { Database } from '../../src/db/client.ts';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.ts';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import { RecordingAdapter, TEXT_CAPABILITIES } from '../support/recording-adapter.ts';
import { startTrace, stopTrace, type TracedStatement } from '../../bench/sqltrace.ts';
import { FEATURE_WORKLOAD, chatName } from '../../bench/workload.ts';
import { freshSqlite } from '../support/db.ts';
import { startTestBot, type TestBot } from '../support/app.ts';

/** The most statements one message may cost, as measured on this branch (BEGIN and COMMIT included). */
const MAX_STATEMENTS = { checkin: 7, vote: 7 } as const;

/**
 * The most outbox statements per sent message (reading heads, counting the instances, leasing,
 * marking sent), one instance on a platform without rate limits: a broadcast of one message to 500
 * chats, and a backlog of 4 messages in each of 100 chats. Before the instances shared a backlog
 * again (#18) they were 0.012 (UPDATE 0.008) and 0.04 (UPDATE 0.02): the share costs one SELECT
 * per pass that starts more than 32 sends.
 */
const MAX_OUTBOX_PER_SENT = { broadcast: { all: 0.014, updates: 0.008 }, backlog: { all: 0.05, updates: 0.02 } } as const;

let bot: TestBot | undefined;
let database: Database | undefined;
afterEach(async () => {
  await bot?.stop();
  await database?.close();
  bot = database = undefined;
});

/** Statement kinds as `VERB Table`, for a readable failure. */
function byTable(trace: readonly TracedStatement[]): string[] {
  return trace.map((s) => {
    const verb = s.sql.trim().split(/\s+/)[0]!.toUpperCase();
    const table = /(?:FROM|INTO|UPDATE)\s+(?:`main`\.)?[`"]?(\w+)/i.exec(s.sql)?.[1];
    return table ? `${verb} ${table}` : verb;
  });
}

it('a check-in and a vote stay within their statement budgets', async () => {
  database = await freshSqlite();
  bot = await startTestBot(database, { env: { BOT_ADMINS: 'console:管理员' } });
  const chat = chatName(1);
  for (const text of FEATURE_WORKLOAD.chatSetup(1)) await bot.say('管理员', text, { chat });
  for (const text of FEATURE_WORKLOAD.memberSetup) await bot.say('党员1', text, { chat });
  await bot.say('党员1', '/checkin +1 走访李大爷', { chat });
  await bot.say('党员1', '/vote #1 1', { chat });
  await bot.app.outbox.stop();
  // The scheduler's look at what is due (woken by every enqueue) is not the message's either.
  await bot.app.scheduler.stop();

  const measure = async (text: string) => {
    startTrace();
    expect(await bot!.app.handle(bot!.adapter.message('党员1', text, { chat, sentAt: bot!.clock.now() }))).toBe('done');
    return byTable(stopTrace());
  };
  const checkin = await measure('/checkin +1 走访李大爷');
  const vote = await measure('/vote #1 2');
  process.stdout.write(`statements: check-in ${checkin.length} (${checkin.join(', ')}); vote ${vote.length} (${vote.join(', ')})\n`);
  expect(checkin.length, checkin.join('\n')).toBeLessThanOrEqual(MAX_STATEMENTS.checkin);
  expect(vote.length, vote.join('\n')).toBeLessThanOrEqual(MAX_STATEMENTS.vote);
});

it('the outbox stays within its statements per sent message', async () => {
  database = await freshSqlite();
  const clock = new ManualClock('2026-12-02T08:00:00Z');
  // (Marks written by the clock, not only by count, when sends are slow: not here, whatever the load.)
  const outbox = new OutboxDispatcher({ db: database.db, adapters: [new RecordingAdapter()], clock, logger: pino({ level: 'silent' }), instanceId: 'count', markWriteMs: 600_000 });
  const deliver = async (name: string, chats: number, perChat: number) => {
    const items = Array.from({ length: chats }, (_, c): ChatRef => ({ platform: 'console', chatId: `${name}-${c}`, kind: 'group' })).flatMap((chat, c) =>
      Array.from({ length: perChat }, (_, n) => ({ chat, message: { kind: 'text' as const, text: `${name} ${n}` }, key: `${name}:${c}:${n}` })),
    );
    await database!.db.$transaction((tx) => enqueueMessages(tx, items, () => TEXT_CAPABILITIES, clock.now()));
    startTrace();
    for (let pass = 0; pass < 100 && (await database!.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) > 0; pass++) await outbox.tick();
    const trace = byTable(stopTrace().filter((s) => !(/^\s*SELECT\s+COUNT\(/i.test(s.sql) && s.sql.includes('OutboxMessage')))); // (not the loop's own counts)
    const sent = await database!.db.outboxMessage.count({ where: { status: 'sent', chatId: { startsWith: `${name}-` } } });
    expect(sent).toBe(chats * perChat);
    const figure = { all: trace.length / sent, updates: trace.filter((s) => s === 'UPDATE OutboxMessage').length / sent };
    process.stdout.write(`outbox statements per sent message, ${name} (${chats} chats × ${perChat}): ${figure.all.toFixed(4)} (UPDATE ${figure.updates.toFixed(4)}; ${trace.join(', ')})\n`);
    return figure;
  };
  const broadcast = await deliver('broadcast', 500, 1);
  const backlog = await deliver('backlog', 100, 4);
  expect(broadcast.all).toBeLessThanOrEqual(MAX_OUTBOX_PER_SENT.broadcast.all);
  expect(broadcast.updates).toBeLessThanOrEqual(MAX_OUTBOX_PER_SENT.broadcast.updates);
  expect(backlog.all).toBeLessThanOrEqual(MAX_OUTBOX_PER_SENT.backlog.all);
  expect(backlog.updates).toBeLessThanOrEqual(MAX_OUTBOX_PER_SENT.backlog.updates);
});
