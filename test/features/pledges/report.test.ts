// The year-end public report (公示) through /report and /export, its figures checked against the
// CSV rows and against the check-in rows in the database; the branch roll-up for the township; the
// completion share for the annual evaluation.
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { pledgeCompletion } from '../../../src/features/pledges/index.ts';
import { freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';
import { RecordingAdapter, TEXT_CAPABILITIES } from '../../support/recording-adapter.ts';

const TOWN = '城关镇党委';
const EAST = '东北流村党支部';
const WEST = '西岭村党支部';

let db: Database & { close(): Promise<void> };
let bot: TestBot;
let clock: ManualClock;

async function one(user: string, text: string, chat?: string): Promise<string> {
  const replies = await bot.say(user, text, chat ? { chat } : {});
  expect(replies, `replies to ${user}: ${text}`).toHaveLength(1);
  return replies[0]!;
}

beforeEach(async () => {
  db = await freshSqlite();
  clock = new ManualClock('2026-03-02T02:00:00Z');
  // Only the slices this report is about: pledges, and polls for the annual evaluation that reads
  // the pledge completion (quizzes and meetings would add sections nobody asserts here).
  bot = await startTestBot(db, {
    clock,
    adapter: new RecordingAdapter('console', { ...TEXT_CAPABILITIES, files: true }),
    features: (all) => all.filter((f) => ['core', 'pledges', 'polls', 'evaluation', 'report'].includes(f.name)),
  });
  await bot.say('管理员', `/bindchat ${TOWN}`, { chat: TOWN });
  await bot.say('管理员', `/bindchat ${EAST}`, { chat: EAST });
  await bot.say('管理员', `/bindchat ${WEST}`, { chat: WEST });
  for (const name of ['张三', '李四', '王书记']) await bot.say(name, '大家好', { chat: EAST });
  await bot.say('赵六', '大家好', { chat: WEST });
  await bot.say('管理员', '/setrole @王书记 secretary', { chat: EAST });

  await bot.say('管理员', '/pledge --党委 办好十件民生实事 目标10件', { chat: TOWN }); // #1
  await bot.say('张三', '/pledge 帮扶困难户 目标5户', { chat: EAST }); // #2
  await bot.say('李四', '/pledge 义务劳动 目标6次', { chat: EAST }); // #3
  await bot.say('王书记', '/pledge --支部 新修村道 目标2公里', { chat: EAST }); // #4
  await bot.say('张三', '/pledge 学习党章', { chat: EAST }); // #5
  await bot.say('赵六', '/pledge 走访群众', { chat: WEST }); // #6
  await bot.say('赵六', '/pledge 调解纠纷 目标3件', { chat: WEST }); // #7
  await bot.say('管理员', '/checkin #1 +10', { chat: TOWN });
  await bot.say('张三', '/checkin #2 +5', { chat: EAST });
  await bot.say('李四', '/checkin +2', { chat: EAST });
  await bot.say('赵六', '/checkin #6 +1 走访王大妈', { chat: WEST });
  await bot.say('张三', '/pledge 撤回 #5', { chat: EAST });
});

afterEach(async () => {
  await bot.stop();
  await db.close();
});

describe('year-end report', () => {
  it('reports per branch with done / partly / not done, and the figures match the CSV rows and the check-ins', async () => {
    clock.set('2026-12-31T04:00:00Z');
    const full = await one('管理员', '/report', TOWN);
    // Polls adds its sections after this one (poll turnout, the annual evaluation).
    const report = full.split('\n\n【').slice(0, 2).join('\n\n【');
    expect(report).toBe(
      [
        `${TOWN}2026年工作报告`,
        '',
        '【2026年承诺践诺】',
        '打卡率：近7天有打卡的0/2人（0%）',
        '2026年度承诺践诺公示',
        `${TOWN}：承诺1项，已完成1，部分完成0，未完成0`,
        ' 已完成（1）：',
        `  #1 【${TOWN}】：办好十件民生实事 10/10件`,
        `${EAST}：承诺3项，已完成1，部分完成1，未完成1`,
        ' 已完成（1）：',
        '  #2 张三：帮扶困难户 5/5户',
        ' 部分完成（1）：',
        '  #3 李四：义务劳动 2/6次',
        ' 未完成（1）：',
        `  #4 【${EAST}】：新修村道 0/2公里`,
        ' 另有1项已撤回，不计入。',
        `${WEST}：承诺2项，已完成0，部分完成1，未完成1`,
        ' 部分完成（1）：',
        '  #6 赵六：走访群众 打卡1次',
        ' 未完成（1）：',
        '  #7 赵六：调解纠纷 0/3件',
        '合计：承诺6项，已完成2（33%），部分完成2，未完成2',
      ].join('\n'),
    );

    // The annual evaluation scores each branch's pledge completion from these figures: 1 of 3, 0 of 2.
    expect(full).toMatch(/\n1\. 东北流村党支部：.*\n +承诺完成 33\.3，/);
    expect(full).toMatch(/\n2\. 西岭村党支部：.*\n +承诺完成 0，/);

    const before = bot.adapter.sent.length;
    await bot.say('管理员', '/export 承诺', { chat: TOWN });
    const files = bot.adapter.sent.slice(before).map((d) => d.message).filter((m) => m.kind === 'file');
    expect(files).toHaveLength(1);
    const file = files[0]!;
    if (file.kind !== 'file') throw new Error('not a file');
    expect(file.fileName).toBe(`pledges-2026-${TOWN}.csv`);
    const csv = Buffer.from(file.contentBase64, 'base64').toString('utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows: string[][] = parse(csv.slice(1));
    expect(rows[0]).toEqual(['单位', '编号', '类型', '承诺人', '承诺内容', '目标', '计量单位', '完成量', '打卡次数', '截止日期', '逾期', '结果']);
    const body = rows.slice(1);
    // Per unit: the unit's own pledge first, then its members' pledges.
    expect(body.map((r) => r[1])).toEqual(['1', '4', '2', '3', '6', '7']);

    // Every "承诺N项，已完成a，部分完成b，未完成c" line agrees with the rows of that unit.
    for (const m of report.matchAll(/^(\S+)：承诺(\d+)项，已完成(\d+)，部分完成(\d+)，未完成(\d+)$/gm)) {
      const unitRows = body.filter((r) => r[0] === m[1]);
      expect([unitRows.length, ...['已完成', '部分完成', '未完成'].map((o) => unitRows.filter((r) => r[11] === o).length)]).toEqual(
        [m[2], m[3], m[4], m[5]].map(Number),
      );
    }
    // Every row's progress and check-in count agree with the check-in rows.
    for (const r of body) {
      const agg = await db.db.pledgeCheckin.aggregate({ where: { pledgeId: Number(r[1]), undoneAt: null }, _sum: { amount: true }, _count: { _all: true } });
      expect([Number(r[7]), Number(r[8])]).toEqual([agg._sum.amount ?? 0, agg._count._all]);
    }
  });

  it('gives a secretary their own branch only', async () => {
    clock.set('2026-12-31T04:00:00Z');
    const report = await one('王书记', '/report', EAST);
    expect(report).toContain(`${EAST}：承诺3项，已完成1，部分完成1，未完成1`);
    expect(report).not.toContain(WEST);
    expect(report).not.toContain('合计');
    expect(await one('王书记', `/report ${WEST}`, EAST)).toBe(`书记只能查看本支部的报告，不能查看“${WEST}”。`);
    expect(await one('张三', '/report', EAST)).toBe('这个命令需要管理员、书记身份才能用。');
  });

  it('rolls up branches for admins: share of pledges on track', async () => {
    clock.set('2026-03-03T04:00:00Z'); // the day after the pledges: everything is on track
    expect(await one('管理员', '/pledges 各支部', TOWN)).toContain('合计按进度5/5（100%）');
    // 1 October: 214 of the 305 days from 2 March to 31 December are gone (70%): #3 needs
    // floor(6 × 0.70) = 4 (has 2), #4 needs 1 (has 0), #7 needs 2 (has 0); #6 has no target and no
    // check-in for 7 days; #2 is done.
    clock.set('2026-10-01T04:00:00Z');
    expect(await one('管理员', '/pledges 各支部', TOWN)).toBe(
      [
        `${TOWN}各支部2026年承诺按进度情况：`,
        `${EAST}：▓▓▓░░░░░░░ 1/3（33%）`,
        `${WEST}：░░░░░░░░░░ 0/2（0%）`,
        '合计按进度1/5（20%）。按进度指已完成，或进度不落后于时间。',
      ].join('\n'),
    );
    expect(await one('张三', '/pledges 各支部', EAST)).toBe('各支部汇总仅供管理员查看。');
  });

  it('gives the annual evaluation the completion share', async () => {
    const units = new Map((await db.db.orgUnit.findMany()).map((u) => [u.name, u.id]));
    expect(await pledgeCompletion(db.db, units.get(EAST)!, 2026)).toEqual({ total: 3, completed: 1, share: 1 / 3, hasData: true });
    expect(await pledgeCompletion(db.db, units.get(WEST)!, 2026)).toEqual({ total: 2, completed: 0, share: 0, hasData: true });
    expect(await pledgeCompletion(db.db, units.get(EAST)!, 2025)).toEqual({ total: 0, completed: 0, share: 0, hasData: false });
  });
});
