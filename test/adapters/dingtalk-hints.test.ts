// On DingTalk a group shows the bot only @-mentions: through the real DingTalkAdapter (official
// SDK, fake DingTalk on 127.0.0.1), a poll announced in a group tells people to write `@先锋 1`,
// and `@先锋 1` written that way is counted.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startDingTalkBot, type DingTalkBot } from '../support/dingtalk-bot.ts';
import type { FakeSay } from '../support/fake-dingtalk.ts';

const village = { conversationId: 'cidVillage1', group: true, title: '东北流村党支部' } as const;
const admin = (text: string): FakeSay => ({ ...village, staffId: 'staff01', nick: '张伟', text });
const member = (n: number, text: string): FakeSay => ({ ...village, staffId: `staff0${n}`, nick: `党员${n}`, text });

let bot: DingTalkBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  vi.restoreAllMocks();
});

describe('DingTalk: answers are written @先锋 1', () => {
  it('the poll announcement says @先锋 1, and @先锋 1 counts', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    bot = await startDingTalkBot();
    await bot.say(admin('/bindchat 东北流村党支部'));
    const [announced] = await bot.say(admin('/poll 村道先修哪条 | 东线 | 西线'));
    expect(announced!.content).toContain('例如：@先锋 1（或者 @先锋 /vote #1 1）');
    expect(announced!.content).not.toContain('回复选项编号就行');
    // The fake hands the text over as DingTalk does: the robot's own @-mention is stripped, `isInAtList` set.
    await bot.say(member(2, '1'));
    await bot.say(member(3, '2'));
    const results = (await bot.say(admin('/results #1'))).map((s) => s.content).join('\n');
    expect(results).toContain('1. 东线：1 票');
    expect(results).toContain('2. 西线：1 票');
  });
});
