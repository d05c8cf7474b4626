/**
 * A month of a township on DingTalk, simulated on the manual clock through the real outbox, meter
 * and DingTalkAdapter against the fake DingTalk: every morning each member's private daily
 * question (low priority; the same for everyone unless `personal`) and, in every group, a notice and a result. Used by the budget test
 * (scaled down) and by `bench/dingtalk-budget.ts` (700 members, 10,000 calls).
 */
import type { OutboxItem } from '../../src/outbox/enqueue.ts';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import type { DingTalkBot } from './dingtalk-bot.ts';

/** The size of the simulated township. */
export interface MonthPlan {
  readonly members: number;
  readonly groups: number;
  /** Days to simulate, from 1 December (default 31). */
  readonly days?: number;
  /**
   * Each member's morning message is their own (a personal reminder naming them), so none can
   * share a 1:1 call; by default it is the day's question, the same for everyone (batched).
   */
  readonly personal?: boolean;
}

/** What the month cost and what reached whom. */
export interface MonthOutcome {
  /** Metered OpenAPI calls the fake served (tokens included). */
  readonly calls: number;
  /** Calls the meter counted. */
  readonly counted: number;
  readonly privateSent: number;
  readonly digested: number;
  /** First day (1-based) a daily question went into the digest; undefined if never. */
  readonly digestFromDay: number | undefined;
  readonly digestsSent: number;
  readonly groupSent: number;
  readonly groupEnqueued: number;
  /** Warnings the admins received, by text. */
  readonly warnings: readonly string[];
}

/** Runs the month; the bot must be started with `runOutbox: false`. */
export async function simulateMonth(bot: DingTalkBot, plan: MonthPlan): Promise<MonthOutcome> {
  const db = bot.db.db;
  const groups = Array.from({ length: plan.groups }, (_, i) => `cidGroup${i + 1}`);
  await db.chat.createMany({ data: groups.map((g, i) => ({ platform: 'dingtalk', externalId: g, kind: 'group', title: `第${i + 1}村党支部` })) });
  const caps = () => bot.adapter.capabilities;
  let digestFromDay: number | undefined;
  let groupEnqueued = 0;
  for (let day = 1; day <= (plan.days ?? 31); day++) {
    bot.clock.set(`2026-12-${String(day).padStart(2, '0')}T00:00:00Z`); // 08:00 in Asia/Shanghai
    const items: OutboxItem[] = [];
    for (let m = 1; m <= plan.members; m++) items.push({ chat: { platform: 'dingtalk', chatId: `staff${1000 + m}`, kind: 'private' }, message: { kind: 'text', text: plan.personal ? `每日一题 ${day}（${m}号党员）` : `每日一题 ${day}`, priority: 'low' }, key: `daily:${day}:${m}` });
    for (const g of groups) for (const what of ['通知', '结果']) items.push({ chat: { platform: 'dingtalk', chatId: g, kind: 'group' }, message: { kind: 'text', text: `${what} ${day}` }, key: `${what}:${day}:${g}` });
    groupEnqueued += groups.length * 2;
    await enqueueMessages(db, items, caps, bot.clock.now(), { freshKeys: true });
    await drainOutbox(bot);
    if (digestFromDay === undefined && (await db.outboxMessage.count({ where: { status: 'digested' } })) > 0) digestFromDay = day;
  }
  const sent = bot.fake.sent;
  const usage = await db.meteredUsage.findMany({ where: { platform: 'dingtalk' } });
  return {
    calls: bot.fake.calls.length,
    counted: usage.reduce((a, u) => a + u.calls, 0),
    privateSent: sent.filter((s) => s.route === 'user' && s.content.startsWith('每日一题')).length,
    digested: await db.outboxMessage.count({ where: { status: 'digested' } }),
    digestFromDay,
    digestsSent: sent.filter((s) => s.route === 'group' && s.content.includes('额度')).length,
    groupSent: sent.filter((s) => s.route === 'group' && /^(通知|结果) /.test(s.content)).length,
    groupEnqueued,
    warnings: sent.filter((s) => s.route === 'user' && s.target === 'staff01').map((s) => s.content),
  };
}

/** Ticks the outbox (moving the clock through waits) until nothing is due. */
export async function drainOutbox(bot: DingTalkBot): Promise<void> {
  for (;;) {
    const t0 = Date.now();
    const wait = await bot.app.outbox.tick();
    if (process.env.DT_TRACE) console.error('tick', Date.now() - t0, 'ms, wait', wait);
    if (wait === 0) continue;
    const due = await bot.db.db.outboxMessage.count({ where: { platform: 'dingtalk', status: { in: ['pending', 'sending'] }, notBefore: { lte: bot.clock.now() } } });
    const later = await bot.db.db.outboxMessage.count({ where: { platform: 'dingtalk', status: 'pending' } });
    if (due === 0 && later === 0) return;
    bot.clock.advance(Math.max(1, Math.min(wait, 1000)));
  }
}
