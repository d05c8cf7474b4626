// A month of the township's working method on a manual clock: 3 committee members answer for 6
// middle cadres, each cadre for 2 of 12 villages; 10 tasks with deadlines; progress for some.
// Every reminder and escalation goes to the right person along the chain, exactly once, privately;
// the overdue list is exact every Monday; the Monday agenda is posted with the cadre meeting.
import { afterEach, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/bot/time.ts';
import { startMeetingBot, type MeetingBot, type Seen } from '../meetings/support.ts';

const TZ = 'Asia/Shanghai';
const TOWN = '青山镇';
const villages = Array.from({ length: 12 }, (_, i) => `${'甲乙丙丁戊己庚辛壬癸子丑'[i]}村党支部`);
const leaders = ['班子一', '班子二', '班子三'];
const cadres = ['中层一', '中层二', '中层三', '中层四', '中层五', '中层六'];
/** Task k: its villages (by index), its deadline (days after the start), whether it is finished on day `doneOn`. */
const plan = Array.from({ length: 10 }, (_, k) => ({ title: `任务${k + 1}`, units: [k % 12, (k + 5) % 12], dueIn: 3 + 2 * k, doneOn: k % 3 === 0 ? 1 + 2 * k : null }));

let bot: MeetingBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

async function idOf(b: MeetingBot, name: string): Promise<number> {
  return (await b.database.db.member.findFirstOrThrow({ where: { name } })).id;
}

async function setUp(): Promise<{ b: MeetingBot; ids: Map<string, number> }> {
  // 2026-12-01 is a Tuesday; 08:00 local.
  const b = await startMeetingBot('2026-12-01T00:00:00Z', { BOT_TIMEZONE: TZ, TASK_STALE_DAYS: '0' }, undefined, ['core', 'meetings', 'suggestions', 'tasks']);
  await b.say('管理员', `/bindchat ${TOWN}`, { chat: TOWN });
  for (const v of villages) await b.say('管理员', `/bindchat ${v}`, { chat: v });
  for (const p of [...leaders, ...cadres]) await b.say(p, '/whoami', { chat: TOWN });
  const ids = new Map<string, number>();
  for (const p of [...leaders, ...cadres]) ids.set(p, await idOf(b, p));
  for (const [i, c] of cadres.entries()) {
    const reply = await b.ask('管理员', `/assign M${ids.get(c)} 包 ${villages[2 * i]}、${villages[2 * i + 1]}`, { chat: TOWN });
    expect(reply[0]).toContain(`${c}（M${ids.get(c)}）`);
  }
  for (const [i, l] of leaders.entries()) await b.say('管理员', `/assign M${ids.get(l)} 包 M${ids.get(cadres[2 * i]!)} M${ids.get(cadres[2 * i + 1]!)}`, { chat: TOWN });
  return { b, ids };
}

/** The cadre and leader answering for village index `v`. */
function chainOf(v: number): { cadre: string; leader: string } {
  const c = Math.floor(v / 2);
  return { cadre: cadres[c]!, leader: leaders[Math.floor(c / 2)]! };
}

describe('tasks over a month', () => {
  it('reminds and escalates along the chain, once each, privately; the overdue list is exact on Mondays', async () => {
    const { b } = await setUp();
    bot = b;
    const start = '2026-12-01';
    for (const p of plan) {
      const due = addDays(start, p.dueIn);
      const reply = await b.ask('管理员', `/task ${p.title} ${villages[p.units[0]!]}、${villages[p.units[1]!]} 截止${due}`, { chat: TOWN });
      expect(reply[0]).toMatch(/^已派任务 #\d+/);
    }
    const taskIds = (await b.database.db.task.findMany({ orderBy: { id: 'asc' } })).map((t) => t.id);
    const seen: Seen[] = [];
    for (let day = 0; day < 31; day++) {
      const date = addDays(start, day);
      for (const [k, p] of plan.entries()) {
        if (p.doneOn !== day) continue;
        for (const v of p.units) {
          const owner = chainOf(v).cadre;
          const r = await b.ask(owner, `/progress #${taskIds[k]} 全部办完 完成`, { chat: villages[v] });
          // A cadre who owns the task in both its villages finishes one per message.
          expect(r[0]).toContain(`任务 #${taskIds[k]}`);
        }
      }
      seen.push(...(await b.tick(`${date}T01:30:00Z`)).seen); // 09:30 local: after the daily pass
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (weekday === 1) {
        const overdue = await b.ask('管理员', '/tasks 逾期', { chat: TOWN });
        const expected = plan.flatMap((p, k) => (addDays(start, p.dueIn) < date && (p.doneOn === null || p.doneOn > day) ? p.units.map(() => `#${taskIds[k]} ${p.title}`) : [])).reverse();
        const lines = overdue[0]!.split('\n').slice(expected.length ? 1 : 0);
        if (expected.length === 0) expect(overdue[0]).toBe('没有逾期的任务。');
        else expect(lines.map((l) => l.split(' · ')[0])).toEqual(expected);
      }
    }
    expect(seen.filter((s) => s.kind === 'group')).toEqual([]);
    const received = (kind: RegExp) => seen.filter((s) => kind.test(s.text)).map((s) => `${s.chatId}:${/#(\d+)/.exec(s.text)![1]}`).sort();
    // Expected by a model of the rules, on the daily pass (09:00; progress of a day comes before it):
    // due-soon to the owner 2 days before, overdue to the owner the day after the deadline, the
    // committee member above after 3 days overdue; nothing once done. Owners are the villages'
    // cadres, so no separate message to the cadre.
    const model = { dueSoon: [] as string[], overdue: [] as string[], leader: [] as string[] };
    for (const [k, p] of plan.entries()) {
      const open = (day: number) => day < 31 && (p.doneOn === null || p.doneOn > day);
      for (const v of p.units) {
        const { cadre, leader } = chainOf(v);
        if (open(Math.max(0, p.dueIn - 2))) model.dueSoon.push(`${cadre}:${taskIds[k]}`);
        if (open(p.dueIn + 1)) model.overdue.push(`${cadre}:${taskIds[k]}`);
        if (open(p.dueIn + 3)) model.leader.push(`${leader}:${taskIds[k]}`);
      }
    }
    expect(received(/^提醒：任务快到期了/)).toEqual(model.dueSoon.sort());
    expect(received(/^任务已逾期/)).toEqual(model.overdue.sort());
    expect(received(/^督查：你联系的干部/)).toEqual(model.leader.sort());
    expect(received(/^督查：你包的村/)).toEqual([]);
  }, 120_000);
});

describe('tasks: owners, scope and the Monday agenda', () => {
  it('a named owner is reminded; the village cadre, then the leader, hear when it is overdue', async () => {
    const { b, ids } = await setUp();
    bot = b;
    await b.say('王书记', '/whoami', { chat: villages[0] });
    const sec = await idOf(b, '王书记');
    await b.ask('管理员', '/setrole 王书记 书记', { chat: villages[0] });
    const created = await b.ask('管理员', `/task 危房排查 M${sec} ${villages[0]} 截止2026-12-03`, { chat: TOWN });
    expect(created[0]).toMatch(/^已派任务 #\d+：危房排查。派到：甲村党支部。截止/);
    const seen = (await b.tick('2026-12-08T02:00:00Z')).seen.filter((s) => s.kind === 'private');
    const to = (re: RegExp) => seen.filter((s) => re.test(s.text)).map((s) => s.chatId);
    expect(to(/^提醒：任务快到期了/)).toEqual(['王书记']);
    expect(to(/^任务已逾期/)).toEqual(['王书记']);
    expect(to(/^督查：你包的村有任务逾期，负责人 王书记/)).toEqual(['中层一']);
    expect(to(/^督查：你联系的干部负责的任务逾期多日/)).toEqual(['班子一']);
    expect(ids.get('中层一')).toBeGreaterThan(0);
  }, 120_000);

  it('a secretary hands tasks to their own unit only; a member reports only on their own or their unit’s task', async () => {
    const { b } = await setUp();
    bot = b;
    await b.say('王书记', '/whoami', { chat: villages[0] });
    await b.say('李党员', '/whoami', { chat: villages[1] });
    await b.ask('管理员', '/setrole 王书记 书记', { chat: villages[0] });
    expect(await b.ask('王书记', `/task 清理河道 ${villages[1]}`, { chat: villages[0] })).toEqual(['书记只能给本村派任务。']);
    const own = await b.ask('王书记', '/task 清理河道', { chat: villages[0] });
    const id = /#(\d+)/.exec(own[0]!)![1];
    expect(await b.ask('李党员', `/progress #${id} 我去看了 +10%`, { chat: villages[1] })).toEqual([`任务 #${id} 不是你负责的，也不是你村的。`]);
    expect((await b.ask('王书记', `/progress #${id} 已清理一半 +50%`, { chat: villages[0] }))[0]).toBe(`已记下任务 #${id} 的进展，现在 50%。`);
    expect(await b.ask('李党员', `/assign M1 包 ${villages[1]}`, { chat: villages[1] })).toHaveLength(1);
    expect((await b.database.db.responsibility.count({ where: { unitId: { not: null } } }))).toBe(12);
  }, 120_000);

  it('the Monday cadre meeting carries the agenda: done, overdue with owners, villages without a weekly report, suggestions', async () => {
    const { b } = await setUp();
    bot = b;
    await b.say('管理员', '/meeting default 干部会', { chat: TOWN });
    await b.say('王书记', '/whoami', { chat: villages[0] });
    await b.ask('管理员', '/setrole 王书记 书记', { chat: villages[0] });
    await b.say('王书记', '/weekly 本周完成危房排查', { chat: villages[0] });
    await b.say('村民甲', '/suggest 村口路灯坏了', { chat: villages[0] });
    await b.ask('管理员', `/task 秸秆禁烧巡查 ${villages[2]} 截止2026-12-02`, { chat: TOWN });
    const done = await b.ask('管理员', `/task 冬季防火宣传 ${villages[3]} 截止2026-12-10`, { chat: TOWN });
    const doneId = /#(\d+)/.exec(done[0]!)![1];
    await b.say('中层二', `/progress #${doneId} 已宣传到户 完成`, { chat: villages[3] });
    // Monday 2026-12-07, 08:30; the reminder goes 30 minutes before.
    const { seen } = await b.tick('2026-12-07T00:05:00Z');
    const posted = seen.filter((s) => s.chatId === TOWN && s.text.includes('周一干部会议程'));
    expect(posted).toHaveLength(1);
    const agenda = posted[0]!.text.slice(posted[0]!.text.indexOf('周一干部会议程'));
    expect(agenda.split('\n')).toEqual([
      '周一干部会议程（12月7日 周一）',
      '一、上周完成的任务（1项）',
      `· #${doneId} 冬季防火宣传 · 丁村党支部 · 中层二 · 100% · 截止12月10日 周四 · 已完成`,
      '二、逾期的任务（1项）',
      `· #${Number(doneId) - 1} 秸秆禁烧巡查 · 丙村党支部 · 中层二 · 0% · 截止12月2日 周三 · 逾期5天`,
      '三、没交周报的村（11个）',
      `· ${villages.slice(1).join('、')}`,
      '四、待研究的群众建议（1条）',
      '· 甲村党支部：1条',
    ]);
  }, 120_000);
});
