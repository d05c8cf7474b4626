// Defect 6 of issue 17: a plain message in a private chat, and a bare mention of the bot in a
// group, got no reply at all; the welcome texts were never sent.
import { afterEach, describe, expect, it } from 'vitest';
import { setUpBranch, startPollsBot, type PollsBot } from '../features/polls/harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('messages addressed to the bot without a command', () => {
  it('in a private chat: 你好 gets the welcome, 帮助 the help, 打卡 +1 a check-in', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, '王芳', ['李四']);
    expect((await bot.texts('李四', '你好', { private: true })).join('\n')).toMatch(/欢迎李四.*\/help/);
    expect((await bot.texts('李四', '帮助', { private: true })).join('\n')).toMatch(/你的身份是党员/);
    await bot.texts('李四', '/pledge 帮扶困难户 目标5');
    await bot.texts('李四', '打卡 +1', { private: true });
    expect(await bot.db.db.pledgeCheckin.count()).toBe(1);
  });

  it('in a group: @先锋 and @先锋 你好 get the welcome; ordinary chat still gets nothing', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, '王芳', ['李四']);
    expect((await bot.texts('李四', '@先锋')).join('\n')).toMatch(/欢迎李四加入东北流村党支部/);
    expect((await bot.texts('李四', '@先锋 你好')).join('\n')).toMatch(/欢迎李四/);
    expect(await bot.texts('李四', '今天天气不错')).toEqual([]);
  });
});
