import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { startMeetingBot, type MeetingBot } from '../meetings/support.ts';
import { recordAttendance } from '../../../src/features/meetings/store.ts';
import { saveMinutes } from '../../../src/features/records/store.ts';

let bot: MeetingBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const SLICES = ['core', 'meetings', 'records'];

/** A branch with 李书记 its secretary and 张三, 王五 members, on 1 January 2026 08:00 Shanghai. */
async function branch(start = '2026-01-01T00:00:00Z'): Promise<MeetingBot> {
  bot = await startMeetingBot(start, {}, undefined, SLICES);
  await bot.say('管理员', '/bindchat 东北流村党支部');
  for (const who of ['李书记', '张三', '王五']) await bot.say(who, '大家好');
  await bot.say('管理员', '/setrole 李书记 书记');
  return bot;
}

/** Shanghai local time `YYYY-MM-DD HH:MM` as an instant. */
const at = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

/**
 * Meeting #id was held at `local` (its start): attendance (李书记, 张三 present, 王五 excused) and,
 * unless `minutes` is false, minutes, written straight through the slices' store functions (the
 * commands themselves are driven in the /minutes tests; a year of them through the bot is too slow).
 */
async function hold(b: MeetingBot, id: number, local: string, minutes = true): Promise<void> {
  const db = b.database.db;
  const startsAt = at(local);
  const people = await db.member.findMany({ where: { name: { in: ['李书记', '张三', '王五'] } } });
  const who = (name: string) => people.find((p) => p.name === name)!.id;
  const unitId = (await db.meeting.findUniqueOrThrow({ where: { id } })).unitId;
  await recordAttendance(db, {
    meetingId: id, unitId, startsAt, byId: who('李书记'), now: startsAt,
    marks: [{ memberId: who('李书记'), status: 'present' }, { memberId: who('张三'), status: 'present' }, { memberId: who('王五'), status: 'excused' }],
  });
  if (!minutes) return;
  await saveMinutes(db, {
    meetingId: id, unitId, startsAt, topics: '学习', decisions: '照办', hostId: who('李书记'), recorderId: who('李书记'),
    expected: 3, present: 2, absences: '王五：请假', attachments: [], late: false, enteredById: who('李书记'), now: startsAt,
  });
}

/** The ledger's rows as `kind: marks`, from the reply. */
function rows(reply: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of reply.split('\n')) {
    const m = /^(\S+?)（[^）]*）：(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

describe('/ledger over a year', () => {
  // About 8 s alone; the slack is for a loaded CI machine.
  it('matches a hand-written table of held, unrecorded, called-off and missing meetings', { timeout: 60_000 }, async () => {
    const b = await branch();
    await b.say('管理员', '/ledger 频次 党小组会 不要求');
    expect(await b.ask('管理员', '/ledger 频次 民主评议 不要求')).toEqual(['本单位的民主评议改为不要求。']);
    expect((await b.ask('李书记', '/meeting 党员大会 | 0 9 15 3,6,9,12 * | 活动室 --kind 支部党员大会'))[0]).toContain('#1');
    expect((await b.ask('李书记', '/meeting 支委会 | 0 20 5 * * | 会议室 | 30 --kind 支委会'))[0]).toContain('#2');
    expect((await b.ask('李书记', '/meeting 主题党日 | 0 9 10 * * | 广场 --kind 主题党日 --holiday keep'))[0]).toContain('#3');
    expect(await b.ask('李书记', '/meeting 党课 | 0 14 20 2,5,8,11 * | 活动室 --kind 讲座')).toEqual([
      '没有“讲座”这种会议类型。可以写：支部党员大会、支委会、党小组会、党课、主题党日、组织生活会、民主评议、班子会、干部会、干群联席会。',
    ]);

    for (let month = 1; month <= 12; month++) {
      const mm = String(month).padStart(2, '0');
      if (month === 7) {
        b.clock.set(at('2026-07-01 09:00'));
        expect((await b.ask('李书记', '/meeting cancel #2 07-05'))[0]).toContain('这一次取消');
      } else await hold(b, 2, `2026-${mm}-05 20:00`, month !== 4);
      if (month <= 10) await hold(b, 3, `2026-${mm}-10 09:00`, month !== 3);
      if (month === 6) {
        // 党课 is added in June: its February and May lectures never happened.
        b.clock.set(at('2026-06-01 09:00'));
        expect((await b.ask('李书记', '/meeting 党课 | 0 14 20 2,5,8,11 * | 活动室 --kind 党课'))[0]).toContain('#4');
      }
      if (month === 8 || month === 11) await hold(b, 4, `2026-${mm}-20 14:00`);
    }
    await hold(b, 1, '2026-03-15 09:00');
    await hold(b, 1, '2026-06-15 09:00', false);
    b.clock.set(at('2026-09-01 09:00'));
    await b.ask('李书记', '/meeting cancel #1 09-15');
    b.clock.set(at('2026-11-01 09:00'));
    expect(await b.ask('李书记', '/meeting cancel #3')).toEqual(['会议 #3 主题党日 已取消，以后不再通知。']);
    // The December general meeting is recorded five days late (补录).
    b.clock.set(at('2026-12-20 10:00'));
    await b.ask('李书记', '/attendance #1 12-15 到:李书记,张三 假:王五');
    const late = await b.ask('李书记', '/minutes #1 12-15 议题：年终总结\n决议：表彰张三\n主持人：李书记\n记录人：张三');
    expect(late[0]).toContain('补录（2026-12-20 录入）');

    b.clock.set(at('2027-01-05 09:00'));
    const [reply] = await b.ask('张三', '/ledger 2026');
    // Hand-written: ✓ minutes, △ held without minutes, ○ called off, ✗ not held.
    expect(rows(reply!)).toEqual({
      支部党员大会: '1✓ 2△ 3○ 4✓',
      支委会: '1✓ 2✓ 3✓ 4△ 5✓ 6✓ 7○ 8✓ 9✓ 10✓ 11✓ 12✓',
      党课: '1✗ 2✗ 3✓ 4✓',
      主题党日: '1✓ 2✓ 3△ 4✓ 5✓ 6✓ 7✓ 8✓ 9✓ 10✓ 11✗ 12✗',
      组织生活会: '✗',
      // The yearly review is its own slice's line: none was opened in this year.
      民主评议党员: '未开展',
    });
    const lines = reply!.split('\n');
    expect(lines[0]).toBe('东北流村党支部 2026年台账：按期开会并有记录 23/31（74%）');
    // The gaps come first.
    expect(lines[1]).toBe('未开：党课 第1季度、第2季度；主题党日 11月、12月；组织生活会 全年');
    expect(lines[2]).toBe('开了没记录：支部党员大会 第2季度；支委会 4月；主题党日 3月');

    const exported = b.adapters.console.sent.length;
    await b.say('李书记', '/ledger 导出 2026');
    // The console is text-only: the CSV arrives as its fallback text (the caption line, then the
    // table); the file itself (with its BOM) and the printable PNG are checked over Telegram.
    const texts = b.adapters.console.sent.slice(exported).map((d) => (d.message.kind === 'text' ? d.message.text : ''));
    const csvText = texts.find((t) => t.startsWith('东北流村党支部 2026年台账，共'))!;
    const table = parse(csvText.slice(csvText.indexOf('\n') + 1)) as string[][];
    expect(table[0]).toEqual(['类型', '会议', '时间', '地点', '主持人', '记录人', '应到', '实到', '缺席及原因', '议题', '决议', '补录', '附件']);
    expect(table.every((r) => r.length === 13)).toBe(true);
    expect(table.filter((r) => r[9] === '未开').map((r) => `${r[0]} ${r[1]}`)).toEqual(['党课 第1季度', '党课 第2季度', '主题党日 11月', '主题党日 12月', '组织生活会 全年']);
    const december = table.find((r) => r[0] === '支部党员大会' && r[2] === '2026-12-15 09:00')!;
    expect(december.slice(3, 12)).toEqual(['活动室', '李书记', '张三', '3', '2', '王五：请假', '年终总结', '表彰张三', '2026-12-20 10:00']);
  });
});

describe('/minutes', () => {
  it('keeps every version, refuses members and other units, and lets members read', async () => {
    const b = await branch('2026-03-01T00:00:00Z');
    await b.ask('李书记', '/meeting 支委会 | 0 20 5 * * | 会议室 --kind 支委会');
    b.clock.set(at('2026-03-05 20:40'));
    expect(await b.ask('李书记', '/minutes #1 议题：学习 决议：照办')).toEqual(['#1 3月5日 周四 20:00 这次还没有点名。请先用 /attendance #1 记录出勤，再写会议记录。']);
    await b.ask('王五', '请假 在县里开会');
    await b.ask('李书记', '/attendance #1 到:李书记,张三 缺:王五');
    expect(await b.ask('张三', '/minutes #1 议题：学习 决议：照办')).toEqual(['你只能管理本单位的会议。']);
    expect(await b.ask('李书记', '/minutes #1 议题：学习党章\n第二条\n决议：照办')).toEqual([
      '已记录 #1 支委会（3月5日 周四 20:00）的会议记录。\n主持人：李书记；记录人：李书记；应到 3 人，实到 2 人\n缺席：王五：在县里开会',
    ]);
    expect((await b.ask('李书记', '/minutes #1 议题：学习党章 决议：改期 记录人：张三'))[0]).toBe(
      '已更正 #1 支委会（3月5日 周四 20:00）的会议记录，现在是第 2 版，原来的记录保留。\n主持人：李书记；记录人：张三；应到 3 人，实到 2 人\n缺席：王五：在县里开会',
    );
    const versions = await b.database.db.meetingMinutes.findMany({ orderBy: { version: 'asc' } });
    expect(versions.map((v) => [v.version, v.decisions, v.supersededAt !== null])).toEqual([[1, '照办', true], [2, '改期', false]]);
    expect(versions[0]!.topics).toBe('学习党章\n第二条');
    const [shown] = await b.ask('张三', '/minutes #1');
    expect(shown).toContain('决议：改期');
    expect(shown).toContain('共更正过，保留 2 版。');
    for (const bad of ['/minutes #1 决议：只有决议', '/minutes #1 随便写写', '/minutes 议题：x 决议：y', '/minutes #1 3-40 议题：x 决议：y']) {
      expect((await b.ask('李书记', bad))[0], bad).toMatch(/^格式不对|看不懂日期/);
    }
    expect(await b.ask('李书记', '/minutes #1 议题：x 决议：y 主持人：赵六')).toEqual(['没有找到“赵六”。请用 M编号（/members 里能看到）、@他，或回复他的消息。']);
    expect(await b.database.db.meetingMinutes.count()).toBe(2);
  });
});

describe('/ledger 说明 (an admin excuses a gap)', () => {
  it('marks the period excused with its reason, leaves it out of the required count, audits it, refuses others', async () => {
    const b = await branch('2026-01-01T00:00:00Z');
    await b.ask('管理员', '/ledger 频次 党小组会 不要求');
    await b.ask('管理员', '/ledger 频次 民主评议 不要求');
    await b.ask('管理员', '/ledger 频次 支部党员大会 不要求');
    await b.ask('管理员', '/ledger 频次 支委会 不要求');
    await b.ask('管理员', '/ledger 频次 党课 不要求');
    await b.ask('管理员', '/ledger 频次 组织生活会 不要求');
    await b.ask('李书记', '/meeting 主题党日 | 0 9 10 * * | 广场 --kind 主题党日');
    await hold(b, 1, '2026-01-12 09:00');
    b.clock.set(at('2026-04-05 09:00'));
    expect(await b.ask('李书记', '/ledger 说明 主题党日 2026-02 春节')).toEqual(['只有管理员可以说明缺项。']);
    expect(await b.ask('管理员', '/ledger 说明 主题党日 13月 春节')).toEqual(['看不懂期间“13月”。请写成 2026-02、2月、2026-Q1、第1季度 或 全年。']);
    expect(await b.ask('管理员', '/ledger 说明 主题党日 2026-02')).toEqual([expect.stringMatching(/^格式不对/)]);
    expect(await b.ask('管理员', '/ledger 说明 主题党日 2026-02 春节期间 集中学习')).toEqual(['已记下：主题党日 2026年2月 不算缺项，原因：春节期间 集中学习']);
    expect(await b.ask('管理员', '/ledger 说明 主题党日 2026-02 春节期间集中学习')).toEqual(['已改：主题党日 2026年2月 的说明改为：春节期间集中学习']);
    const [reply] = await b.ask('张三', '/ledger');
    const lines = reply!.split('\n');
    // January held (with minutes), February excused, March held without minutes: 1 of 2 required.
    expect(lines[0]).toBe('东北流村党支部 2026年台账：按期开会并有记录 1/2（50%）');
    expect(lines).toContain('开了没记录：主题党日 3月');
    expect(lines).toContain('已说明：主题党日 2月：春节期间集中学习');
    expect(rows(reply!)).toEqual({ 主题党日: '1✓ 2○ 3△ 4· 5· 6· 7· 8· 9· 10· 11· 12·', 民主评议党员: '未开展' });
    const audit = await b.database.db.auditLog.findMany({ where: { action: 'ledger.excuse' } });
    expect(audit).toHaveLength(2);
    expect(await b.database.db.ledgerExcuse.count()).toBe(1);
  });

  it('reads the forms of a period', async () => {
    const { parsePeriod } = await import('../../../src/features/records/rules.ts');
    expect(parsePeriod('2月', 2026)).toEqual({ year: 2026, month: 2, months: 1 });
    expect(parsePeriod('2027年3月', 2026)).toEqual({ year: 2027, month: 3, months: 1 });
    expect(parsePeriod('２０２６－Ｑ３', 2026)).toEqual({ year: 2026, month: 7, months: 3 });
    expect(parsePeriod('第二季度', 2026)).toEqual({ year: 2026, month: 4, months: 3 });
    expect(parsePeriod('全年', 2026)).toEqual({ year: 2026, month: 1, months: 12 });
    expect(parsePeriod('2025', 2026)).toEqual({ year: 2025, month: 1, months: 12 });
    for (const bad of ['2', '0月', 'Q5', '春节', "'; DROP TABLE x;--"]) expect(parsePeriod(bad, 2026), bad).toBeNull();
  });
});
