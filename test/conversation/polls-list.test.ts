// Issue 17: `/polls` lists what is open in this unit with ids and deadlines, so nobody must
// remember `#N`; masses see only the ratings they may take part in.
import { afterEach, describe, expect, it } from 'vitest';
import { announcedId, setUpBranch, startPollsBot, type PollsBot } from '../features/polls/harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('/polls', () => {
  it('lists the open polls with ids, deadlines and whether the asker voted', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, '王芳', ['李四']);
    expect(await bot.texts('李四', '/polls')).toEqual(['现在没有正在进行的投票。']);
    const a = announcedId(await bot.texts('王芳', '/poll 周六搞卫生吗 | 去 | 不去 --close 2026-12-01 20:00'));
    const b = announcedId(await bot.texts('王芳', '/rate 镇党委'));
    await bot.texts('李四', `/vote #${a} 1`);
    expect(await bot.texts('李四', '#投票列表')).toEqual([
      [
        '正在进行的投票（2项）：',
        `#${a} 投票：周六搞卫生吗（截止 2026-12-01 20:00，你已投）`,
        `#${b} 测评：镇党委（书记结束前都可以投，你未投）`,
        '投票：/vote #编号 选项，例如：/vote #3 1',
      ].join('\n'),
    ]);
  });
});
