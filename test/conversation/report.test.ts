// Defects 4, 8 and part of 10 of issue 17: /report has an attendance section, says nothing like
// 0/0人（0%） when there is nothing to count, names the year asked for; /export takes N or #N.
import { afterEach, describe, expect, it } from 'vitest';
import { announcedId, setUpBranch, startPollsBot, type PollsBot } from '../features/polls/harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('/report and /export', () => {
  it('/report has an attendance section and no 0/0 figures', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, '王芳', ['李四']);
    const report = (await bot.texts('王芳', '/report')).join('\n');
    expect(report).not.toMatch(/0\/0/);
    expect(report).toMatch(/出勤/);
  });

  it('/report 2025 speaks of 2025, not 今年', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, '王芳', ['李四']);
    await bot.texts('王芳', '/pledge --支部 修村道 目标1');
    const report = (await bot.texts('王芳', '/report 2025')).join('\n');
    expect(report).not.toMatch(/今年/);
  });

  it('/export 1 works like /export #1', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, '王芳', ['李四']);
    const id = announcedId(await bot.texts('王芳', '/poll 周六搞卫生吗 | 去 | 不去'));
    const withHash = await bot.say('王芳', `/export #${id}`);
    const bare = await bot.say('王芳', `/export ${id}`);
    expect(withHash.map((d) => d.message.kind)).toEqual(['file']);
    expect(bare.map((d) => d.message.kind)).toEqual(['file']);
  });
});
