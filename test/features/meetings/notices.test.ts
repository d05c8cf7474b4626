import { afterEach, describe, expect, it } from 'vitest';
import { attendanceRate, memberAttendance } from '../../../src/features/meetings/index.ts';
import { startMeetingBot, type MeetingBot, type Seen } from './support.ts';

/** Thursday 26 November 2026, 08:00 in Shanghai. */
const START = '2026-11-26T00:00:00Z';

let bot: MeetingBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/**
 * The branch with three group chats: the branch chat and a masses chat on the console, one group
 * on Telegram; 李书记 its secretary; 张三, 王五, 孙七 members; 赵大妈 and 钱大爷 masses.
 */
async function branch(): Promise<MeetingBot> {
  const b = (bot = await startMeetingBot(START));
  await b.say('管理员', '/bindchat 东北流村党支部');
  await b.say('管理员', '/bindchat 东北流村党支部 masses', { chat: '东北流村群众群' });
  await b.say('9001', '/bindchat 东北流村党支部', { platform: 'telegram', chat: '-100123' });
  for (const name of ['李书记', '张三', '王五', '孙七']) await b.say(name, '大家好');
  for (const name of ['赵大妈', '钱大爷']) await b.say(name, '你好', { chat: '东北流村群众群' });
  await b.say('管理员', '/setrole 李书记 书记');
  return b;
}

const where = (seen: Seen[]) => seen.map((s) => `${s.platform}:${s.chatId}`);
const tally = (keys: string[]) => Object.fromEntries([...new Set(keys)].sort().map((k) => [k, keys.filter((x) => x === k).length]));

describe('notices and reminders', () => {
  it('posts the reminder and the notice once to every member chat of the unit on every platform, skips a called-off one', async () => {
    const b = await branch();
    await b.say('李书记', '/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30');
    await b.say('李书记', '/meeting cancel #1 12-9');
    // Through 16 December: Wednesdays 2 and 16 December (9 December is called off).
    const { seen, reports } = await b.tick('2026-12-16T16:00:00Z');
    // Not in the masses chat: residents do not attend a 支委会 (nor answer 到).
    expect(tally(where(seen))).toEqual({ 'console:东北流村党支部': 4, 'telegram:-100123': 4 });
    const texts = [...new Set(seen.map((s) => s.text))];
    expect(texts).toEqual([
      ['【会前提醒】#1 支委会', '时间：12月2日 周三 20:00（还有 30 分钟）', '地点：村委会议室', '已报名 0 人，请假 0 人。', '参加的请回复“到”，不能来的回复“请假 理由”。'].join('\n'),
      ['【会议通知】#1 支委会', '时间：12月2日 周三 20:00，现在开始', '地点：村委会议室', '已报名 0 人，请假 0 人。', '到会的请回复“到”，不能来的回复“请假 理由”。'].join('\n'),
      ['【会前提醒】#1 支委会', '时间：12月16日 周三 20:00（还有 30 分钟）', '地点：村委会议室', '已报名 0 人，请假 0 人。', '参加的请回复“到”，不能来的回复“请假 理由”。'].join('\n'),
      ['【会议通知】#1 支委会', '时间：12月16日 周三 20:00，现在开始', '地点：村委会议室', '已报名 0 人，请假 0 人。', '到会的请回复“到”，不能来的回复“请假 理由”。'].join('\n'),
    ]);
    // The 9 December occurrence was claimed (so it never fires) but posted nothing.
    // Other features' routine jobs (daily question, pledge reminders) fire too: look at this meeting's.
    const fired = reports.flatMap((r) => r.fired).filter((f) => f.job.startsWith('meeting:')).map((f) => `${f.job} ${f.scheduledAt.toISOString()} ${f.outcome}`);
    expect(fired).toEqual([
      'meeting:1:reminder 2026-12-02T11:30:00.000Z sent',
      'meeting:1:notice 2026-12-02T12:00:00.000Z sent',
      'meeting:1:reminder 2026-12-09T11:30:00.000Z sent',
      'meeting:1:notice 2026-12-09T12:00:00.000Z sent',
      'meeting:1:reminder 2026-12-16T11:30:00.000Z sent',
      'meeting:1:notice 2026-12-16T12:00:00.000Z sent',
    ]);

    await b.say('李书记', '/meeting cancel #1');
    expect((await b.tick('2027-01-31T16:00:00Z')).seen).toEqual([]);
  });

  it('the month-end joint meeting notice counts the open suggestions; a restarted bot does not repeat it', async () => {
    const b = await branch();
    await b.say('管理员', '/meeting default 联席会');
    await b.say('赵大妈', '/suggest 村口路灯坏了，晚上出行不安全', { chat: '东北流村群众群' });
    await b.say('钱大爷', '#建议 修一修东头的水渠', { chat: '东北流村群众群' });
    await b.say('张三', '/suggest 多组织几次党课');
    const reminder = await b.tick('2026-11-27T07:00:00Z'); // 27 Nov 15:00: one day before
    expect(tally(where(reminder.seen))).toEqual({ 'console:东北流村党支部': 1, 'console:东北流村群众群': 1, 'telegram:-100123': 1 });
    // The village group's copy (the outbox's order across chats is its fairness, not the test's).
    expect(reminder.seen.find((s) => `${s.platform}:${s.chatId}` === 'console:东北流村党支部')!.text).toBe(
      [
        '【会前提醒】#1 月末干群联席会',
        '时间：11月28日 周六 15:00（还有 1 天）',
        '地点：村党群服务中心',
        '待研究的群众建议：3 条',
        '已报名 0 人，请假 0 人。',
        '参加的请回复“到”，不能来的回复“请假 理由”。',
        '有意见建议，请发“/suggest 内容”。',
      ].join('\n'),
    );
    await b.say('李书记', '/suggestions #3 accept 下个月安排');
    const notice = await b.tick('2026-11-28T07:00:00Z');
    expect(notice.seen.map((s) => s.text.split('\n')[3])).toEqual(['待研究的群众建议：2 条', '待研究的群众建议：2 条', '待研究的群众建议：2 条']);
    // A second instance started on the same database a minute later finds nothing left to post.
    b.clock.set('2026-11-28T07:01:00Z');
    const other = await startMeetingBot('2026-11-28T07:01:00Z', {}, b.database);
    await other.app.idle();
    expect(other.adapters.console.sent.length + other.adapters.telegram.sent.length).toBe(0);
    await other.stop();
    expect((await b.tick('2026-11-28T08:00:00Z')).seen).toEqual([]);
    expect(await b.database.db.scheduleOccurrence.count({ where: { job: { startsWith: 'meeting:' } } })).toBe(2);
  });

  it('after downtime a reminder that would come after the start is dropped and the notice says it is late', async () => {
    const b = await branch();
    await b.say('李书记', '/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30');
    await b.tick('2026-12-02T11:00:00Z'); // 19:00, all quiet
    // Down from 19:00 to 20:45: the reminder (19:30) and the notice (20:00) are within the 2 h grace.
    b.clock.set('2026-12-02T12:45:00Z');
    const report = await b.app.scheduler.runDue();
    await b.app.idle();
    expect(report.fired.map((f) => `${f.job} ${f.outcome}`)).toEqual(['meeting:1:reminder late', 'meeting:1:notice late']);
    const seen = b.adapters.console.textsTo('东北流村党支部');
    expect(seen.at(-1)).toBe(
      ['【会议通知】#1 支委会', '时间：12月2日 周三 20:00（机器人刚恢复，通知晚发了）', '地点：村委会议室', '已报名 0 人，请假 0 人。', '到会的请回复“到”，不能来的回复“请假 理由”。'].join('\n'),
    );
    expect(seen.filter((t) => t.startsWith('【会前提醒】'))).toEqual([]);
  });
});

describe('RSVP', () => {
  it('takes #到, /rsvp, #请假 any time and a bare 到 or 请假 only while the RSVP is open; the counts are exact', async () => {
    const b = await branch();
    await b.say('李书记', '/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30');
    // Thursday 26 Nov: the meeting is on Wednesday 2 Dec. A bare 到 is ordinary chat this early.
    expect(await b.ask('张三', '到')).toEqual([]);
    expect(await b.ask('张三', '#到')).toEqual(['张三：到。#1 支委会，12月2日 周三 20:00。已报名 1 人，请假 0 人。']);
    expect(await b.ask('王五', '#请假 在县里开会')).toEqual(['王五：请假（在县里开会）。#1 支委会，12月2日 周三 20:00。已报名 1 人，请假 1 人。']);
    expect(await b.ask('孙七', '/rsvp #1 no')).toEqual(['孙七：请假。#1 支委会，12月2日 周三 20:00。已报名 1 人，请假 2 人。']);
    expect(await b.ask('孙七', '@先锋 到')).toEqual(['孙七：到。#1 支委会，12月2日 周三 20:00。已报名 2 人，请假 1 人。']);
    expect(await b.ask('赵大妈', '#到', { chat: '东北流村群众群' })).toEqual(['这个命令需要管理员、书记、党员、预备党员身份才能用。']);

    // From a day before the start, a bare answer in the unit's chats counts.
    b.clock.set('2026-12-01T12:00:00Z'); // 1 Dec 20:00
    expect(await b.ask('李书记', '到！')).toEqual(['李书记：到。#1 支委会，12月2日 周三 20:00。已报名 3 人，请假 1 人。']);
    expect(await b.ask('张三', '请假，家里有事')).toEqual(['张三：请假（家里有事）。#1 支委会，12月2日 周三 20:00。已报名 2 人，请假 2 人。']);
    expect(await b.ask('张三', '到了')).toEqual([]);
    expect(await b.ask('张三', '请假的人多吗')).toEqual([]);
    expect(await b.ask('赵大妈', '到', { chat: '东北流村群众群' })).toEqual([]); // masses do not answer
    // An hour after the start it is still this meeting; later, the next one.
    b.clock.set('2026-12-02T12:59:00Z');
    expect(await b.ask('王五', '到')).toEqual(['王五：到。#1 支委会，12月2日 周三 20:00。已报名 3 人，请假 1 人。']);
    b.clock.set('2026-12-02T13:01:00Z');
    expect(await b.ask('王五', '到')).toEqual([]);
    expect(await b.ask('王五', '/rsvp')).toEqual(['王五：到。#1 支委会，12月9日 周三 20:00。已报名 1 人，请假 0 人。']);

    const rows = await b.database.db.meetingRsvp.findMany({ orderBy: [{ startsAt: 'asc' }, { memberId: 'asc' }] });
    expect(rows.map((r) => [r.startsAt.toISOString(), r.answer, r.reason])).toEqual([
      ['2026-12-02T12:00:00.000Z', 'yes', null], // 李书记
      ['2026-12-02T12:00:00.000Z', 'no', '家里有事'], // 张三
      ['2026-12-02T12:00:00.000Z', 'yes', null], // 王五
      ['2026-12-02T12:00:00.000Z', 'yes', null], // 孙七
      ['2026-12-09T12:00:00.000Z', 'yes', null], // 王五
    ]);
    expect(await b.ask('张三', '/rsvp #7 yes')).toEqual(['没有编号为 #7 的会议。发送 /meetings 查看。']);
    expect((await b.ask('张三', `/leave ${'长'.repeat(201)}`))[0]).toMatch(/^格式不对/);
  });
});

describe('attendance', () => {
  it('roll call, marks by name and number, exact rates per member and unit', async () => {
    const b = await branch();
    await b.say('李书记', '/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30');
    await b.say('张三', '#到');
    await b.say('王五', '#请假 在县里开会');
    expect(await b.ask('李书记', '/attendance #1')).toEqual(['会议 #1 支委会 还没有开过。']);
    b.clock.set('2026-12-02T11:45:00Z'); // 19:45: the roll call opens 30 minutes before
    const roll = (await b.ask('李书记', '/attendance #1'))[0]!;
    expect(roll.split('\n')).toEqual([
      '#1 支委会，12月2日 周三 20:00 点名表：',
      '1. 李书记（未回复）',
      '2. 孙七（未回复）',
      '3. 王五（请假 在县里开会）',
      '4. 张三（报名到）',
      '记录出勤：/attendance #1 到:1,2 缺:3 假:4（写编号或姓名都可以）',
    ]);
    expect(await b.ask('李书记', '/attendance #1 到:4,李书记 缺:孙七 假:9')).toEqual(['点名表上没有 9 号（共 4 人）。发送 /attendance #1 查看点名表。']);
    expect(await b.ask('李书记', '/attendance #1 到:张三,李四')).toEqual(['没有找到：李四。请检查姓名，或改用点名表上的编号。什么都没有记录。']);
    expect(await b.ask('李书记', '/attendance #1 到:张三 缺:4')).toEqual(['张三在名单里出现了两次，而且不一致。']);
    expect(await b.database.db.meetingAttendance.count()).toBe(0);
    expect(await b.ask('李书记', '/attendance #1 到：4，李书记 缺：孙七 假：3')).toEqual([
      '已记录 #1 支委会（12月2日 周三 20:00）4 人的出勤。本次出勤率 50%（到 2，缺 1，请假 1，共 4 人次）。',
    ]);
    expect(await b.ask('张三', '/attendance #1 到:张三')).toEqual(['这个命令需要管理员、书记身份才能用。']);

    // The next week: 孙七 comes, 王五 misses; recorded by date after the meeting.
    b.clock.set('2026-12-10T02:00:00Z');
    expect(await b.ask('李书记', '/attendance #1 12-9 到:孙七,张三,李书记 缺:王五')).toEqual([
      '已记录 #1 支委会（12月9日 周三 20:00）4 人的出勤。本次出勤率 75%（到 3，缺 1，请假 0，共 4 人次）。',
    ]);
    // A correction replaces the earlier mark.
    expect((await b.ask('李书记', '/attendance #1 12-9 假:王五'))[0]).toContain('本次出勤率 75%（到 3，缺 0，请假 1，共 4 人次）');
    expect(await b.ask('李书记', '/attendance #1 12-12 到:张三')).toEqual(['会议 #1 在 2026-12-12 没有安排。']);
    expect(await b.ask('李书记', '/attendance #1 12-16 到:张三')).toEqual(['会议 #1 要到 12月16日 周三 20:00 才开始，开始前30分钟内才能点名。']);

    const unit = (await b.database.db.orgUnit.findFirstOrThrow({ where: { name: '东北流村党支部' } })).id;
    const s = await attendanceRate(b.database.db, unit, new Date('2026-11-01T00:00:00Z'), new Date('2026-12-31T00:00:00Z'));
    expect([s.meetings, s.present, s.absent, s.excused, s.rate]).toEqual([2, 5, 1, 2, 5 / 8]);
    expect(s.members.map((m) => [m.name, m.present, m.absent, m.excused, m.rate])).toEqual([
      ['李书记', 2, 0, 0, 1],
      ['张三', 2, 0, 0, 1],
      ['孙七', 1, 1, 0, 0.5],
      ['王五', 0, 0, 2, 0],
    ]);
    // Only the first meeting: 2 of 4.
    const first = await attendanceRate(b.database.db, unit, new Date('2026-12-02T00:00:00Z'), new Date('2026-12-03T00:00:00Z'));
    expect([first.meetings, first.rate]).toEqual([1, 0.5]);
    const sun = (await b.database.db.member.findFirstOrThrow({ where: { name: '孙七' } })).id;
    expect(await memberAttendance(b.database.db, sun, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))).toEqual({ present: 1, absent: 1, excused: 0, rate: 0.5 });

    expect((await b.ask('李书记', '/attendance'))[0]!.split('\n')).toEqual([
      '东北流村党支部 2026年会议出勤：2 次会议有记录，出勤率 63%（到 5，缺 1，请假 2，共 8 人次）',
      '李书记：100%（到 2/2）',
      '张三：100%（到 2/2）',
      '孙七：50%（到 1/2）',
      '王五：0%（到 0/2）',
    ]);
    expect((await b.ask('孙七', '/whoami'))[0]).toContain('会议出勤（2026年）：出勤率 50%（到 1，缺 1，请假 0，共 2 人次）');
  });
});
