// The roster through the real app on a fresh SQLite file (the proof): a secretary imports
// 33 rows from a GB18030 CSV sent as a file (3 bad: a row report), the codes reach her privately,
// a stranger joins by code (a wrong code is refused and counted), one member is moved, one removed
// (their later vote is refused, last year's report is unchanged), and a probationary member takes
// part like a member. Strangers get only the join hint; an unbound group only the bind hint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import type { Incoming } from '../../../src/bot/types.ts';
import { decodeTextDocument } from '../../../src/bot/text-attachments.ts';
import { freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';
import { gb18030Encoder } from '../../support/gb18030.ts';

const TOWN = '城关镇党委';
const EAST = '东村党支部';
const WEST = '西村党支部';

let db: Database & { close(): Promise<void> };
let bot: TestBot;
let clock: ManualClock;

const idOf = async (name: string) => (await db.db.member.findFirstOrThrow({ where: { name, removedAt: null } })).id;

/** The 33-row CSV: 30 good people of 东村, and 3 bad rows (unknown unit, bad role, a bad date). */
function rosterCsv(): string {
  const rows = ['姓名,单位,身份,入党日期'];
  for (let i = 1; i <= 28; i++) rows.push(`党员${i}号,${EAST},党员,2001-07-0${(i % 9) + 1}`);
  rows.push(`预备甲,${EAST},预备党员,2026年1月5日`, `群众乙,${EAST},群众,`);
  rows.push(`错一,南村党支部,党员,2010-01-01`, `错二,${EAST},队长,2010-01-01`, `错三,${EAST},党员,2010-13-01`);
  return rows.join('\r\n');
}

/**
 * `/roster import` with the CSV as a file, the way an adapter delivers it (bytes decoded as GB18030):
 * the group's replies (the private codes may go out before or after them: the outbox orders by chat).
 */
async function importFile(user: string, bytes: Buffer): Promise<string[]> {
  const before = bot.adapter.sent.length;
  const base = bot.adapter.message(user, '/roster import', { chat: EAST, sentAt: clock.now() });
  const content = { type: 'text' as const, text: '/roster import', mentionsBot: false, attachments: [{ kind: 'file' as const, ref: 'f1', name: '名单.csv', text: decodeTextDocument(bytes) }] };
  await bot.adapter.deliver({ ...base, content } satisfies Incoming);
  await bot.app.idle(bot.adapter.platform);
  return bot.adapter.sent.slice(before).filter((d) => d.chat.kind === 'group').map((d) => (d.message.kind === 'text' ? d.message.text : d.message.kind));
}

beforeEach(async () => {
  db = await freshSqlite();
  clock = new ManualClock('2026-03-02T02:00:00Z');
  bot = await startTestBot(db, { clock });
  await bot.say('管理员', `/bindchat ${TOWN}`, { chat: TOWN });
  await bot.say('管理员', `/bindchat ${EAST}`, { chat: EAST });
  await bot.say('管理员', `/bindchat ${WEST}`, { chat: WEST });
  await bot.say('王书记', '大家好', { chat: EAST });
  await bot.say('管理员', '/setrole 王书记 书记', { chat: EAST });
  await bot.say('王书记', '/whoami', { private: true });
});

afterEach(async () => {
  await bot.stop();
  await db.close();
});

describe('the roster', () => {
  it('imports 30 of 33 GB18030 rows with a row report; codes go privately; a code joins once; wrong codes are refused', async () => {
    const replies = await importFile('王书记', gb18030Encoder()(rosterCsv()));
    expect(replies[0]).toBe('名单导入完成：新增30人，更新0人，拒绝3行。\n第32行：没有“南村党支部”这个单位\n第33行：身份“队长”不认识（写 党员、预备党员、群众 或 书记）\n第34行：入党日期“2010-13-01”不对（写成 2010-07-01）\n加入码（30个）已私信发给你。');
    const codes = bot.adapter.sent.findLast((d) => d.chat.kind === 'private' && d.chat.chatId === '王书记')!;
    const text = codes.message.kind === 'text' ? codes.message.text : '';
    expect(text.split('\n')).toHaveLength(31);
    const code = new RegExp(`M(\\d+) 预备甲（${EAST}）：([A-Z2-9]{8})`).exec(text)!;
    expect((await db.db.member.findUniqueOrThrow({ where: { id: Number(code[1]) } })).joinedPartyOn?.toISOString()).toBe('2026-01-05T00:00:00.000Z');
    expect(await db.db.joinCode.count({ where: { codeHash: code[2] } })).toBe(0); // only a hash is stored
    // A stranger: the join hint, nothing else; a wrong code is refused; the right one links, once.
    expect(await bot.say('小周', '/whoami', { private: true })).toEqual([bot.app.translate('core.outsider.joinHint')]);
    expect(await bot.say('小周', '/join ZZZZZZZZ', { private: true })).toEqual([bot.app.translate('members.join.unknown')]);
    expect(await db.db.joinAttempt.count()).toBe(1);
    expect(await bot.say('小周', `/join ${code[2]!.toLowerCase()}`, { private: true })).toEqual([`欢迎！你已加入名册：预备甲（M${code[1]}，${EAST}）。发送 /help 查看能用的命令。`]);
    expect(await bot.say('小陈', `/join ${code[2]}`, { private: true })).toEqual([bot.app.translate('members.join.used')]);
    expect((await bot.say('小周', '#我', { chat: EAST }))[0]).toContain('身份：预备党员');
    expect(await db.db.member.count({ where: { name: '小周' } })).toBe(0);
    for (let i = 0; i < 5; i++) await bot.say('小陈', '/join AAAAAAAA', { private: true });
    expect(await bot.say('小陈', `/join ${code[2]}`, { private: true })).toEqual([bot.app.translate('members.join.tooMany')]);
    const audit = await db.db.auditLog.findMany({ where: { action: { in: ['roster.import', 'member.join'] } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.detail])).toEqual([
      ['roster.import', '30 added, 0 updated, 3 refused, 30 codes'],
      ['member.join', `member ${code[1]} linked console account`],
    ]);
  });

  it('moves through the policy, removes (their vote is refused; last year’s report unchanged), and a probationary member takes part', async () => {
    clock.set(new Date('2025-06-02T02:00:00Z'));
    await bot.say('李四', '大家好', { chat: EAST });
    await bot.say('李四', '/pledge 走访困难户 目标2 截止2025-12-31', { chat: EAST });
    expect((await bot.say('李四', '/checkin +1 走访了张大爷', { chat: EAST })).join('\n')).toContain('1/2');
    clock.set(new Date('2026-03-02T02:00:00Z'));
    const report2025 = await bot.say('王书记', '/report 2025', { chat: EAST });
    const li = await idOf('李四');
    expect(await bot.say('王书记', `/move M${li} ${WEST}`, { chat: EAST })).toEqual([`你不能把李四调到“${WEST}”：两个单位都要归你管（管理员不调动）。`]);
    expect(await bot.say('王书记', `/move M${await idOf('管理员')} ${EAST}`, { chat: EAST })).toEqual([`你不能把管理员调到“${EAST}”：两个单位都要归你管（管理员不调动）。`]);
    await bot.say('张三', '大家好', { chat: EAST });
    expect(await bot.say('管理员', `/move M${await idOf('张三')} ${WEST}`, { chat: EAST })).toEqual([`已把张三（M${await idOf('张三')}，${WEST}）调过去。`]);
    expect(await bot.say('王书记', `/remove M${li} 迁出`, { chat: EAST })).toEqual([`已把李四（M${li}，${EAST}）移出名册。以前的记录都保留。`]);
    const poll = (await bot.say('王书记', '/poll 周六搞卫生吗 | 去 | 不去', { chat: EAST })).join('\n');
    const pollId = /#(\d+)/.exec(poll)![1];
    expect(await bot.say('李四', `/vote #${pollId} 1`, { chat: EAST })).toEqual([bot.app.translate('core.outsider.notOnRoster')]);
    expect(await bot.say('李四', '/whoami', { private: true })).toEqual([bot.app.translate('core.outsider.joinHint')]);
    expect(await bot.say('王书记', '/report 2025', { chat: EAST })).toEqual(report2025);
    expect(await bot.say('王书记', `/setrole M${li} 党员`, { chat: EAST })).toEqual([`没有找到“M${li}”。请用 M编号（/members 里能看到）、@他，或回复他的消息。`]);
    // A 预备党员 votes in an ordinary poll, pledges and RSVPs; counted in the poll's audience.
    await bot.say('赵六', '大家好', { chat: EAST });
    await bot.say('王书记', '/setrole 赵六 预备党员', { chat: EAST });
    expect((await bot.say('赵六', `/vote #${pollId} 1`, { chat: EAST })).join('\n')).not.toContain('需要');
    expect((await bot.say('赵六', '/pledge 学习党章 目标3', { chat: EAST })).join('\n')).toContain('#');
    expect((await bot.say('王书记', `/turnout #${pollId}`, { chat: EAST })).join('\n')).toContain('已投 1 人');
    const members = (await bot.say('王书记', '/members', { chat: EAST })).join('\n');
    expect(members).toContain('赵六（预备党员）');
    expect(members).not.toContain('李四');
    expect(members).not.toContain('管理员');
    const audit = await db.db.auditLog.findMany({ where: { action: { in: ['member.move', 'member.remove'] } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.detail])).toEqual([
      ['member.move', `member ${await idOf('张三')} unit ${(await db.db.orgUnit.findUniqueOrThrow({ where: { name: EAST } })).id} -> ${(await db.db.orgUnit.findUniqueOrThrow({ where: { name: WEST } })).id}`],
      ['member.remove', `member ${li} unit ${(await db.db.orgUnit.findUniqueOrThrow({ where: { name: EAST } })).id}: 迁出`],
    ]);
  });

  it('an unbound group answers only an admin’s /bindchat and the bind hint of /help; nobody is registered there', async () => {
    expect(await bot.say('路人', '/pledge 随便', { chat: '闲聊群' })).toEqual([]);
    expect(await bot.say('路人', '大家好', { chat: '闲聊群' })).toEqual([]);
    expect(await bot.say('路人', '/help', { chat: '闲聊群' })).toEqual([bot.app.translate('core.outsider.unboundHelp')]);
    expect(await db.db.member.count({ where: { name: '路人' } })).toBe(0);
    expect(await bot.say('王书记', '/bindchat 闲聊支部', { chat: '闲聊群' })).toEqual([]);
    expect((await bot.say('管理员', '/help', { chat: '闲聊群' })).join('\n')).toContain('/bindchat 单位名称');
  });
});
