// A secretary's reads of non-public data are audit entries: /turnout, an early look at hidden
// results, /report, /export (a section and a poll), /ledger 导出 and /suggestions each write one row,
// and the admin's /audit shows them. No ballot or suggestion text ever reaches a row.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';

const VILLAGE = '东北流村党支部';
const TOWN = '城关镇党委';
const READS = ['poll.turnout.read', 'poll.results.read', 'report.read', 'report.export', 'poll.export', 'ledger.export', 'suggestion.list'];

let db: Database & { close(): Promise<void> };
let bot: TestBot;

beforeEach(async () => {
  db = await freshSqlite();
  bot = await startTestBot(db, { clock: new ManualClock('2026-03-02T02:00:00Z') });
  await bot.say('管理员', `/bindchat ${TOWN}`, { chat: TOWN });
  await bot.say('管理员', `/bindchat ${VILLAGE}`);
  for (const name of ['张三', '王书记']) await bot.say(name, '大家好');
  const wang = (await db.db.member.findFirstOrThrow({ where: { name: '王书记' } })).id;
  await bot.say('管理员', `/setrole M${wang} 书记`);
  await bot.say('王书记', '/start', { private: true });
});

afterEach(async () => {
  await bot.stop();
  await db.close();
});

/** The poll id in an announcement. */
function pollId(replies: string[]): number {
  return Number(/#(\d+)/.exec(replies.join('\n'))![1]);
}

describe('audit of managers’ reads', () => {
  it('writes one row per read, none with a ballot or a suggestion, and /audit lists them', async () => {
    const hidden = pollId(await bot.say('王书记', '/poll 选哪天开会 | 周一 | 周三 --hide'));
    const open = pollId(await bot.say('王书记', '/poll 周六搞卫生吗 | 去 | 不去'));
    await bot.say('张三', `/vote #${hidden} 2`);
    await bot.say('张三', `/vote #${open} 1`);
    await bot.say('张三', '/suggest 秘密建议：村口路灯坏了');
    await bot.say('王书记', `/close #${open}`);
    const before = await db.db.auditLog.count();

    expect((await bot.say('王书记', `/turnout #${hidden}`)).join('\n')).toContain('已投 1 人');
    expect((await bot.say('王书记', `/results #${hidden}`)).join('\n')).not.toBe('');
    expect((await bot.say('王书记', '/report')).join('\n')).toContain(VILLAGE);
    await bot.say('王书记', '/export');
    await bot.say('王书记', `/export #${open}`);
    await bot.say('王书记', '/ledger 导出');
    expect((await bot.say('王书记', '/suggestions')).join('\n')).toContain('路灯');

    const rows = await db.db.auditLog.findMany({ where: { id: { gt: before } }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.action)).toEqual(READS);
    const wang = (await db.db.member.findFirstOrThrow({ where: { name: '王书记' } })).id;
    expect(rows.every((r) => r.memberId === wang)).toBe(true);
    for (const r of rows) expect(r.detail).not.toMatch(/路灯|周一|周三|去|张三/);
    const shown = (await bot.say('管理员', `/audit M${wang}`)).join('\n');
    for (const action of READS) expect(shown.split('\n').filter((l) => l.includes(` ${action} `) || l.endsWith(` ${action}`))).toHaveLength(1);
  });

  it('a member’s own /results of a visible poll is no audit entry', async () => {
    const open = pollId(await bot.say('王书记', '/poll 周六搞卫生吗 | 去 | 不去'));
    const before = await db.db.auditLog.count();
    await bot.say('张三', `/results #${open}`);
    await bot.say('王书记', `/results #${open}`);
    expect(await db.db.auditLog.count()).toBe(before);
  });
});
