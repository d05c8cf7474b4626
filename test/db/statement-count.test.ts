// Statements per message on the hot path (#18 item 2), counted, so the number cannot silently grow:
// a check-in and a vote through the real inbox, router and features on a SQLite file, every SQL
// statement better-sqlite3 runs recorded (bench/sqltrace.ts), the outbox's delivery excluded (its
// statements are counted per sent message below). Lower a bound when a change saves a statement.
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { startTrace, stopTrace, type TracedStatement } from '../../bench/sqltrace.ts';
import { FEATURE_WORKLOAD, chatName } from '../../bench/workload.ts';
import { freshSqlite } from '../support/db.ts';
import { startTestBot, type TestBot } from '../support/app.ts';

/** The most statements one message may cost, as measured on this branch (BEGIN and COMMIT included). */
const MAX_STATEMENTS = { checkin: 8, vote: 8 } as const;

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
