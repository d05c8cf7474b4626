// Defect 5 of issue 17: meeting notices went to the masses chat and told residents to reply 到,
// which they may not do. Party meetings now reach member chats only; the joint cadre-mass meeting
// (which collects suggestions) reaches the masses chat without the attendance hint.
import { afterEach, describe, expect, it } from 'vitest';
import { startMeetingBot, type MeetingBot } from '../features/meetings/support.ts';

let bot: MeetingBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

async function branch(): Promise<MeetingBot> {
  const b = (bot = await startMeetingBot('2026-11-26T00:00:00Z'));
  await b.say('管理员', '/bindchat 东北流村党支部');
  await b.say('管理员', '/bindchat 东北流村党支部 masses', { chat: '东北流村群众群' });
  await b.say('李书记', '大家好');
  await b.say('赵大妈', '你好', { chat: '东北流村群众群' });
  await b.say('管理员', '/setrole 李书记 书记');
  return b;
}

describe('meeting notices and the masses chat', () => {
  it('a branch meeting is neither announced nor noticed in the masses chat', async () => {
    const b = await branch();
    const created = await b.say('李书记', '/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30');
    expect(created.filter((s) => s.chatId === '东北流村群众群')).toEqual([]);
    const { seen } = await b.tick('2026-12-03T00:00:00Z');
    expect(seen.filter((s) => s.chatId === '东北流村党支部').length).toBe(2);
    expect(seen.filter((s) => s.chatId === '东北流村群众群')).toEqual([]);
  });

  it('the joint meeting reaches the masses chat, without asking residents to reply 到', async () => {
    const b = await branch();
    await b.say('管理员', '/meeting default 联席会');
    const { seen } = await b.tick('2026-11-27T07:00:00Z');
    const masses = seen.filter((s) => s.chatId === '东北流村群众群').map((s) => s.text);
    expect(masses.length).toBe(1);
    expect(masses[0]).not.toMatch(/到|请假/);
    expect(masses[0]).toMatch(/suggest/);
  });
});
