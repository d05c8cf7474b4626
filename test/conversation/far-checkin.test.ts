// Issue 17: a check-in far beyond the target (`+1000` on a target of 20) asks for confirmation
// (确认/取消), and nothing is written until it is confirmed. "Far": more than 10 and more than
// twice what the target still needs.
import { afterEach, describe, expect, it } from 'vitest';
import { setUpBranch, startPollsBot, type PollsBot } from '../features/polls/harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const ASK = '#1 这次要记 +1000次，目标20次，还差20次。数量对吗？\n对就回复：确认；不对就回复：取消（10分钟内有效，回复前不记录）';

describe('a check-in far beyond the target', () => {
  it('asks first; 取消 records nothing; 确认 records it once', async () => {
    const b = (bot = await startPollsBot());
    await setUpBranch(b, '王芳', ['李四']);
    await b.texts('李四', '/pledge 看望老人 目标20次');
    const checkins = () => b.db.db.pledgeCheckin.findMany({ select: { amount: true } });

    expect(await b.texts('李四', '/checkin #1 +1000')).toEqual([ASK]);
    expect(await checkins()).toEqual([]);
    expect(await b.texts('李四', '取消')).toEqual(['已取消，#1 这次没有记录。']);
    expect(await checkins()).toEqual([]);
    expect(await b.texts('李四', '确认')).toEqual([]); // nothing waits any more: a plain word in a group

    expect(await b.texts('李四', '#打卡 #1 +1000 看望王奶奶')).toEqual([ASK]);
    const done = await b.texts('李四', '确认。');
    expect(done[0]).toMatch(/^打卡成功：#1 \+1000（看望王奶奶）/);
    expect(await checkins()).toEqual([{ amount: 1000 }]);
    expect(await b.texts('李四', '确认')).toEqual([]);
    expect(await checkins()).toEqual([{ amount: 1000 }]);
  });

  it('near amounts go through at once, and the explicit 确认 form needs no question', async () => {
    const b = (bot = await startPollsBot());
    await setUpBranch(b, '王芳', ['李四']);
    await b.texts('李四', '/pledge 看望老人 目标20次');
    expect((await b.texts('李四', '/checkin #1 +5'))[0]).toMatch(/^打卡成功：#1 \+5/);
    // 15 still needed: +30 is exactly twice that, not more: no question.
    expect((await b.texts('李四', '/checkin #1 +30'))[0]).toMatch(/^打卡成功：#1 \+30/);
    // Reached (35/20): more than twice the target (40) and over 10 asks again; 确认 in the command itself does not.
    expect((await b.texts('李四', '/checkin #1 +50'))[0]).toContain('数量对吗');
    expect((await b.texts('李四', '/checkin #1 +50 确认'))[0]).toMatch(/^打卡成功：#1 \+50/);
    expect(await b.db.db.pledgeCheckin.count()).toBe(3);
    expect((await b.db.db.pledgeCheckin.findMany({ select: { note: true } })).map((c) => c.note)).not.toContain('确认');
  });
});
