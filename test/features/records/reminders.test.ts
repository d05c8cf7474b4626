import { afterEach, expect, it } from 'vitest';
import { startMeetingBot, type MeetingBot } from '../meetings/support.ts';

let bot: MeetingBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

it('tells the secretary privately two weeks before the quarter ends, and admins of an unknown holiday year on 1 December', async () => {
  const b = (bot = await startMeetingBot('2026-09-10T00:00:00Z', {}, undefined, ['core', 'meetings', 'records']));
  await b.say('管理员', '/bindchat 东北流村党支部');
  await b.say('李书记', '大家好');
  await b.say('管理员', '/setrole 李书记 书记');
  await b.ask('李书记', '/meeting 党员大会 | 0 9 25 9 * | 活动室 --kind 支部党员大会');
  const { seen } = await b.tick('2026-09-18T00:00:00Z');
  const privately = seen.filter((s) => s.kind === 'private');
  expect(privately.map((s) => [s.chatId, s.text])).toEqual([
    ['李书记', '东北流村党支部：本期的支部党员大会、党课还没有记录，9月30日前要开完并用 /minutes 记录。'],
  ]);
  expect(seen.filter((s) => s.kind === 'group')).toEqual([]);
  const unknownYear = '节假日日历还没有2027年的安排。国务院公布后请更新 chinese-days（npm update chinese-days），在那之前2027年的会议不按节假日调整。';
  const december = await b.tick('2026-12-01T02:00:00Z');
  expect(december.seen.filter((s) => s.chatId === '管理员' && s.text === unknownYear)).toHaveLength(1);
  // Told once: the rest of December's daily runs say nothing more of it.
  const later = await b.tick('2026-12-31T02:00:00Z');
  expect(later.seen.filter((s) => s.text === unknownYear)).toEqual([]);
});
