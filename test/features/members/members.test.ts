// People by id through the real app on a fresh SQLite file: /members shows M numbers, commands take
// them, look-ups stay in scope, the admin belongs to the township only, names are cleaned, a copy of
// the bot's name picks nobody, and the manager's read of the list is audited.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';

const VILLAGE = '东北流村党支部';
const TOWN = '城关镇党委';

let db: Database & { close(): Promise<void> };
let bot: TestBot;

async function one(user: string, text: string, chat = VILLAGE): Promise<string> {
  const replies = await bot.say(user, text, { chat });
  expect(replies, `replies to ${user}: ${text}`).toHaveLength(1);
  return replies[0]!;
}

async function idOf(name: string): Promise<number> {
  return (await db.db.member.findFirstOrThrow({ where: { name } })).id;
}

beforeEach(async () => {
  db = await freshSqlite();
  bot = await startTestBot(db, { clock: new ManualClock('2026-03-02T02:00:00Z') });
  await bot.say('管理员', `/bindchat ${TOWN}`, { chat: TOWN });
  await bot.say('管理员', `/bindchat ${VILLAGE}`);
  await bot.say('镇干部', '大家好', { chat: TOWN });
  for (const name of ['张三', '王书记', '\u202E赵六\u200B', '先锋']) await bot.say(name, '大家好');
  await bot.say('管理员', '大家好', { chat: TOWN }); // the admin joins the township by speaking there once it is bound
  await bot.say('管理员', '大家好');
});

afterEach(async () => {
  await bot.stop();
  await db.close();
});

describe('members by id', () => {
  it('lists M numbers; the admin is in the township, not the village; names are cleaned', async () => {
    const wang = await idOf('王书记');
    expect(await one('管理员', `/setrole M${wang} 书记`)).toBe(`已把王书记（M${wang}，${VILLAGE}）的身份改为书记。`);
    const list = await one('王书记', '/members');
    expect(list.split('\n')[0]).toBe(`${VILLAGE}成员（4人）：`);
    expect(list).toContain(`M${wang} 王书记（书记）`);
    expect(list).toContain(`M${await idOf('赵六')} 赵六（党员）`);
    expect(list).not.toContain('管理员');
    expect(list).not.toContain('\u202E');
    const town = await one('管理员', '/members', TOWN);
    expect(town).toContain(`M${await idOf('管理员')} 管理员（管理员）`);
    expect(town).toContain('镇干部');
    const audits = await db.db.auditLog.findMany({ where: { action: 'members.list' } });
    expect(audits).toHaveLength(2);
  });

  it('keeps a secretary to their own unit, and never matches the bot’s own name', async () => {
    const wang = await idOf('王书记');
    await one('管理员', `/setrole M${wang} 书记`);
    const cadre = await idOf('镇干部');
    expect(await one('王书记', `/setrole M${cadre} 群众`)).toBe('镇干部不在你的单位，你不能修改他的身份。');
    expect(await one('王书记', `/members ${TOWN}`)).toBe(`你只能查看本单位的成员，不能查看“${TOWN}”。`);
    expect(await one('王书记', '/setrole 先锋 群众')).toBe('没有找到“先锋”。请用 M编号（/members 里能看到）、@他，或回复他的消息。');
    expect(await one('王书记', '/setrole 张三 群众')).toBe(`已把张三（M${await idOf('张三')}，${VILLAGE}）的身份改为群众。`);
    expect((await db.db.member.findUniqueOrThrow({ where: { id: cadre } })).role).toBe('member');
  });

  it('/audit shows the latest entries, of one person when named; reads are entries too', async () => {
    const wang = await idOf('王书记');
    await one('管理员', `/setrole M${wang} 书记`);
    await one('王书记', '/members');
    // Newest first: the read, the role change, then the two bindings and the automatic registrations.
    const all = await one('管理员', '/audit 30');
    const automatic = await db.db.auditLog.count({ where: { action: { in: ['member.auto', 'unit.auto'] } } });
    expect(automatic).toBe(7); // six people registered by speaking, and the admin joining the township
    expect(all.split('\n')[0]).toBe(`最近 ${4 + automatic} 条审计记录：`);
    expect(all).toContain(`系统 unit.auto member ${await idOf('管理员')} unit - -> `);
    expect(all).toContain(`王书记（M${wang}） members.list`);
    expect(all).toContain(`setrole member ${wang} member -> secretary`);
    const his = await one('管理员', `/audit M${wang}`);
    expect(his.split('\n')).toHaveLength(2);
    expect(his).toContain('members.list');
    expect(await one('王书记', '/audit')).toContain('需要管理员');
    expect(await db.db.auditLog.count({ where: { action: 'audit.view' } })).toBe(2);
  });
});
