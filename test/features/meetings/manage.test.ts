import { afterEach, describe, expect, it } from 'vitest';
import { startMeetingBot, type MeetingBot } from './support.ts';

/** Thursday 26 November 2026, 08:00 in Shanghai. */
const START = '2026-11-26T00:00:00Z';

let bot: MeetingBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** A bot with the branch bound, 李书记 its secretary and 张三 a member. */
async function branch(): Promise<MeetingBot> {
  bot = await startMeetingBot(START);
  await bot.say('管理员', '/bindchat 东北流村党支部');
  await bot.say('李书记', '大家好');
  await bot.say('张三', '大家好');
  await bot.say('管理员', '/setrole 李书记 书记');
  return bot;
}

describe('/meeting', () => {
  it('adds a meeting with its next two times, the reminder and where notices go', async () => {
    const b = await branch();
    expect(await b.ask('李书记', '/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30')).toEqual([
      ['已添加会议 #1 支委会', '地点：村委会议室', '下次：12月2日 周三 20:00', '再下次：12月9日 周三 20:00', '会前提醒：提前 30 分钟。通知发到本单位的 1 个群。'].join('\n'),
    ]);
    // Full-width separators and a lead in hours; no lead means 60 minutes.
    expect((await b.ask('李书记', '#会议 党课｜0 9 1 * *｜党员活动室｜2小时'))[0]).toContain('会前提醒：提前 2 小时。');
    expect((await b.ask('李书记', '/meeting 议事会 | 0 19 * * 5 | 村委会议室'))[0]).toContain('会前提醒：提前 1 小时。');
    expect(await b.ask('李书记', '/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30')).toEqual(['已经有这个会议了：#1 支委会。']);
    const rows = await b.database.db.meeting.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.id, r.title, r.cron, r.remindMinutes])).toEqual([
      [1, '支委会', '0 20 * * 3', 30],
      [2, '党课', '0 9 1 * *', 120],
      [3, '议事会', '0 19 * * 5', 60],
    ]);
  });

  it('refuses a bad cron expression with what is wrong and an example, recording nothing', async () => {
    const b = await branch();
    const example = '例如：0 9 * * 0 是每周日9:00；30 8 * * 1 是每周一8:30；0 15 28 * * 是每月28日15:00。';
    const cases: [string, string][] = [
      ['0 20 * *', 'cron表达式不对：要写5段（分 时 日 月 周），用空格隔开，你写了 4 段。'],
      ['0 0 20 * * 3', 'cron表达式不对：不支持秒。请只写5段：分 时 日 月 周。'],
      ['0 25 * * 3', 'cron表达式不对：“时（0-23）”这一段写的“25”不对。'],
      ['61 20 * * 3', 'cron表达式不对：“分（0-59）”这一段写的“61”不对。'],
      ['0 20 * * 8', 'cron表达式不对：“周（0-7，0和7都是周日）”这一段写的“8”不对。'],
      ['0 9 30 2 *', 'cron表达式不对：这个时间永远不会到（比如2月30日）。'],
      ['0 9 1 * 1', 'cron表达式不对：日期和星期只能指定一个，另一个写 *。'],
      ['*/5 * * * *', 'cron表达式不对：会议最多每天一次。'],
      ["0 9 * * 1; DROP TABLE Meeting;--", 'cron表达式不对：要写5段（分 时 日 月 周），用空格隔开，你写了 8 段。'],
      ['每周三晚上八点 ', 'cron表达式不对：要写5段（分 时 日 月 周），用空格隔开，你写了 1 段。'],
    ];
    for (const [cron, first] of cases) {
      expect(await b.ask('李书记', `/meeting 支委会 | ${cron} | 村委会议室`), cron).toEqual([`${first}\n${example}`]);
    }
    expect(await b.database.db.meeting.count()).toBe(0);
  });

  it('refuses malformed forms with the usage and an example, and other roles and units', async () => {
    const b = await branch();
    const usage = (await b.ask('李书记', '/meeting 支委会'))[0]!;
    expect(usage).toMatch(/^格式不对。\n例如：\/meeting 支委会 \| 0 20 \* \* 3 \| 村委会议室 \| 30\n完整用法：\/help 会议$/);
    expect(usage).toContain('例如：/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30');
    expect((await b.ask('李书记', `/meeting ${'长'.repeat(41)} | 0 20 * * 3 | 村委会议室`))[0]).toMatch(/^格式不对/);
    expect((await b.ask('李书记', '/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 八天'))[0]).toMatch(/^格式不对/);
    expect((await b.ask('李书记', '/meeting 支委会 | 0 20 * * 3 |  | 30'))[0]).toMatch(/^格式不对/);
    expect(await b.ask('张三', '/meeting 支委会 | 0 20 * * 3 | 村委会议室')).toEqual(['这个命令需要管理员、书记身份才能用。']);
    // A secretary of another unit cannot add meetings here.
    await b.say('管理员', '/bindchat 西岭村党支部', { chat: '西岭村党支部' });
    expect(await b.ask('李书记', '/meeting 支委会 | 0 20 * * 3 | 村委会议室', { chat: '西岭村党支部' })).toEqual(['你只能管理本单位的会议。']);
    expect(await b.database.db.meeting.count()).toBe(0);
  });

  it('enables default schedules from prompts/schedules.yaml (admins only) and lists them', async () => {
    const b = await branch();
    expect(await b.ask('李书记', '/meeting default 联席会')).toEqual(['只有管理员可以启用默认会议。书记可以用 /meeting 标题 | cron表达式 | 地点 添加会议。']);
    expect(await b.ask('管理员', '/meeting default')).toEqual([
      ['默认会议安排：', '· 领导班子会：/meeting default 班子会', '· 全体干部会：/meeting default 干部会', '· 月末干群联席会：/meeting default 干群联席会', '启用后会按时在本单位各群发通知和会前提醒。'].join('\n'),
    ]);
    expect((await b.ask('管理员', '/meeting default 联席会'))[0]).toBe(
      ['已添加会议 #1 月末干群联席会', '地点：村党群服务中心', '下次：11月28日 周六 15:00', '再下次：12月28日 周一 15:00', '会前提醒：提前 1 天。通知发到本单位的 1 个群。'].join('\n'),
    );
    expect(await b.ask('管理员', '#会议 默认 joint')).toEqual(['本单位已经启用了：#1 月末干群联席会。']);
    expect((await b.ask('管理员', '/meeting default 领导班子会'))[0]).toContain('下次：11月29日 周日 19:30');
    expect((await b.ask('管理员', '/meeting default 干部会'))[0]).toContain('下次：11月30日 周一 08:30');
    expect(await b.ask('管理员', '/meeting default 党课')).toEqual(['没有叫“党课”的默认会议。可以启用的有：领导班子会、全体干部会、月末干群联席会。']);
    expect((await b.ask('管理员', '/meeting default'))[0]).toContain('· 月末干群联席会：本单位已启用（#1）');
    const joint = await b.database.db.meeting.findUniqueOrThrow({ where: { id: 1 } });
    expect([joint.template, joint.withSuggestions, joint.cron, joint.remindMinutes]).toEqual(['joint', true, '0 15 28 * *', 1440]);
  });

  it('/meetings lists the unit\'s meetings, soonest first, with the next times and answers', async () => {
    const b = await branch();
    expect(await b.ask('张三', '/meetings')).toEqual(['本单位还没有会议。书记可以用 /meeting 添加，管理员可以用 /meeting default 启用默认会议。']);
    await b.say('李书记', '/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30');
    await b.say('管理员', '/meeting default 联席会');
    await b.say('张三', '#到');
    expect(await b.ask('张三', '#会议列表')).toEqual([
      [
        '本单位共有 2 个会议：',
        '#2 月末干群联席会：下次 11月28日 周六 15:00，村党群服务中心',
        '    再下次 12月28日 周一 15:00；会前提醒：提前 1 天；已报名 1 人，请假 0 人',
        '#1 支委会：下次 12月2日 周三 20:00，村委会议室',
        '    再下次 12月9日 周三 20:00；会前提醒：提前 30 分钟；已报名 0 人，请假 0 人',
      ].join('\n'),
    ]);
    // In a private chat the member's own unit is meant.
    expect((await b.ask('张三', '/meetings', { private: true }))[0]).toMatch(/^本单位共有 2 个会议：/);
  });
});

describe('/meeting cancel', () => {
  it('calls off one occurrence or the whole meeting, announced in every chat of the unit', async () => {
    const b = await branch();
    await b.say('管理员', '/bindchat 东北流村党支部', { chat: '东北流村第二群' });
    await b.say('李书记', '/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30');
    const seen = await b.say('李书记', '/meeting cancel #1 12-2');
    expect(seen.map((s) => [s.chatId, s.text]).sort()).toEqual([
      ['东北流村党支部', '会议 #1 支委会：12月2日 周三 20:00 这一次取消。'],
      ['东北流村第二群', '会议 #1 支委会：12月2日 周三 20:00 这一次取消。'],
    ]);
    expect(await b.ask('李书记', '/meeting cancel #1 12月2日')).toEqual(['会议 #1 在 12月2日 周三 20:00 的这一次已经取消了。']);
    expect(await b.ask('李书记', '/meeting cancel #1 12-3')).toEqual(['会议 #1 在 2026-12-03 没有安排。接下来的日期：2026-12-09、2026-12-16、2026-12-23']);
    expect(await b.ask('李书记', '/meeting cancel #1 13-45')).toEqual(['看不懂日期“13-45”。请写成 11-29 或 2026-11-29，例如：/meeting cancel #3 11-29']);
    expect(await b.ask('李书记', '/meeting cancel #1 2026-11-25')).toEqual(['会议 #1 在 11月25日 周三 20:00 的这一次已经开过了，不能取消。']);
    expect(await b.ask('张三', '/meeting cancel #1')).toEqual(['这个命令需要管理员、书记身份才能用。']);
    expect(await b.ask('李书记', '/meeting cancel #9')).toEqual(['没有编号为 #9 的会议。发送 /meetings 查看。']);
    expect((await b.ask('张三', '/meetings'))[0]).toContain('#1 支委会：下次 12月9日 周三 20:00');

    const all = await b.say('李书记', '/meeting cancel #1');
    expect(all.map((s) => s.text)).toEqual(['会议 #1 支委会 已取消，以后不再通知。', '会议 #1 支委会 已取消，以后不再通知。']);
    expect(await b.ask('李书记', '/meeting cancel #1')).toEqual(['会议 #1 支委会 已经取消了。']);
    expect(await b.ask('张三', '/meetings')).toEqual(['本单位还没有会议。书记可以用 /meeting 添加，管理员可以用 /meeting default 启用默认会议。']);
  });
});
