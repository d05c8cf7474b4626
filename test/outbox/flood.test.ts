// Flood control and fairness (#16 item 6), on a manual clock: one member sends 200 commands in a
// private chat while a poll closes in the branch group. The member gets 20 answers and one "slow
// down" (the per-member limit); with the limit off, 200 replies wait in the outbox, and still the
// group's results go out within the platform's normal pacing (Telegram's and WeChat's default
// limits, as the outbox's rate limiter keeps them): priority first (results before individual
// replies), then round robin across the chats of the account.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TELEGRAM_DEFAULT_RATE_LIMITS } from '../../src/adapters/telegram/adapter.ts';
import { DEFAULT_WECHAT_RATE_LIMITS } from '../../src/adapters/wechat/adapter.ts';
import type { RateLimits } from '../../src/bot/adapter.ts';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.ts';
import { RecordingAdapter, TEXT_CAPABILITIES } from '../support/recording-adapter.ts';
import { announcedId, BRANCH, setUpBranch, startPollsBot, type PollsBot } from '../features/polls/harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** A branch with an open poll closing in one hour; the outbox loop stopped (the test drives it). */
async function branchWithPoll(env: Record<string, string> = {}): Promise<{ b: PollsBot; id: number }> {
  const b = (bot = await startPollsBot({ env }));
  await setUpBranch(b, '书记', ['甲', '乙']);
  const id = announcedId(await b.texts('书记', '/poll 周末活动 | 植树 | 义诊 --close 1h'));
  await b.texts('乙', '1');
  await b.app.outbox.stop();
  return { b, id };
}

/** 甲 sends 200 commands in a private chat, as fast as the bot takes them. */
async function flood(b: PollsBot): Promise<void> {
  for (let i = 0; i < 200; i++) await b.app.handle(b.adapter.message('甲', '/whoami', { private: true, sentAt: b.clock.now() }));
}

describe('flood control and outbox fairness', () => {
  it('a member over 20 commands a minute gets one "slow down", then nothing until the minute has passed', async () => {
    const { b } = await branchWithPoll();
    await flood(b);
    await b.app.outbox.start();
    await b.app.idle();
    const texts = b.adapter.textsTo('甲');
    expect(texts.filter((t) => t.includes('太快'))).toEqual(['你发命令太快了，请60秒后再发。']);
    expect(texts).toHaveLength(21);
    b.clock.advance(60_000);
    expect(await b.texts('甲', '/whoami', { private: true })).toHaveLength(1);
  });

  for (const [name, limits] of [
    ['Telegram', TELEGRAM_DEFAULT_RATE_LIMITS],
    ['WeChat', DEFAULT_WECHAT_RATE_LIMITS],
  ] as [string, RateLimits][]) {
    it(`${name} pacing: with 200 replies queued for one member, the group's results go out within the pacing`, async () => {
      const { b, id } = await branchWithPoll({ BOT_COMMANDS_PER_MINUTE: '0' });
      await flood(b);
      const paced = new RecordingAdapter('console', { ...TEXT_CAPABILITIES, rateLimits: limits });
      const d = new OutboxDispatcher({ db: b.db.db, adapters: [paced], clock: b.clock, logger: pino({ level: 'silent' }), instanceId: 'paced', idleMs: 1000 });
      const sentAt: { chat: string; text: string; at: number }[] = [];
      paced.beforeSend = (chat, m) => void sentAt.push({ chat: chat.chatId, text: m.kind === 'text' ? m.text : m.kind, at: b.clock.now().getTime() });
      const drive = async (untilMs: number) => {
        while (b.clock.now().getTime() < untilMs) b.clock.advance(Math.max(1, Math.min(await d.tick(), untilMs - b.clock.now().getTime())));
      };
      // The flood is being delivered for 30 s when the poll closes.
      await drive(b.clock.now().getTime() + 30_000);
      b.clock.set(new Date(b.clock.now().getTime() + 3_600_000));
      const closedAt = b.clock.now().getTime();
      await b.app.scheduler.runDue();
      await drive(closedAt + 10_000);
      const results = sentAt.find((s) => s.chat === BRANCH && s.text.includes(`#${id} 投票结果`));
      expect(results, 'the results were delivered').toBeDefined();
      const delayMs = results!.at - closedAt;
      const waiting = 200 - sentAt.filter((s) => s.chat === '甲' && s.at <= results!.at).length;
      process.stdout.write(`${name} pacing: results ${delayMs} ms after the close, ${waiting} of the member's 200 replies still queued then\n`);
      const slotMs = 1000 / Math.min(1, limits.globalPerSecond);
      expect(delayMs).toBeLessThanOrEqual(slotMs);
      expect(waiting).toBeGreaterThan(0);
    }, 60_000);
  }
});
