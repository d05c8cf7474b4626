// Care (条例第二十三条、第三十三条) on a manual clock through the whole bot: 张三, exempt as a 流动党员
// with 王五 as his contact, gets no reminder in a month of daily jobs (pledge reminders, the daily
// question, meeting notices) while 李四 gets them (the positive control); 王五 gets the meeting
// notices in the morning digest; 张三 is absent from the check-in, study and attendance rates; 李四
// gets one 政治生日 greeting, on the day, in the org's time zone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tx } from '../../../src/bot/feature.ts';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { exemptIds, isExempt } from '../../../src/features/care/api.ts';
import { attendanceRate } from '../../../src/features/meetings/store.ts';
import { checkinRate } from '../../../src/features/pledges/report.ts';
import { quizParticipation } from '../../../src/features/quizzes/api.ts';
import { freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';

const BRANCH = '东北流村党支部';
const TZ = 'Asia/Shanghai';

let db: Database & { close(): Promise<void> };
let bot: TestBot;
let clock: ManualClock;

/** 09:00 Shanghai on a day of March 2026 (the 08:00 jobs run late within the grace period). */
const nine = (d: number) => `2026-03-${String(d).padStart(2, '0')}T01:00:00Z`;

/** Private texts delivered to `user`. */
function privateTo(user: string): string[] {
  return bot.adapter.sent.filter((d) => d.chat.kind === 'private' && d.chat.chatId === user).map((d) => (d.message.kind === 'text' ? d.message.text : d.message.kind));
}

/** Every text delivered anywhere. */
function allTexts(): string[] {
  return bot.adapter.sent.map((d) => (d.message.kind === 'text' ? d.message.text : ''));
}

beforeEach(async () => {
  db = await freshSqlite();
  clock = new ManualClock('2026-03-02T02:00:00Z');
  const slices = ['core', 'pledges', 'quizzes', 'meetings', 'members', 'care'];
  bot = await startTestBot(db, { clock, features: (all) => all.filter((f) => slices.includes(f.name)) });
  await bot.say('管理员', `/bindchat ${BRANCH}`);
  for (const name of ['张三', '李四', '王五', '王书记']) await bot.say(name, '大家好');
  await bot.say('管理员', '/setrole @王书记 secretary');
  await bot.say('王书记', '/pledges 提醒 3 2');
  for (const name of ['张三', '李四']) {
    await bot.say(name, `/pledge 帮扶困难户 目标5户`);
    await bot.say(name, '/quiz daily on');
  }
  await bot.say('王书记', '/meeting 支部党员大会 | 0 9 * * 1 | 村委会');
  // 李四 joined the Party on 15 March 1996 (local midnight, as a roster import stores a date).
  await db.db.member.updateMany({ where: { name: '李四' }, data: { joinedPartyOn: new Date('1996-03-15T00:00:00+08:00') } });
});

afterEach(async () => {
  await bot.stop();
  await db.close();
});

describe('care: exemptions, the contact digest, 政治生日', () => {
  it('an exempt member gets nothing for a month and is in no rate; the contact gets the digest; one greeting on the day', async () => {
    const set = await bot.say('王书记', '/exempt @张三 外出务工 联系人 @王五');
    expect(set.join('\n')).toContain('已为张三（M2，东北流村党支部）设置免提醒（外出务工）');
    expect(set.join('\n')).toContain('他的通知每天早上汇总发给联系人 王五（M4）。');
    expect((await bot.say('王书记', '/members')).join('\n')).toMatch(/张三.*（免）/);
    expect((await bot.say('王书记', '/exempt')).join('\n')).toContain('免 张三（M2）：外出务工，至 另行通知，联系人 王五（M4）');
    expect(await bot.say('张三', '/exempt @李四 病')).toEqual([expect.stringContaining('书记')]);
    const before = bot.adapter.sent.length;

    for (let d = 3; d <= 31; d++) {
      clock.set(nine(d));
      await bot.app.scheduler.runDue(clock.now());
      await bot.app.idle('console');
    }
    const after = bot.adapter.sent.slice(before);
    const toZhang = after.filter((m) => m.chat.kind === 'private' && m.chat.chatId === '张三');
    expect(toZhang).toEqual([]);
    expect(after.map((m) => (m.message.kind === 'text' ? m.message.text : '')).join('\n')).not.toContain('@张三');
    // The positive control: 李四 got the daily question every day and a pledge nudge.
    const li = privateTo('李四');
    expect(li.filter((t) => t.includes('每日一题')).length).toBeGreaterThanOrEqual(29);
    expect(li.some((t) => t.includes('没有打卡'))).toBe(true);
    // 王五 got the meeting notices (Mondays 9, 16, 23, 30) in the digest of the next morning.
    const digests = privateTo('王五').filter((t) => t.startsWith('你联系的流动党员') && t.includes('支部党员大会'));
    expect(digests).toHaveLength(4); // on the 10th, 17th, 24th and 31st
    expect(digests[0]).toContain('张三：');
    expect(digests[0]).toContain('支部党员大会');
    // One 政治生日 greeting, on the 15th.
    const greetings = li.filter((t) => t.includes('政治生日'));
    expect(greetings).toEqual(['李四同志：今天是你的政治生日，1996 年的今天你光荣入党，到今天 30 年了。感谢你的坚守，祝你身体健康！']);
    const greetingAt = bot.adapter.sent.findIndex((m) => m.message.kind === 'text' && m.message.text.includes('政治生日'));
    expect(greetingAt).toBeGreaterThan(-1);
    expect(allTexts().filter((t) => t.includes('政治生日'))).toHaveLength(1);

    // Rates: 张三 is in none of them.
    const tx = db.db as unknown as Tx;
    const unitId = (await tx.orgUnit.findFirstOrThrow({ where: { name: BRANCH } })).id;
    const zhang = (await tx.member.findFirstOrThrow({ where: { name: '张三' } })).id;
    const li4 = (await tx.member.findFirstOrThrow({ where: { name: '李四' } })).id;
    expect(await isExempt(tx, zhang, clock.now(), TZ)).toBe(true);
    expect([...(await exemptIds(tx, unitId, clock.now(), TZ))]).toEqual([zhang]);
    const rate = await checkinRate(tx, { unitIds: [unitId], year: 2026, today: '2026-03-31', timeZone: TZ, days: 30 });
    expect(rate.members).toBe(1); // 李四 only
    const from = new Date('2026-02-28T16:00:00Z');
    const to = new Date('2026-03-31T16:00:00Z');
    const study = await quizParticipation(tx, unitId, from, to);
    const everyone = await tx.member.count({ where: { unitId, role: { in: ['admin', 'secretary', 'member'] } } });
    expect(study.members).toBe(everyone - 1);
    const meeting = (await tx.meeting.findFirstOrThrow({ where: { unitId } })).id;
    const startsAt = new Date('2026-03-09T01:00:00Z');
    for (const [memberId, status] of [[zhang, 'absent'], [li4, 'present']] as const) {
      await tx.meetingAttendance.create({ data: { meetingId: meeting, unitId, startsAt, memberId, status, recordedById: li4, recordedAt: startsAt } });
    }
    const attendance = await attendanceRate(tx, unitId, from, to);
    expect(attendance.members.map((m) => m.memberId)).toEqual([li4]);
    expect(attendance.rate).toBe(1);

    // Ended: 张三 is counted again.
    expect((await bot.say('王书记', '/exempt 结束 @张三')).join('\n')).toContain('已结束张三');
    expect(await isExempt(tx, zhang, clock.now(), TZ)).toBe(false);
  });

  it("the contact's digest lists the pledge and daily-question reminders held back, once a day each, and nothing when there is none", async () => {
    await bot.say('王书记', '/exempt @张三 外出务工 联系人 @王五');
    await bot.say('王书记', '/exempt @李四 病');
    const digestOn = new Map<number, string>();
    const runDay = async (d: number) => {
      const before = privateTo('王五').length;
      clock.set(nine(d));
      await bot.app.scheduler.runDue(clock.now());
      await bot.app.idle('console');
      const got = privateTo('王五').slice(before).filter((t) => t.startsWith('你联系的流动党员'));
      expect(got.length).toBeLessThanOrEqual(1);
      if (got[0]) digestOn.set(d, got[0]);
    };
    for (let d = 3; d <= 8; d++) await runDay(d);
    // The daily question is held from the 3rd (digest the next morning); the pledge, idle since the
    // 2nd with a 3-day threshold, from the 5th. One line of each a day, and only 张三's (李四 has no contact).
    const quizLine = '张三：今天的每日一题没有私信本人（免提醒期间），本人方便时可私聊机器人学习。';
    const pledgeLine = (days: number) => `张三：承诺已${days}天没有打卡（1项），有进展请本人发：`;
    for (let d = 4; d <= 8; d++) {
      const digest = digestOn.get(d)!;
      expect(digest.split('\n').filter((l) => l === quizLine)).toHaveLength(1);
      expect(digest.split('\n').filter((l) => l.startsWith('张三：承诺已'))).toHaveLength(d >= 6 ? 1 : 0);
      if (d >= 6) expect(digest).toContain(pledgeLine(d - 3));
      expect(digest).not.toContain('李四');
    }
    expect(privateTo('王五').join('\n')).not.toContain('李四：');
    // Running the day's jobs again holds nothing twice.
    const heldToday = await db.db.careHeldNotice.findMany({ select: { text: true } });
    expect(heldToday.length).toBeGreaterThan(0);
    await bot.app.scheduler.runDue(clock.now());
    expect(await db.db.careHeldNotice.count()).toBe(heldToday.length);

    // On the 8th 张三 checks in and turns the daily question off: no quiz line any more, and no pledge
    // line until the pledge is idle 3 days again (held on the 11th, in the 12th's digest). The meeting
    // of Monday 9th is all of the 10th's digest; on the 11th there is nothing, so no digest.
    const zhangId = (await db.db.member.findFirstOrThrow({ where: { name: '张三' } })).id;
    const pledgeId = (await db.db.pledge.findFirstOrThrow({ where: { ownerId: zhangId } })).id;
    await bot.say('张三', `/checkin #${pledgeId} +1 走访一户`);
    await bot.say('张三', '/quiz daily off');
    for (let d = 9; d <= 13; d++) await runDay(d);
    expect(digestOn.get(9)).toContain(pledgeLine(6)); // held on the 8th, before the check-in
    const tenth = digestOn.get(10)!;
    expect(tenth.split('\n').filter((l) => l.startsWith('张三：'))).toEqual([expect.stringContaining('支部党员大会')]);
    expect(digestOn.has(11)).toBe(false);
    expect(digestOn.get(12)!.split('\n').filter((l) => l.startsWith('张三：'))).toEqual([expect.stringContaining(pledgeLine(3))]);
    expect(digestOn.get(13)!.split('\n').filter((l) => l.startsWith('张三：'))).toEqual([expect.stringContaining(pledgeLine(4))]);
  });

  it('refuses bad input with a short reason', async () => {
    expect(await bot.say('王书记', '/exempt @张三 病 至2026-02-01')).toEqual(['2026-02-01 已经过去了，请写今天以后的日期。']);
    expect(await bot.say('王书记', '/exempt @张三 病 至明年')).toEqual(['看不懂日期“明年”，请写成 2026-12-31。']);
    expect(await bot.say('王书记', '/exempt @张三 外出 联系人 @张三')).toEqual(['联系人不能是本人。']);
    expect((await bot.say('王书记', '/exempt @张三')).join('\n')).toContain('/exempt');
    expect(await bot.say('王书记', '/exempt 结束 @李四')).toEqual(['李四（M3，东北流村党支部）现在没有免提醒。']);
    expect((await bot.say('王书记', '/exempt @张三 年老体弱 至2026-03-20')).join('\n')).toContain('到 2026-03-20 为止');
  });
});
