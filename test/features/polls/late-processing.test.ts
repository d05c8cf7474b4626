// A county's peak (#18): votes that ARRIVED before a poll's close time but wait in their chats'
// lanes are PROCESSED after it. Through the whole bot (inbox, router, scheduler's close task,
// outbox) on a SQLite file with a manual clock: two votes are recorded before the close, the close
// task finds them waiting and looks again instead of closing, they are processed after the close
// time and count, and the results show both. A vote that arrives after the close time is refused.
import { afterEach, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/bot/inbox.ts';
import { BACKLOG_RECHECK_MS } from '../../../src/bot/backlog.ts';
import { announcedId, BRANCH, setUpBranch, startPollsBot, textOf, type PollsBot } from './harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

it('votes recorded before the close time but processed after it count, and the close waits for them', async () => {
  bot = await startPollsBot();
  await bot.app.scheduler.stop(); // the test runs what is due itself
  await setUpBranch(bot, '书记', ['甲', '乙', '丙']);
  const id = announcedId(await bot.texts('书记', '/poll 周末活动 | 植树 | 义诊 --close 1h'));

  // 甲 and 乙 vote 10 and 1 minutes before the close: recorded (the inbox's first step), not processed.
  const recorded: RecordedEvent[] = [];
  for (const [name, text, at] of [['甲', `/vote #${id} 1`, '2026-11-26T08:50:00Z'], ['乙', `/vote #${id} 2`, '2026-11-26T08:59:00Z']] as const) {
    bot.clock.set(at);
    const r = await bot.app.inbox.record(bot.adapter.message(name, text, { chat: BRANCH, sentAt: bot.clock.now() }));
    if (r === 'duplicate') throw new Error('unexpected duplicate');
    recorded.push(r);
  }

  // The close time passes: the two votes wait, so the poll stays open.
  bot.clock.set('2026-11-26T09:00:01Z');
  let before = bot.adapter.sent.length;
  await bot.app.scheduler.runDue();
  await bot.app.idle();
  expect(bot.adapter.sent.slice(before).map((d) => textOf(d.message)).filter((t) => t.includes('已结束'))).toEqual([]);

  // They are processed now, after the close time, and count; 丙's vote arrives after it: refused.
  for (const r of recorded) expect(await bot.app.inbox.processRecorded(r)).toBe('done');
  await bot.app.idle();
  expect(await bot.texts('丙', `/vote #${id} 1`)).toEqual([`#${id} 已经结束，不能再投票了。`]);

  // The close task looks again: nothing waits, it closes with both votes.
  bot.clock.advance(BACKLOG_RECHECK_MS);
  before = bot.adapter.sent.length;
  await bot.app.scheduler.runDue();
  await bot.app.idle();
  const closed = bot.adapter.sent.slice(before).map((d) => textOf(d.message)).filter((t) => t.includes('已结束'));
  expect(closed).toHaveLength(1);
  expect(closed[0]).toContain('1. 植树：1 票\n2. 义诊：1 票');
});
