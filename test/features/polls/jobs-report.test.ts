import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobContext } from '../../../src/scheduler/contract.ts';
import type { ChatRef, QueuedMessage } from '../../../src/bot/types.ts';
import { closePoll, remindPoll, TASK_CLOSE, TASK_REMIND } from '../../../src/features/polls/index.ts';
import { satisfactionPart } from '../../../src/features/polls/api.ts';
import { evaluationFeature } from '../../../src/features/evaluation/index.ts';
import { partFromRate } from '../../../src/features/evaluation/api.ts';
import { evaluationParts } from '../../../src/features/index.ts';
import { loadConfig } from '../../../src/config.ts';
import { baseContext } from '../../support/base-context.ts';
import { announcedId, BRANCH, setUpBranch, startPollsBot, textOf, type PollsBot } from './harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const PROMPTS = path.resolve(import.meta.dirname, '../../../prompts');

/** A job context over the bot's database, collecting what the job sends. */
function jobContext(b: PollsBot, sent: { chat: ChatRef; message: QueuedMessage }[]): JobContext {
  const base = baseContext({
    db: b.db.db,
    now: () => b.clock.now(),
    t: b.app.translate,
    capabilitiesOf: () => b.adapter.capabilities,
    send: (chat, message) => void sent.push({ chat, message: typeof message === 'string' ? { kind: 'text', text: message } : message }),
  });
  return { ...base, scheduledAt: b.clock.now(), late: false };
}

describe('timed close and reminder (the scheduler tasks)', () => {
  it('the polls.remind and polls.close runners remind non-voters, then close once and post the results', async () => {
    const scheduled: { kind: string; key: string; dueAt: Date; payload: Record<string, unknown> }[] = [];
    bot = await startPollsBot({ scheduleTask: async (_tx, spec) => void scheduled.push(spec) });
    await setUpBranch(bot, '书记', ['甲', '乙', '丙']);
    expect(await bot.texts('书记', '/settings 群内提醒 开')).toEqual(['已把“群内提醒”设为开。']);
    const id = announcedId(await bot.texts('书记', '/poll 周末活动 | 植树 | 义诊 --close 24h'));
    expect(scheduled).toEqual([
      { kind: TASK_CLOSE, key: `${TASK_CLOSE}:${id}`, dueAt: new Date('2026-11-27T08:00:00Z'), payload: { pollId: id } },
      { kind: TASK_REMIND, key: `${TASK_REMIND}:${id}`, dueAt: new Date('2026-11-27T06:00:00Z'), payload: { pollId: id } },
    ]);
    await bot.texts('甲', '1');
    await bot.texts('乙', '2');

    bot.clock.set('2026-11-27T06:00:00Z');
    const sent: { chat: ChatRef; message: QueuedMessage }[] = [];
    await bot.app.jobs.taskRunners.get(TASK_REMIND)!(jobContext(bot, sent), { pollId: id });
    expect(sent.map((d) => [d.chat.kind, d.chat.chatId, textOf(d.message)])).toEqual([
      // Not the admin: he belongs to the township, not the branch.
      ['group', BRANCH, `提醒：#${id}「周末活动」将在 2026-11-27 16:00 截止，还有 2 人没投票。`],
      ['private', '丙', `提醒：#${id}「周末活动」将在 2026-11-27 16:00 截止，你还没有投票。发送 /vote #${id} 加你的选择即可。`],
      ['private', '书记', expect.stringContaining('你还没有投票') as unknown as string],
    ]);

    bot.clock.set('2026-11-27T08:00:00Z');
    sent.length = 0;
    const run = bot.app.jobs.taskRunners.get(TASK_CLOSE)!;
    await run(jobContext(bot, sent), { pollId: id });
    const texts = sent.map((d) => textOf(d.message)).filter(Boolean);
    expect(texts).toEqual([`#${id} 已结束。\n#${id} 投票结果（已结束）：周末活动\n1. 植树：1 票\n2. 义诊：1 票\n参与：2 / 4 人（50%）`]);
    expect(sent.some((d) => d.message.kind === 'render')).toBe(true);
    // Run twice (a retry, or a manual /close raced it): nothing more is posted.
    sent.length = 0;
    await run(jobContext(bot, sent), { pollId: id });
    expect(sent).toEqual([]);
    expect(await closePoll(jobContext(bot, sent), id)).toBeNull();
    expect(await remindPoll(jobContext(bot, sent), id)).toEqual([]);
    expect(await bot.texts('丙', '1')).toEqual([]);
    await expect(run(jobContext(bot, sent), { pollId: 'x' })).rejects.toThrow();
  });
});

describe('/report: poll turnout and the annual evaluation', () => {
  it('ranks branches by the composite, saying which part has no data', async () => {
    const units = new Map<number, string>();
    const pledges: Record<string, number | null> = { 东村党支部: 0.9, 西村党支部: null };
    const attendance: Record<string, number | null> = { 东村党支部: 0.8, 西村党支部: 0.6 };
    bot = await startPollsBot({
      features: (defaults) =>
        defaults.map((f) =>
          f.name === 'evaluation'
            ? evaluationFeature({
                promptsDir: PROMPTS,
                parts: [
                  partFromRate('pledges', 'evaluation.part.pledges', async (_tx, unitId) => pledges[units.get(unitId)!] ?? null),
                  partFromRate('attendance', 'evaluation.part.attendance', async (_tx, unitId) => attendance[units.get(unitId)!] ?? null),
                  satisfactionPart,
                  ...evaluationParts({ config: loadConfig({}), promptsDir: PROMPTS }).slice(3),
                ],
              })
            : f,
        ),
    });
    await bot.say('管理员', '/bindchat 城关镇党委', { chat: '镇党委群' });
    await bot.say('管理员', '/bindchat 东村党支部', { chat: '东村群' });
    await bot.say('管理员', '/bindchat 西村党支部', { chat: '西村群' });
    for (const u of await bot.db.db.orgUnit.findMany()) units.set(u.id, u.name);
    for (const p of ['东一', '东二', '东三']) await bot.say(p, '大家好', { chat: '东村群' });
    await bot.say('西一', '大家好', { chat: '西村群' });

    const east = announcedId(await bot.texts('管理员', '/rate 东村支部书记 --min 2', { chat: '东村群' }));
    await bot.say('东一', '90', { chat: '东村群' });
    await bot.say('东二', '八十', { chat: '东村群' });
    await bot.say('管理员', `/close #${east}`, { chat: '东村群' });
    const west = announcedId(await bot.texts('管理员', '/rate 西村支部书记', { chat: '西村群' }));
    await bot.say('西一', '70', { chat: '西村群' });
    await bot.say('管理员', `/close #${west}`, { chat: '西村群' });

    // 东三 does not rate; the admin opens and closes but is no member of a village, so 东村 has 3
    // eligible, 西村 1.
    bot.clock.advance(60_000);
    const [report] = await bot.texts('管理员', '/report', { chat: '镇党委群' });
    // 东村: (40×90 + 30×80 + 30×85) / 100 = 85.5 → 先进.
    // 西村: no pledge data → (30×60 + 30×70) / 60 = 65, coverage 0.6 → 后进.
    expect(report).toContain('城关镇党委2026年工作报告');
    expect(report).toContain('【投票与测评】\n2026年发起 2 次，已结束 2 次\n参与：3 / 4 人（75%）');
    expect(report).toContain(
      [
        '【年度考评（定类升级）】',
        '1. 东村党支部：85.5 分，先进',
        '   承诺完成 90，会议出勤 80，满意度 85',
        '2. 西村党支部：65 分，后进（缺承诺完成数据，按其余部分折算）',
        '   承诺完成 无数据，会议出勤 60，满意度 70',
      ].join('\n'),
    );
    const [branch] = await bot.texts('管理员', '/report', { chat: '东村群' });
    expect(branch).toContain('【投票与测评】\n2026年发起 1 次，已结束 1 次\n参与：2 / 3 人（67%）');
    expect(await bot.texts('东一', '/report', { chat: '东村群' })).toEqual(['这个命令需要管理员、书记身份才能用。']);
  });

  it('with the real features: pledge completion comes from the pledges feature; no meetings means no attendance data', async () => {
    bot = await startPollsBot();
    await bot.say('管理员', '/bindchat 城关镇党委', { chat: '镇党委群' });
    await bot.say('管理员', '/bindchat 东村党支部', { chat: '东村群' });
    await bot.say('管理员', '/bindchat 西村党支部', { chat: '西村群' });
    await bot.say('东一', '/pledge 帮扶困难户 目标1', { chat: '东村群' });
    await bot.say('东一', '/checkin +1 走访', { chat: '东村群' });
    await bot.say('西一', '/pledge 修水渠 目标2', { chat: '西村群' });
    await bot.say('西一', '/checkin +1', { chat: '西村群' });
    bot.clock.advance(60_000);
    const [report] = await bot.texts('管理员', '/report', { chat: '镇党委群' });
    // 东村: 1 of 1 pledges done = 100; 西村: 0 of 1 = 0. Attendance and satisfaction have no data, so
    // the pledges part alone (40% of the weight) is below minCoverage 0.6: scores, but no category.
    expect(report).toContain(
      [
        '【年度考评（定类升级）】',
        '1. 东村党支部：100 分，数据不够，暂不定类（缺会议出勤、满意度数据，按其余部分折算）',
        '   承诺完成 100，会议出勤 无数据，满意度 无数据',
        '2. 西村党支部：0 分，数据不够，暂不定类（缺会议出勤、满意度数据，按其余部分折算）',
        '   承诺完成 0，会议出勤 无数据，满意度 无数据',
      ].join('\n'),
    );
  });
});
