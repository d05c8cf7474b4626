// Defect 10 of issue 17: a reopened suggestion kept its old answer; out-of-range bare scores got no
// reply; a 5,000-character pledge got the whole usage; /rank with no points said 你排第1名，0分;
// English plurals (`1 pledges`).
import { afterEach, describe, expect, it } from 'vitest';
import { announcedId, setUpBranch, startPollsBot, type PollsBot } from '../features/polls/harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

async function branch(): Promise<PollsBot> {
  const b = (bot = await startPollsBot());
  await setUpBranch(b, '王芳', ['李四']);
  return b;
}

describe('short, exact replies', () => {
  it('reopening a suggestion drops the old answer', async () => {
    const b = await branch();
    await b.texts('李四', '/suggest 村口路灯坏了');
    await b.texts('王芳', '/suggestions #1 accept 下周修');
    await b.texts('王芳', '/suggestions #1 open');
    expect((await b.db.db.suggestion.findFirst())?.reply ?? null).toBeNull();
  });

  it('an out-of-range bare score gets the range', async () => {
    const b = await branch();
    const id = announcedId(await b.texts('王芳', '/rate 镇党委 --close 24h'));
    expect(await b.texts('李四', '101')).toEqual([`请回复 0 到 100 的整数分，例如：/vote #${id} 95`]);
    expect(await b.texts('李四', '-5')).toEqual([`请回复 0 到 100 的整数分，例如：/vote #${id} 95`]);
  });

  it('a 5,000-character pledge is told the limit, not the usage', async () => {
    const b = await branch();
    expect(await b.texts('李四', `/pledge ${'帮'.repeat(5000)}`)).toEqual(['内容太长了，最多200个字。']);
  });

  it('/rank with no points does not rank the member first', async () => {
    const b = await branch();
    const rank = (await b.texts('李四', '/rank')).join('\n');
    expect(rank).not.toMatch(/第1名/);
    expect(rank).toMatch(/还没有(?:人得分|积分)/);
  });
});
