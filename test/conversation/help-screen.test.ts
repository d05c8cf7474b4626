// Issue 17: /help fits one phone screen per role (at most 15 lines), masses see only what they may
// do, and `/help 全部` lists the rest.
import { afterEach, describe, expect, it } from 'vitest';
import { BRANCH, startPollsBot, type PollsBot } from '../features/polls/harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('/help on a phone', () => {
  it('each role gets at most 15 lines; masses none of the member commands; 全部 lists every command the role may run', async () => {
    const b = (bot = await startPollsBot());
    await b.say('管理员', `/bindchat ${BRANCH}`);
    for (const name of ['书记', '党员', '群众']) await b.say(name, '大家好');
    await b.say('管理员', '/setrole @书记 secretary');
    await b.say('管理员', '/setrole @群众 masses');
    const lines: Record<string, number> = {};
    for (const who of ['管理员', '书记', '党员', '群众']) {
      const [help] = await b.texts(who, '/help');
      lines[who] = help!.split('\n').length;
      expect(help).toContain('/help 全部');
    }
    expect(Object.values(lines).every((n) => n <= 15)).toBe(true);

    const masses = (await b.texts('群众', '/help'))[0]!;
    for (const memberOnly of ['/checkin', '/pledge ', '/quiz', '/rsvp', '/poll ', '/bindchat']) expect(masses).not.toContain(memberOnly);
    const massesAll = (await b.texts('群众', '/help 全部'))[0]!;
    expect(massesAll).not.toContain('/checkin');
    expect(massesAll).not.toContain('免提醒');

    const short = (await b.texts('党员', '/help'))[0]!;
    const all = (await b.texts('党员', '#帮助 全部'))[0]!;
    expect(all.split('\n').length).toBeGreaterThan(short.split('\n').length);
    expect(all).toContain('/mistakes');
    expect(all).not.toContain('/bindchat');
    expect(all).not.toContain('还有');
    expect((await b.texts('党员', '/help 打卡'))[0]).toContain('/checkin');
  });
});
