// A county's peak (#18): answers that ARRIVED before a question's close but wait in their chats'
// lanes are PROCESSED after it. Through the whole bot (inbox, router, scheduler, outbox) on a
// SQLite file with a manual clock: the answers are recorded before the close, the time-up finds
// them waiting and looks again instead of closing, they are processed after the close and count
// (points by when they arrived), and the result names them. An answer that arrived after the
// close is still refused. Without the fix the queued answers were ignored and the result said
// "0人作答".
import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import type { RecordedEvent } from '../../../src/bot/inbox.ts';
import { BACKLOG_RECHECK_MS } from '../../../src/bot/backlog.ts';
import { freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';
import { readShownQuestion } from './support.ts';

const GROUP = '东北流村党支部';
let bot: TestBot | undefined;
let db: Database | undefined;
afterEach(async () => {
  await bot?.stop();
  await db?.close();
  bot = db = undefined;
});

function groupTexts(b: TestBot, from: number): string[] {
  return b.adapter.sent.slice(from).filter((d) => d.chat.chatId === GROUP && d.message.kind === 'text').map((d) => (d.message as { text: string }).text);
}

it('answers recorded before the close but processed after it count, and the close waits for them', async () => {
  const clock = new ManualClock('2026-11-26T02:00:00Z');
  db = await freshSqlite();
  bot = await startTestBot(db, { clock });
  await bot.app.scheduler.stop(); // the test runs what is due itself
  await bot.say('管理员', `/bindchat ${GROUP}`);
  for (const name of ['张三', '李四', '王五']) await bot.say(name, '大家好');
  const started = await bot.say('张三', '/quiz 党章 1');
  const q = readShownQuestion(started[1]!);

  // 张三 and 李四 answer at 10 s and 29 s: recorded (the inbox's first step), not yet processed.
  const recorded: RecordedEvent[] = [];
  for (const [name, at] of [['张三', 10_000], ['李四', 29_000]] as const) {
    clock.set(new Date(Date.parse('2026-11-26T02:00:00Z') + at));
    const r = await bot.app.inbox.record(bot.adapter.message(name, q.right, { chat: GROUP, sentAt: clock.now() }));
    if (r === 'duplicate') throw new Error('unexpected duplicate');
    recorded.push(r);
  }

  // 30 s: time is up, but two answers that arrived in time wait: no result yet.
  clock.set('2026-11-26T02:00:31Z');
  let from = bot.adapter.sent.length;
  await bot.app.scheduler.runDue();
  await bot.app.idle();
  expect(groupTexts(bot, from)).toEqual([]);

  // They are processed now, after the close time, and count; 王五's answer arrives after it: refused.
  for (const r of recorded) expect(await bot.app.inbox.processRecorded(r)).toBe('done');
  await bot.say('王五', q.right, { chat: GROUP });

  // The time-up looks again: nothing waits, the question closes and names both.
  clock.advance(BACKLOG_RECHECK_MS);
  from = bot.adapter.sent.length;
  await bot.app.scheduler.runDue();
  await bot.app.idle();
  const closed = groupTexts(bot, from);
  expect(closed[0]).toMatch(/^答题 #1 第1\/1题结束。/);
  expect(closed[0]!.split('\n').at(-1)).toBe('2人作答，2人答对：张三、李四');
  const answers = await db.db.quizAnswer.findMany({ orderBy: { elapsedMs: 'asc' } });
  expect(answers.map((a) => [a.elapsedMs, a.answeredAt.toISOString()])).toEqual([
    [10_000, '2026-11-26T02:00:10.000Z'],
    [29_000, '2026-11-26T02:00:29.000Z'],
  ]);
});
