/**
 * Benchmark, DingTalk budget: a month (31 days) of a township of 700 members on DingTalk, simulated
 * on a manual clock through the real outbox, meter and DingTalkAdapter against the fake DingTalk
 * (real 2-hour tokens, DingTalk's 20 sends/s, budget 10,000): every morning each member's private daily question and, in
 * each of 34 groups, a notice and a result. Reports the calls spent, when the digest switched on,
 * what was delivered and the admins' warnings. The daily question is the same for every member, so
 * the 1:1 sends go 20 members a call (`oToMessages/batchSend`); `--unbatched` sends each alone
 * (DINGTALK_BATCH_USERS=1, as before batching) for comparison.
 * `tsx bench/dingtalk-budget.ts [--quick] [--unbatched]`.
 */
import { startDingTalkBot } from '../test/support/dingtalk-bot.ts';
import { simulateMonth } from '../test/support/dingtalk-month.ts';
import { emit, machine } from './support.ts';

const quick = process.argv.includes('--quick');
const unbatched = process.argv.includes('--unbatched');
console.info = () => {}; // the SDK prints "connect success" on stdout, which carries the JSON
const plan = { members: quick ? 70 : 700, groups: quick ? 4 : 34 };
const budget = quick ? 1000 : 10_000;
const t0 = Date.now();
// DingTalk's real pace (20 sends/s, 20 a minute per group), on the manual clock.
const bot = await startDingTalkBot({ runOutbox: false, env: { DINGTALK_MONTHLY_CALL_BUDGET: String(budget), DINGTALK_BATCH_USERS: unbatched ? '1' : '20' } });
const out = await simulateMonth(bot, plan);
await bot.stop();
emit({
  benchmark: 'dingtalk-budget',
  ...plan,
  budget,
  batch_users: unbatched ? 1 : 20,
  ...out,
  private_questions_wanted: plan.members * 31,
  wall_s: Math.round((Date.now() - t0) / 1000),
  // Batched, the month fits with every question sent privately; unbatched, only with the digest and one warning.
  targets: unbatched
    ? { within_budget: out.calls <= budget, digest_on: out.digested > 0, every_group_message_sent: out.groupSent === out.groupEnqueued, warned_once: out.warnings.length === 1 }
    : { within_budget: out.calls <= budget, every_question_private: out.privateSent === plan.members * 31, every_group_message_sent: out.groupSent === out.groupEnqueued, no_warning: out.warnings.length === 0 },
  machine: machine(),
});
process.exit(0);
