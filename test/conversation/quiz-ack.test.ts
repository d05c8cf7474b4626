// Defect 11 of issue 17: a quiz answer in a group got no acknowledgement until the question closed.
// Now it is acknowledged at once, privately where the platform allows, else one short line in the
// group; correctness is never revealed before the close.
import { afterEach, describe, expect, it } from 'vitest';
import { setUpBranch, startPollsBot, textOf, type PollsBot } from '../features/polls/harness.ts';
import { lastQuestion, readShownQuestion } from '../features/quizzes/support.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const REVEALING = /正确|错误|答对|答错|得\d+分/;

describe('a quiz answer in a group is acknowledged', () => {
  it('privately where the platform can message the member', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, '王芳', ['李四']);
    const shown = readShownQuestion(lastQuestion(await bot.texts('王芳', '/quiz 党章 3')));
    const seen = await bot.say('李四', shown.wrong);
    const toHim = seen.filter((d) => d.chat.kind === 'private' && d.chat.chatId === '李四').map((d) => textOf(d.message));
    expect(toHim.length).toBe(1);
    expect(toHim[0]).toMatch(/已收到/);
    expect(toHim[0]).not.toMatch(REVEALING);
    expect(seen.filter((d) => d.chat.kind === 'group')).toEqual([]);
  });

  it('with one short line in the group where it cannot', async () => {
    bot = await startPollsBot({ capabilities: { privateMessages: false } });
    await setUpBranch(bot, '王芳', ['李四']);
    const shown = readShownQuestion(lastQuestion(await bot.texts('王芳', '/quiz 党章 3')));
    const seen = (await bot.say('李四', shown.right)).map((d) => textOf(d.message));
    expect(seen.length).toBe(1);
    expect(seen[0]).toMatch(/^李四.*收到/);
    expect(seen[0]!.length).toBeLessThanOrEqual(20);
    expect(seen[0]).not.toMatch(REVEALING);
  });
});
