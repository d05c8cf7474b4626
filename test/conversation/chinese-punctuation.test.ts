// Defect 3 of issue 17: Chinese punctuation between the parts of a command (the README promises it
// everywhere), and a check-in note written straight after the step.
import { afterEach, describe, expect, it } from 'vitest';
import { announcedId, setUpBranch, startPollsBot, type PollsBot } from '../features/polls/harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

async function branch(): Promise<PollsBot> {
  const b = await startPollsBot();
  await setUpBranch(b, '王芳', ['李四']);
  return b;
}

describe('Chinese punctuation in commands', () => {
  it('a pledge with Chinese commas keeps its target and due date', async () => {
    bot = await branch();
    await bot.texts('李四', '/pledge 帮扶困难户，目标5，截止2026-12-31');
    const p = await bot.db.db.pledge.findFirst();
    expect(p).toMatchObject({ text: '帮扶困难户', target: 5, dueDate: '2026-12-31' });
  });

  it('#打卡：#1，+1，看望王奶奶。 checks in with its note', async () => {
    bot = await branch();
    await bot.texts('李四', '/pledge 帮扶困难户 目标5');
    const reply = await bot.texts('李四', '#打卡：#1，+1，看望王奶奶。');
    expect(reply.join('\n')).not.toMatch(/格式不对/);
    const c = await bot.db.db.pledgeCheckin.findFirst();
    expect(c).toMatchObject({ amount: 1, note: '看望王奶奶' });
  });

  it('/checkin #1 +1走访 keeps the note', async () => {
    bot = await branch();
    await bot.texts('李四', '/pledge 帮扶困难户 目标5');
    await bot.texts('李四', '/checkin #1 +1走访');
    const c = await bot.db.db.pledgeCheckin.findFirst();
    expect(c).toMatchObject({ amount: 1, note: '走访' });
  });

  it('/vote #N，1 and #选 #N：2 are votes', async () => {
    bot = await branch();
    const id = announcedId(await bot.texts('王芳', '/poll 周六搞卫生吗 | 去 | 不去'));
    expect((await bot.texts('李四', `/vote #${id}，1`)).join('\n')).not.toMatch(/格式不对/);
    expect((await bot.texts('王芳', `#选 #${id}：2`)).join('\n')).not.toMatch(/格式不对/);
    expect(await bot.db.db.pollBallot.count()).toBe(2);
  });
});
