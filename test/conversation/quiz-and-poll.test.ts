// Defect 1 of issue 17: a quiz and a poll open in the same chat. A bare answer goes to what that
// person has not answered yet; when both await them, the bot asks which one is meant.
import { afterEach, describe, expect, it } from 'vitest';
import { announcedId, setUpBranch, startPollsBot, type PollsBot } from '../features/polls/harness.ts';
import { lastQuestion, readShownQuestion } from '../features/quizzes/support.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** A branch with a running quiz question and an open named poll #pollId. */
async function quizAndPoll(): Promise<{ bot: PollsBot; pollId: number; right: string }> {
  const b = await startPollsBot();
  await setUpBranch(b, '王芳', ['李四']);
  const pollId = announcedId(await b.texts('王芳', '/poll 周六搞卫生吗 | 去 | 不去'));
  const shown = readShownQuestion(lastQuestion(await b.texts('王芳', '/quiz 党章 3')));
  return { bot: b, pollId, right: shown.right };
}

describe('a bare answer while a quiz and a poll are open', () => {
  it('goes to the poll once the quiz question is answered (the vote is not lost)', async () => {
    const s = await quizAndPoll();
    bot = s.bot;
    await bot.texts('李四', `/answer ${s.right}`);
    const replies = await bot.texts('李四', '1');
    expect(replies.join('\n')).not.toContain('已答过');
    const results = await bot.texts('王芳', `/results #${s.pollId}`);
    expect(results.join('\n')).toMatch(/去\D*1/);
  });

  it('asks which one is meant when both await the person, and records nothing', async () => {
    const s = await quizAndPoll();
    bot = s.bot;
    const replies = (await bot.texts('李四', '1')).join('\n');
    expect(replies).toContain(`/vote #${s.pollId} 1`);
    expect(replies).toMatch(/\/answer #\d+ 1/);
    const results = await bot.texts('王芳', `/results #${s.pollId}`);
    expect(results.join('\n')).not.toMatch(/去\D*1/);
  });
});
