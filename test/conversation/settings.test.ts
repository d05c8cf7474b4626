// Issue 17, "invite, do not force": a public leaderboard, a public list of who has not checked in
// and reminders escalated into the group are each a unit's choice (`/settings`), all off at first;
// reminders go privately; exempt members are never reminded; the daily question goes only to
// those who asked for it unless the unit makes it the default. One test per toggle, off by default.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { ChatRef } from '../../src/bot/types.ts';
import { remindPoll } from '../../src/features/polls/lifecycle.ts';
import { freshSqlite } from '../support/db.ts';
import { startTestBot, type TestBot } from '../support/app.ts';
import { announcedId, BRANCH, setUpBranch, startPollsBot, textOf, type PollsBot } from '../features/polls/harness.ts';
import { baseContext } from '../support/base-context.ts';

let polls: PollsBot | undefined;
let bot: TestBot | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await polls?.stop();
  await bot?.stop();
  await close?.();
  polls = bot = close = undefined;
});

describe('/settings', () => {
  it('shows every toggle as 关 at first; the secretary and admins change them, members may not', async () => {
    const b = (polls = await startPollsBot());
    await setUpBranch(b, '王芳', ['李四']);
    expect(await b.texts('王芳', '/settings')).toEqual([
      `${BRANCH}的设置：\n公开积分榜：关\n公开未打卡名单：关\n群内提醒：关\n每日一题：关\n书记可改，例如：/settings 群内提醒 开（默认都关，提醒只私信）`,
    ]);
    expect(await b.texts('王芳', '/settings 公开积分榜 开')).toEqual(['已把“公开积分榜”设为开。']);
    expect(await b.texts('王芳', '#设置 积分榜 开')).toEqual(['“公开积分榜”本来就是开。']);
    expect(await b.texts('管理员', '/settings 公开积分榜 关')).toEqual(['已把“公开积分榜”设为关。']);
    expect((await b.texts('李四', '/settings 群内提醒 开'))[0]).toMatch(/书记|管理员/);
    expect(await b.texts('王芳', '/settings 在线时长 开')).toEqual(['没有这个设置。可以设置的有：公开积分榜、公开未打卡名单、群内提醒、每日一题']);
    expect((await b.texts('王芳', '/settings 群内提醒 也许'))[0]).toContain('/settings 公开积分榜 开');
    expect(await b.db.db.unitSetting.count({ where: { on: true } })).toBe(0);
  });
});

describe('公开积分榜 (public leaderboard)', () => {
  it('off: /rank in the group tells the member only their own points and streak, privately; on: the whole board', async () => {
    const b = (polls = await startPollsBot());
    await setUpBranch(b, '王芳', ['李四', '张三']);
    await b.db.db.quizDay.createMany({
      data: [
        { memberId: (await b.db.db.member.findFirstOrThrow({ where: { name: '李四' } })).id, day: '2026-11-26', points: 30, answers: 3, correct: 3 },
        { memberId: (await b.db.db.member.findFirstOrThrow({ where: { name: '张三' } })).id, day: '2026-11-26', points: 50, answers: 5, correct: 5 },
      ],
    });
    await b.say('李四', '你好', { private: true });
    const off = await b.say('李四', '/rank');
    const group = off.filter((d) => d.chat.kind === 'group').map((d) => textOf(d.message));
    const mine = off.filter((d) => d.chat.kind === 'private').map((d) => textOf(d.message));
    expect(group).toEqual(['李四，你的积分已私信发给你。']);
    expect(mine).toEqual(['你的学习积分：30分，连续学习1天。（本单位没有公开积分榜，只给你看自己的。）']);
    expect(off.map((d) => textOf(d.message)).join('\n')).not.toContain('张三');

    expect((await b.texts('张三', '/rank')).join('\n')).not.toContain('李四');

    await b.texts('王芳', '/settings 公开积分榜 开');
    const board = (await b.texts('李四', '/rank')).join('\n');
    expect(board).toContain('1. 张三 50分');
    expect(board).toContain('2. 李四 30分');
  });

  it('off, where the member cannot be reached privately: one short line with their own figures only', async () => {
    const b = (polls = await startPollsBot({ capabilities: { privateMessages: false } }));
    await setUpBranch(b, '王芳', ['李四']);
    expect(await b.texts('李四', '/rank')).toEqual(['李四：0分，连续学习0天']);
  });
});

/** What a pledge reminder run delivered: [chat id, kind, text], sorted by chat. */
async function reminderRun(b: TestBot, clock: ManualClock, day: number): Promise<[string, ChatRef['kind'], string][]> {
  clock.set(`2026-03-${String(day).padStart(2, '0')}T01:00:00Z`);
  const before = b.adapter.sent.length;
  await b.app.scheduler.runDue(clock.now());
  await b.app.idle('console');
  return b.adapter.sent
    .slice(before)
    .map((d): [string, ChatRef['kind'], string] => [d.chat.chatId, d.chat.kind, d.message.kind === 'text' ? d.message.text : d.message.kind])
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

/** A branch with a secretary, 李四's idle pledge and 王五 exempt; reminders after 3 days, stages 2 apart. */
async function pledgeBranch(): Promise<{ b: TestBot; clock: ManualClock }> {
  const db = await freshSqlite();
  close = () => db.close();
  const clock = new ManualClock('2026-03-02T02:00:00Z');
  const b = (bot = await startTestBot(db, { clock, features: (all) => all.filter((f) => ['core', 'pledges', 'settings'].includes(f.name)) }));
  await b.say('管理员', `/bindchat ${BRANCH}`);
  for (const name of ['李四', '王五', '王书记']) await b.say(name, '大家好');
  await b.say('管理员', '/setrole @王书记 secretary');
  await b.say('王书记', '/pledges 提醒 3 2');
  await b.say('李四', '/pledge 义务劳动 目标6次');
  await b.say('王五', '/pledge 学习党章 目标12次');
  await b.say('王书记', '/pledges 免提醒 @王五 病假');
  return { b, clock };
}

describe('群内提醒 (reminders escalated into the group)', () => {
  it('off: the nudge is private, then the secretary is told privately; nothing reaches the group; the exempt member hears nothing', async () => {
    const { b, clock } = await pledgeBranch();
    expect(await b.say('王书记', '/pledges 提醒')).toEqual([
      '本单位打卡提醒：3天没打卡先私信提醒，不在群里提醒（/settings 群内提醒 开 可打开），再隔2天私信告知书记。书记可用 /pledges 提醒 天数 间隔天数 修改。',
    ]);
    const nudge = await reminderRun(b, clock, 5);
    expect(nudge.map(([chat, kind]) => [chat, kind])).toEqual([['李四', 'private']]);
    const second = await reminderRun(b, clock, 7);
    expect(second).toEqual([
      ['王书记', 'private', '以下同志的承诺3天以上没有打卡，已私信提醒过：\n李四：#1，上次打卡：无\n如外出务工或病假，可设免提醒：/pledges 免提醒 @姓名 外出务工'],
    ]);
    expect(await reminderRun(b, clock, 9)).toEqual([]);
    expect(b.adapter.sent.filter((d) => d.chat.kind === 'group' && /^提醒：/.test(textOf(d.message)))).toEqual([]);
    expect(b.adapter.sent.filter((d) => d.chat.chatId === '王五' && /没有打卡/.test(textOf(d.message)))).toEqual([]);
  });

  it('off: a poll reminder goes privately only, and never to a member exempt from reminders; on: the group hears a count', async () => {
    const b = (polls = await startPollsBot());
    await setUpBranch(b, '王芳', ['李四', '王五']);
    await b.texts('王芳', '/pledges 免提醒 @王五 病假');
    for (const name of ['李四', '王五']) await b.say(name, '你好', { private: true });
    const id = announcedId(await b.texts('王芳', '/poll 周末活动 | 植树 | 义诊 --close 24h'));
    b.clock.set('2026-11-27T06:00:00Z');
    const env = baseContext({ db: b.db.db, now: () => b.clock.now(), t: b.app.translate, timeZone: 'Asia/Shanghai', capabilitiesOf: () => b.adapter.capabilities });
    const off = await remindPoll(env, id);
    expect(off.filter((d) => d.chat.kind === 'group')).toEqual([]);
    expect(off.map((d) => d.chat.chatId)).toContain('李四');
    expect(off.map((d) => d.chat.chatId)).not.toContain('王五');
    await b.texts('王芳', '/settings 群内提醒 开');
    const on = await remindPoll(env, id);
    expect(on.filter((d) => d.chat.kind === 'group').map((d) => textOf(d.message))).toEqual([expect.stringContaining('人没投票')]);
  });
});

describe('公开未打卡名单 (public list of who has not checked in)', () => {
  it('off: a group reminder counts the idle members and names nobody; on: it names them', async () => {
    const { b, clock } = await pledgeBranch();
    await b.say('王书记', '/settings 群内提醒 开');
    await reminderRun(b, clock, 5);
    expect(await reminderRun(b, clock, 7)).toEqual([[BRANCH, 'group', '提醒：本单位有1位同志的承诺已3天以上没有打卡，有进展请发 /checkin 打卡。']]);

    await b.say('王书记', '/settings 公开未打卡名单 开');
    await b.say('李四', '/checkin +1'); // a new idle spell: nudge on the 10th, group on the 12th
    await reminderRun(b, clock, 10);
    expect(await reminderRun(b, clock, 12)).toEqual([[BRANCH, 'group', '提醒：@李四 的承诺已3天以上没有打卡，有进展请发 /checkin 打卡。']]);
  });
});

describe('每日一题 (the daily question for every member by default)', () => {
  it('off: only members who turned it on get it; on: every member of the unit but one who turned it off', async () => {
    const db = await freshSqlite();
    close = () => db.close();
    const clock = new ManualClock('2026-11-26T02:00:00Z');
    const b = (bot = await startTestBot(db, { clock, features: (all) => all.filter((f) => ['core', 'quizzes', 'settings'].includes(f.name)) }));
    await b.app.scheduler.stop(); // the test runs what is due itself
    await b.say('管理员', `/bindchat ${BRANCH}`);
    for (const name of ['张三', '李四', '王五', '王书记']) await b.say(name, '大家好');
    await b.say('管理员', '/setrole @王书记 secretary');
    await b.say('张三', '/quiz 每日一题 开');
    await b.say('王五', '/quiz 每日一题 关');
    const dailyTo = async (day: string): Promise<string[]> => {
      const before = b.adapter.sent.length;
      clock.set(`${day}T00:00:00Z`); // 08:00 in Asia/Shanghai
      await b.app.scheduler.runDue();
      await b.app.idle();
      return b.adapter.sent.slice(before).filter((d) => d.chat.kind === 'private' && /^每日一题/.test(textOf(d.message))).map((d) => d.chat.chatId).sort();
    };
    expect(await dailyTo('2026-11-27')).toEqual(['张三']);
    expect(await b.say('李四', '/quiz 每日一题')).toEqual([expect.stringContaining('你没有开启每日一题')]);
    expect(await b.say('王书记', '/settings 每日一题 开')).toEqual(['已把“每日一题”设为开。']);
    expect(await b.say('李四', '/quiz 每日一题')).toEqual([expect.stringContaining('你已开启每日一题')]);
    const all = await dailyTo('2026-11-28');
    expect(all).toEqual(expect.arrayContaining(['张三', '李四', '王书记']));
    expect(all).not.toContain('王五');
  });
});
