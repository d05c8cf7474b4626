// Defect 9 of issue 17: a secretary's /setrole of someone in another unit, or of the admin, said
// "没有找到…请让他先在群里发一句话" although the right texts exist.
import { afterEach, describe, expect, it } from 'vitest';
import { setUpBranch, startPollsBot, type PollsBot } from '../features/polls/harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('/setrole by a secretary', () => {
  it('names another unit and the admin for what they are', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, '王芳', ['李四']);
    await bot.say('管理员', '/bindchat 西村党支部', { chat: '西村党支部' });
    await bot.say('赵六', '大家好', { chat: '西村党支部' });
    expect(await bot.texts('王芳', '/setrole @赵六 党员')).toEqual(['赵六不在你的单位，你不能修改他的身份。']);
    expect(await bot.texts('王芳', '/setrole @管理员 党员')).toEqual(['管理员是管理员，身份不能在这里修改。']);
    expect(await bot.texts('王芳', '/setrole @没这人 党员')).toEqual(['没有找到“没这人”。请用 M编号（/members 里能看到）、@他，或回复他的消息。']);
  });
});
