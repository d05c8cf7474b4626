// Pledges through the real app (inbox, router, features, outbox) on a fresh SQLite database with a
// manual clock: pledges, check-ins from several members with exact progress, refusals, undo,
// edits with audit entries, overdue marking at the org time zone's midnight, exemptions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';

const BRANCH = '东北流村党支部';

let db: Database & { close(): Promise<void> };
let bot: TestBot;
let clock: ManualClock;

/** Says something and returns the one reply (fails when there is not exactly one). */
async function one(user: string, text: string, options?: Parameters<TestBot['say']>[2]): Promise<string> {
  const replies = await bot.say(user, text, options);
  expect(replies, `replies to ${user}: ${text}`).toHaveLength(1);
  return replies[0]!;
}

beforeEach(async () => {
  db = await freshSqlite();
  // Monday 2 March 2026, 10:00 in Asia/Shanghai.
  clock = new ManualClock('2026-03-02T02:00:00Z');
  bot = await startTestBot(db, { clock });
  await bot.say('管理员', `/bindchat ${BRANCH}`);
  for (const name of ['张三', '李四', '王书记']) await bot.say(name, '大家好');
  await bot.say('管理员', '/setrole @王书记 secretary');
});

afterEach(async () => {
  await bot.stop();
  await db.close();
});

describe('pledges and check-ins', () => {
  it('several members pledge and check in; progress is shown exactly', async () => {
    expect(await one('张三', '/pledge 帮扶困难户 目标5户 截止2026-12-31')).toBe(
      '已立承诺 #1 张三：帮扶困难户（目标5户，截止2026-12-31）\n有进展时打卡：/checkin #1 +1 说明',
    );
    expect(await one('李四', '#承诺 带头参加义务劳动 目标６次')).toBe(
      '已立承诺 #2 李四：带头参加义务劳动（目标6次）\n有进展时打卡：/checkin #2 +1 说明',
    );
    expect(await one('王书记', '/pledge --支部 新修村道 目标2公里 截止6月30日')).toBe(
      `已立承诺 #3 【${BRANCH}】：新修村道（目标2公里，截止2026-06-30）\n有进展时打卡：/checkin #3 +1 说明`,
    );

    expect(await one('张三', '/checkin +1 走访李大爷')).toBe('打卡成功：#1 +1（走访李大爷）\n#1 张三：帮扶困难户\n  ▓░░░░ 1/5户 · 截止12-31');
    expect(await one('李四', '#打卡 #2 +3')).toBe('打卡成功：#2 +3\n#2 李四：带头参加义务劳动\n  ▓▓▓░░░ 3/6次');
    expect(await one('张三', '/checkin #1 +２ 送米面油')).toBe('打卡成功：#1 +2（送米面油）\n#1 张三：帮扶困难户\n  ▓▓▓░░ 3/5户 · 截止12-31');
    expect(await one('王书记', '/checkin #3 +1 完成第一公里')).toBe(
      `打卡成功：#3 +1（完成第一公里）\n#3 【${BRANCH}】：新修村道\n  ▓░ 1/2公里 · 截止06-30`,
    );

    expect(await one('李四', '/pledges')).toBe(
      [
        `${BRANCH}2026年承诺共3项，已完成0项：`,
        `#3 【${BRANCH}】：新修村道`,
        '  ▓░ 1/2公里 · 截止06-30',
        '#1 张三：帮扶困难户',
        '  ▓▓▓░░ 3/5户 · 截止12-31',
        '#2 李四：带头参加义务劳动',
        '  ▓▓▓░░░ 3/6次',
        '打卡：/checkin #编号 +1 说明',
      ].join('\n'),
    );

    // Reaching and then going beyond the target is allowed and shown.
    expect(await one('张三', '/checkin +2 两户')).toBe('打卡成功：#1 +2（两户）\n#1 张三：帮扶困难户\n  ▓▓▓▓▓ 5/5户 · 已完成\n目标已完成，谢谢！');
    expect(await one('张三', '/checkin +1')).toBe('打卡成功：#1 +1\n#1 张三：帮扶困难户\n  ▓▓▓▓▓ 6/5户 · 超额1户 · 已完成\n已超额完成目标，超出1户。');

    const sums = await db.db.pledgeCheckin.groupBy({ by: ['pledgeId'], where: { undoneAt: null }, _sum: { amount: true }, orderBy: { pledgeId: 'asc' } });
    expect(sums.map((s) => [s.pledgeId, s._sum.amount])).toEqual([[1, 6], [2, 3], [3, 1]]);

    expect(await one('张三', '/pledges mine')).toBe(
      ['你的承诺（1项）：', '#1 张三：帮扶困难户', '  ▓▓▓▓▓ 6/5户 · 超额1户 · 已完成', '  上次打卡：03-02'].join('\n'),
    );
  });

  it('refuses someone else’s pledge, a closed one, a branch pledge from a member, and asks which pledge when there are several', async () => {
    await bot.say('张三', '/pledge 帮扶困难户 目标5户');
    await bot.say('张三', '/pledge 学习党章 目标12次');
    await bot.say('王书记', '/pledge --支部 新修村道 目标2公里');

    expect(await one('李四', '/checkin #1 +1')).toBe('承诺#1是张三的，只能由本人打卡。');
    expect(await one('李四', '/checkin #3')).toBe(`承诺#3是${BRANCH}的支部承诺，由支部书记打卡。`);
    expect(await one('李四', '/checkin +1')).toBe('你还没有进行中的承诺。先立承诺：/pledge 内容 目标N');
    expect(await one('李四', '/checkin #99 +1')).toBe('没有找到承诺#99。要加数量请写 +数量，例如 /checkin +2 说明。');
    expect(await one('李四', '/pledge --党委 办实事')).toBe('党委承诺由管理员提出。');
    expect(await one('李四', '/pledge --支部 办实事')).toBe('支部承诺由支部书记代表支部提出。');

    expect(await one('张三', '/checkin +1 走访')).toBe(
      [
        '你有2项承诺，请写明给哪一项打卡，例如：/checkin #1 +1 说明',
        '#1 张三：帮扶困难户',
        '  ░░░░░ 0/5户',
        '#2 张三：学习党章',
        '  ░░░░░░░░░░ 0/12次',
      ].join('\n'),
    );
    // Nothing was recorded by the refused check-ins.
    expect(await db.db.pledgeCheckin.count()).toBe(0);

    expect(await one('张三', '/pledge 撤回 #2 重复了')).toBe('已撤回承诺 #2 张三：学习党章');
    expect(await one('张三', '/checkin #2 +1')).toBe('承诺#2已撤回，不能再操作。');
    // With one open pledge left, the id may be left out.
    expect(await one('张三', '/checkin +1 走访')).toContain('▓░░░░ 1/5户');

    expect(await one('张三', '/pledge 完成 #1')).toBe('承诺#1完成1，目标5户，还没达到，不能标为完成。');
    await bot.say('张三', '/pledge 按时交党费');
    expect(await one('张三', '/pledge 完成 #4')).toBe('已标为完成：\n#4 张三：按时交党费\n  还没有打卡 · 已完成');
    expect(await one('张三', '/checkin #4 +1')).toBe('承诺#4已标为完成，不能再打卡或修改。');

    expect(await one('张三', '/pledge 走访 截止2026-02-30')).toBe('日期“2026-02-30”不存在，请检查年月日，例如 截止2026-12-31。');
    expect(await one('张三', '/pledge 走访 截止2026-03-01')).toBe('截止日期2026-03-01已经过了，请写以后的日期。');
    expect(await one('张三', '/pledge 帮扶困难户 目标5户')).toBe('你已经有这项承诺了（#1）。');
    expect(await one('张三', '/checkin +0')).toBe('一次打卡的数量要在1到1000之间。');
    expect(await one('张三', '/pledge')).toBe('格式不对。\n例如：/pledge 帮扶困难户 目标5户 截止2026-12-31\n完整用法：/help 承诺');
    expect(await db.db.pledge.count()).toBe(4);
  });

  it('undoes the owner’s last check-in of the day, and only of that day', async () => {
    await bot.say('张三', '/pledge 帮扶困难户 目标5户');
    await bot.say('张三', '/checkin +1 走访');
    await bot.say('张三', '/checkin +3 写错了');
    expect(await one('李四', '/checkin 撤销')).toBe('今天没有可以撤销的打卡。');
    expect(await one('张三', '/checkin 撤销')).toBe('已撤销今天的打卡 +3（写错了）\n#1 张三：帮扶困难户\n  ▓░░░░ 1/5户');
    expect(await one('张三', '/checkin undo')).toBe('已撤销今天的打卡 +1（走访）\n#1 张三：帮扶困难户\n  ░░░░░ 0/5户');
    expect(await one('张三', '/checkin 撤销')).toBe('今天没有可以撤销的打卡。');

    await bot.say('张三', '/checkin +2');
    // 23:59 the same day in Shanghai (15:59 UTC) it can still be undone; the next day it cannot.
    clock.set('2026-03-02T16:00:00Z');
    expect(await one('张三', '/checkin 撤销')).toBe('今天没有可以撤销的打卡。');
    expect(await one('张三', '/pledges #1')).toBe(
      ['#1 张三：帮扶困难户', '  ▓▓░░░ 2/5户', '2026-03-02立于东北流村党支部，2026年度', '打卡共1次，最近：', '  03-02 张三 +2'].join('\n'),
    );
    const audit = await db.db.auditLog.findMany({ where: { action: 'checkin.undo' }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.detail)).toEqual(['#1 checkin 2 +3', '#1 checkin 1 +1']);
  });

  it('edits and withdrawals by the owner or the secretary leave audit entries; others are refused', async () => {
    await bot.say('张三', '/pledge 帮扶困难户 目标5户');
    expect(await one('李四', '/pledge 修改 #1 目标6户')).toBe('承诺#1只能由承诺人本人、本支部书记或管理员修改。');
    expect(await one('张三', '/pledge 修改 #1 帮扶困难户和五保户 目标6户 截止12月31日')).toBe(
      '已修改：\n#1 张三：帮扶困难户和五保户\n  ░░░░░░ 0/6户 · 截止12-31',
    );
    expect(await one('王书记', '/pledge 修改 #1 目标7户')).toBe('已修改：\n#1 张三：帮扶困难户和五保户\n  ░░░░░░░ 0/7户 · 截止12-31');
    expect(await one('王书记', '/pledge 修改 #1 目标7')).toBe('承诺#1没有变化。修改请写新内容、目标N 或 截止日期。');
    expect(await one('王书记', '/pledge 撤回 #1 本人外出')).toBe('已撤回承诺 #1 张三：帮扶困难户和五保户');
    const rows = await db.db.auditLog.findMany({ where: { action: { startsWith: 'pledge.' } }, orderBy: { id: 'asc' }, include: { member: true } });
    expect(rows.map((r) => [r.member?.name, r.action, r.detail])).toEqual([
      ['张三', 'pledge.edit', '#1 text: 帮扶困难户 -> 帮扶困难户和五保户; target: 5户 -> 6户; due: - -> 2026-12-31'],
      ['王书记', 'pledge.edit', '#1 target: 6户 -> 7户'],
      ['王书记', 'pledge.withdraw', '#1 本人外出'],
    ]);
    expect(await one('李四', '/pledges')).toBe(`${BRANCH}今年还没有承诺。立承诺：/pledge 内容 目标N\n打卡：/checkin #编号 +1 说明`);
  });

  it('marks overdue pledges from midnight in the org time zone', async () => {
    await bot.say('张三', '/pledge 走访困难户 目标4户 截止2026-03-10');
    await bot.say('张三', '/checkin +1');
    clock.set('2026-03-10T15:59:00Z'); // 23:59 on the due day in Shanghai
    expect(await one('张三', '/pledges')).toContain('  ▓░░░ 1/4户 · 截止03-10\n');
    clock.set('2026-03-10T16:00:00Z'); // 00:00 the next day
    expect(await one('张三', '/pledges')).toContain('  ▓░░░ 1/4户 · 截止03-10 · 【已逾期】\n');
    // Late check-ins still count; reaching the target lifts the mark.
    await bot.say('张三', '/checkin +3');
    expect(await one('张三', '/pledges')).toContain('  ▓▓▓▓ 4/4户 · 已完成\n');
  });

  it('keeps a photo sent with a check-in as evidence', async () => {
    await bot.say('张三', '/pledge 帮扶困难户 目标5户');
    const incoming = bot.adapter.message('张三', '/checkin +1 送去米面油', { sentAt: clock.now() });
    const withPhoto = { ...incoming, content: { ...incoming.content, attachments: [{ kind: 'photo' as const, ref: 'photo-ref-1' }] } } as typeof incoming;
    const before = bot.adapter.sent.length;
    await bot.adapter.deliver(withPhoto);
    await bot.app.idle('console');
    const reply = bot.adapter.sent.slice(before).map((d) => (d.message as { text: string }).text);
    expect(reply).toEqual(['打卡成功：#1 +1（送去米面油）\n#1 张三：帮扶困难户\n  ▓░░░░ 1/5户\n已留存佐证材料1份。']);
    const row = await db.db.pledgeCheckin.findFirstOrThrow();
    expect(JSON.parse(row.evidence!)).toEqual([{ kind: 'photo', ref: 'photo-ref-1' }]);
    expect(await one('张三', '/pledges #1')).toContain('  03-02 张三 +1 送去米面油（佐证1份）');
  });

  it('lets the secretary exempt and restore a member; only the secretary', async () => {
    expect(await one('李四', '/pledges 免提醒 @张三 外出务工')).toBe('这项操作需要书记或管理员。');
    expect(await one('王书记', '/pledges 免提醒 @张三 外出务工 至2026-12-31')).toBe('已为张三设免提醒（外出务工），至2026-12-31。期间不发打卡提醒。');
    expect(await one('王书记', '/pledges 免提醒 @赵六 病假')).toBe('本单位没有找到“赵六”。');
    expect(await one('王书记', '/pledges 免提醒')).toBe('免提醒名单（1人）：\n张三：外出务工，至2026-12-31');
    expect(await one('张三', '/whoami')).toContain('免提醒：外出务工');
    expect(await one('王书记', '/pledges 恢复提醒 张三')).toBe('已恢复对张三的打卡提醒。');
    expect(await one('王书记', '/pledges 恢复提醒 张三')).toBe('张三目前没有免提醒。');
    expect(await one('王书记', '/pledges 提醒 5 3')).toBe('已设置：5天没打卡先私信提醒，不在群里提醒（/settings 群内提醒 开 可打开），再隔3天私信告知书记。');
    expect(await one('李四', '/pledges 提醒 1')).toBe('这项操作需要书记或管理员。');
    const actions = (await db.db.auditLog.findMany({ where: { action: { startsWith: 'pledge.' } }, orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['pledge.exempt', 'pledge.unexempt', 'pledge.remind']);
  });

  it('survives hostile input', async () => {
    for (const text of ['/pledge ' + '帮'.repeat(5000), '/checkin ' + '+'.repeat(3000), '/pledge 🙂🙂 目标🙂', "/pledges 免提醒 @' OR 1=1 -- 病假", '/checkin #999999999999 +1']) {
      const replies = await bot.say('张三', text);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.length).toBeLessThan(400);
    }
    expect(await one('张三', '/pledge 🙂🙂 目标3户')).toContain('#2 张三：🙂🙂（目标3户）');
    // Wording is kept as typed (、 and full-width brackets), keywords read in any width.
    expect(await one('张三', '/pledge 帮扶困难户、五保户（含低保） 目标５户')).toBe(
      '已立承诺 #3 张三：帮扶困难户、五保户（含低保）（目标5户）\n有进展时打卡：/checkin #3 +1 说明',
    );
  });
});
