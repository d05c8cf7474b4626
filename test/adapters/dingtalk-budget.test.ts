// The metered-call budget through the real outbox, meter and DingTalkAdapter against the fake
// DingTalk, on a manual clock, for a township scaled down (20 members, 1 group, a budget of 250
// calls, tokens that last the month; bench/dingtalk-budget.ts runs the real 700 members, 34
// groups, 2-hour tokens and 10,000 calls). A month of the same daily question for all costs one
// batched 1:1 call a day; a month of personal daily messages (no batching) stays within the
// budget with the digest switching on, every notice and result still sent, the admin warned
// once. Then a budget used up: private sends are cut, group notices last, the admin told at
// 100% once.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import { reserveOf } from '../../src/outbox/meter.ts';
import { startDingTalkBot, type DingTalkBot } from '../support/dingtalk-bot.ts';
import { drainOutbox, simulateMonth } from '../support/dingtalk-month.ts';

let bot: DingTalkBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  vi.restoreAllMocks();
});

const fast = { DINGTALK_QPS: '100000', DINGTALK_GROUP_PER_MINUTE: '100000' };

describe('DingTalk metered-call budget', () => {
  it('sends a month of the same daily question to 20 members in one call a day: no digest, nothing cut', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    bot = await startDingTalkBot({ runOutbox: false, env: { ...fast, DINGTALK_MONTHLY_CALL_BUDGET: '250' }, fake: { tokenSeconds: 40 * 86_400 } });
    const out = await simulateMonth(bot, { members: 20, groups: 1 });
    expect(out.calls).toBe(1 + 31 * (1 + 2)); // a token, then each day one batchSend of 20 and the group's notice and result
    expect(out.counted).toBe(out.calls);
    expect(out.privateSent).toBe(20 * 31);
    expect(out.digested).toBe(0);
    expect(out.groupSent).toBe(out.groupEnqueued);
    expect(out.warnings).toEqual([]);
  }, 120_000);

  it('keeps a month of personal daily messages within the budget: digest on, notices all sent, admin warned once', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    bot = await startDingTalkBot({ runOutbox: false, env: { ...fast, DINGTALK_MONTHLY_CALL_BUDGET: '250' }, fake: { tokenSeconds: 40 * 86_400 } });
    const out = await simulateMonth(bot, { members: 20, groups: 1, personal: true });
    expect(out.calls).toBeLessThanOrEqual(250);
    expect(out.counted).toBe(out.calls);
    expect(out.digestFromDay).toBe(8); // 60% of 250 = 150 calls: a token, seven days of 20 questions and 2 notices, then part of the eighth
    expect(out.privateSent + out.digested).toBe(20 * 31);
    expect(out.digestsSent).toBe(31 - out.digestFromDay! + 1);
    expect(out.groupSent).toBe(out.groupEnqueued);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toContain('80%');
  }, 120_000); // about 3 s on an idle machine; 25 s at a load average of 20

  it('at the budget cuts private sends first and group notices last, and tells the admin once at 100%', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    bot = await startDingTalkBot({ runOutbox: false, env: { ...fast, DINGTALK_MONTHLY_CALL_BUDGET: '200' } });
    await bot.db.db.meteredUsage.create({ data: { platform: 'dingtalk', month: '2026-12', calls: 185, warned: 80 } });
    bot.clock.set('2026-12-20T01:00:00Z');
    const caps = () => bot!.adapter.capabilities;
    const priv = Array.from({ length: 5 }, (_, i) => ({ chat: { platform: 'dingtalk', chatId: `staff${i + 10}`, kind: 'private' as const }, message: { kind: 'text' as const, text: `回执 ${i}` }, key: `p${i}` }));
    await enqueueMessages(bot.db.db, priv, caps, bot.clock.now());
    await drainOutbox(bot);
    expect(bot.fake.sent.filter((s) => s.content.startsWith('回执'))).toHaveLength(5); // 185 + 5 = 190 = 95%: all five fit
    const before = (await bot.db.db.meteredUsage.findUniqueOrThrow({ where: { platform_month: { platform: 'dingtalk', month: '2026-12' } } })).calls;
    const groups = Array.from({ length: 12 }, (_, i) => ({ chat: { platform: 'dingtalk', chatId: 'cidVillage1', kind: 'group' as const }, message: { kind: 'text' as const, text: `通知 ${i}` }, key: `g${i}` }));
    await enqueueMessages(bot.db.db, [...groups, { chat: { platform: 'dingtalk', chatId: 'staff30', kind: 'private' }, message: { kind: 'text', text: '提醒' }, key: 'late' }], caps, bot.clock.now());
    await drainOutbox(bot);
    const usage = await bot.db.db.meteredUsage.findUniqueOrThrow({ where: { platform_month: { platform: 'dingtalk', month: '2026-12' } } });
    expect(usage.calls).toBeLessThanOrEqual(200);
    expect(usage.calls).toBeGreaterThanOrEqual(200 - reserveOf(200));
    expect(bot.fake.sent.some((s) => s.content === '提醒')).toBe(false);
    expect(bot.fake.sent.filter((s) => s.content.startsWith('通知')).length).toBe(200 - reserveOf(200) - before);
    const warnings = bot.fake.sent.filter((s) => s.target === 'staff01');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.content).toContain('已用完');
    expect((await bot.db.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: 'late' } })).status).toBe('failed');
  });
});
