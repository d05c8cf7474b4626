// Group commit through the real bot on a SQLite file (#18 item 1): check-ins of many chats handed
// over together share transactions; one handler failing after it wrote rolls back alone and its
// member gets the apology; the others' rows and replies are there once; one chat keeps its order.
import { afterEach, expect, it } from 'vitest';
import { argInput } from '../../src/bot/args.ts';
import { command, type Feature } from '../../src/bot/feature.ts';
import { bumpRosterVersion } from '../../src/bot/roster-cache.ts';
import type { Database } from '../../src/db/client.ts';
import { startTrace, stopTrace } from '../../bench/sqltrace.ts';
import { freshSqlite } from '../support/db.ts';
import { startTestBot, type TestBot } from '../support/app.ts';

let bot: TestBot | undefined;
let database: Database | undefined;
afterEach(async () => {
  await bot?.stop();
  await database?.close();
  bot = database = undefined;
});

const chat = (k: number) => `第${k}村党支部群`;
const member = (k: number) => `党员${k}`;
/** The member whose check-in handler throws after writing its row. */
const FAILING = member(7);

/** The pledges feature with its check-in handler made to throw for FAILING, after the handler wrote. */
function failingCheckin(features: readonly Feature[]): Feature[] {
  return features.map((f) =>
    f.name !== 'pledges'
      ? f
      : {
          ...f,
          commands: f.commands.map((c) =>
            c.name !== 'checkin'
              ? c
              : {
                  ...c,
                  handler: async (ctx, args) => {
                    await c.handler(ctx, args);
                    if (ctx.incoming.actor.userId === FAILING) throw new Error('failed after writing the check-in');
                  },
                },
          ),
        },
  );
}

/**
 * `/ghostunit` creates a unit, bumps the roster version, reads every unit into the roster cache and
 * then fails; `/unitcount` replies with the number of units the cache (or the database) gives.
 */
const unitProbe: Feature = {
  name: 'unit-probe',
  commands: [
    command({
      name: 'ghostunit',
      aliases: [],
      minRole: 'member',
      summaryKey: 'core.help.summary',
      usageKey: 'core.help.usage',
      args: argInput,
      handler: async (ctx) => {
        await ctx.db.orgUnit.create({ data: { name: '未提交的支部' } });
        await bumpRosterVersion(ctx.db);
        await ctx.units();
        throw new Error('failed after reading the units');
      },
    }),
    command({
      name: 'unitcount',
      aliases: [],
      minRole: 'member',
      summaryKey: 'core.help.summary',
      usageKey: 'core.help.usage',
      args: argInput,
      handler: async (ctx) => ctx.reply(`units: ${(await ctx.units()).length}`),
    }),
  ],
};

/** A bot with `chats` bound village chats and one member with a pledge in each. */
async function township(chats: number): Promise<TestBot> {
  database = await freshSqlite();
  bot = await startTestBot(database, { env: { BOT_ADMINS: 'console:管理员' }, features: (d) => [...failingCheckin(d), unitProbe] });
  await submitAll(Array.from({ length: chats }, (_, i) => ['管理员', `/bindchat 第${i + 1}村党支部`, chat(i + 1)] as const));
  // The members' first messages, all at once: each registers under its own savepoint inside a shared batch.
  await submitAll(Array.from({ length: chats }, (_, i) => [member(i + 1), '/pledge 走访困难群众 目标100000', chat(i + 1)] as const));
  expect(await database.db.pledge.count()).toBe(chats);
  return bot;
}

/** Hands every message over at once (as adapters do for different chats) and waits until all are processed and sent. */
async function submitAll(messages: readonly (readonly [user: string, text: string, chat: string])[]): Promise<string[]> {
  const b = bot!;
  const submitted = messages.map(([user, text, c]) => b.app.submit(b.adapter.message(user, text, { chat: c, sentAt: b.clock.now() })));
  const outcomes = await Promise.all(submitted.map(async (s) => (await s).processed));
  await b.app.idle(b.adapter.platform);
  return outcomes;
}

const begins = () => stopTrace().filter((s) => /^\s*BEGIN\b/i.test(s.sql)).length;

it('a failing check-in among 20 rolls back alone: its row is gone, it gets the apology, the 19 others commit and reply once', async () => {
  const b = await township(20);
  const before = b.adapter.sent.length;
  startTrace();
  const outcomes = await submitAll(Array.from({ length: 20 }, (_, i) => [member(i + 1), `/checkin +1 走访${i + 1}`, chat(i + 1)] as const));
  // 20 events and the failed one's apology in fewer transactions than events.
  const transactions = begins();
  expect(transactions).toBeLessThan(20);
  expect(outcomes.filter((o) => o === 'done')).toHaveLength(19);
  expect(outcomes[6]).toBe('failed');

  const checkins = await database!.db.pledgeCheckin.findMany({ select: { note: true } });
  expect(checkins).toHaveLength(19);
  expect(checkins.map((c) => c.note)).not.toContain('走访7');
  const events = await database!.db.inboundEvent.groupBy({ by: ['status'], where: { payload: { contains: '/checkin' } }, _count: true });
  expect(Object.fromEntries(events.map((e) => [e.status, e._count]))).toEqual({ done: 19, failed: 1 });

  const sent = b.adapter.sent.slice(before);
  for (let k = 1; k <= 20; k++) {
    const texts = sent.filter((d) => d.chat.chatId === chat(k) && d.message.kind === 'text').map((d) => (d.message as { text: string }).text);
    if (k === 7) expect(texts).toEqual([b.app.translate('core.error.apology')]);
    else expect(texts, chat(k)).toEqual([expect.stringMatching(new RegExp(`^打卡成功：#\\d+ \\+1（走访${k}）`))]);
  }
  process.stdout.write(`group commit: 20 check-ins and 1 apology in ${transactions} transactions\n`);
});

it('keeps each chat’s events in order while chats share batches', async () => {
  const b = await township(5);
  const messages: (readonly [string, string, string])[] = [];
  // Interleaved as they would arrive: round n of every chat, then round n + 1.
  for (let n = 1; n <= 6; n++) for (let k = 1; k <= 5; k++) messages.push([member(k), `/checkin +1 第${n}次`, chat(k)]);
  startTrace();
  const outcomes = await submitAll(messages);
  const trace = stopTrace();
  const transactions = trace.filter((s) => /^\s*BEGIN\b/i.test(s.sql)).length;
  expect(transactions).toBeLessThan(messages.length);
  // The message's own statements: the outbox's delivery and the scheduler's look-ups left out.
  const own = trace.filter((s) => !/Schedule|Meeting|(SELECT|UPDATE)[^;]*OutboxMessage/is.test(s.sql.slice(0, 400)));
  process.stdout.write(`group commit: ${messages.length} check-ins of 5 chats in ${transactions} transactions, ${(own.length / messages.length).toFixed(1)} statements each\n`);
  expect(outcomes.every((o) => o === 'done')).toBe(true);
  for (let k = 1; k <= 5; k++) {
    const replies = b.adapter.textsTo(chat(k)).filter((t) => t.startsWith('打卡成功'));
    expect(replies.map((t) => /第(\d)次/.exec(t)?.[1]), chat(k)).toEqual(['1', '2', '3', '4', '5', '6']);
  }
  // And the rows were written in each member's order.
  const rows = await database!.db.pledgeCheckin.findMany({ orderBy: { id: 'asc' }, select: { memberId: true, note: true } });
  const byMember = new Map<number, typeof rows>();
  for (const r of rows) byMember.set(r.memberId, [...(byMember.get(r.memberId) ?? []), r]);
  expect(byMember.size).toBe(5);
  for (const list of byMember.values()) expect(list.map((r) => r.note)).toEqual(['第1次', '第2次', '第3次', '第4次', '第5次', '第6次']);
});

it('an event of the same batch does not see what a rolled-back one read into the roster cache', async () => {
  const b = await township(2);
  const units = await database!.db.orgUnit.count();
  startTrace();
  const outcomes = await submitAll([
    [member(1), '/ghostunit', chat(1)],
    [member(2), '/unitcount', chat(2)],
  ]);
  // Both in one transaction: the second ran right after the first was rolled back to its savepoint.
  expect(begins()).toBe(2); // the batch, and the failed event's apology
  expect(outcomes).toEqual(['failed', 'done']);
  expect(b.adapter.textsTo(chat(2))).toContain(`units: ${units}`);
  expect(await database!.db.orgUnit.count()).toBe(units);
});
