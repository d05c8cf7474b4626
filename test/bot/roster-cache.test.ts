// The roster cache (src/bot/roster-cache.ts) across two instances: two whole bots on ONE database
// (SQLite file; PostgreSQL when TEST_DATABASE_URL is set), each with its own connection and its own
// cache, both warmed by a member's messages. A role change made through one bot, a move to another
// unit and a removal (each done the way the roster's data functions do it: the change and
// `bumpRosterVersion` in one transaction) show on the very next message on both bots.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { bumpRosterVersion, readRosterVersion, RosterCache } from '../../src/bot/roster-cache.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';
import { startTestBot, type TestBot } from '../support/app.ts';

let bots: TestBot[] = [];
let databases: Database[] = [];
afterEach(async () => {
  for (const b of bots) await b.stop();
  for (const d of databases.reverse()) await d.close();
  bots = [];
  databases = [];
});

const VILLAGE_1 = '一村党支部';
const VILLAGE_2 = '二村党支部';

/** Two bots on the database `first` (the second over its own connection), a shared clock. */
async function twoBots(first: Database): Promise<[TestBot, TestBot]> {
  databases.push(first);
  const second = await openDatabase(first.url);
  databases.push(second);
  const clock = new ManualClock(new Date('2026-03-02T02:00:00Z'));
  const env = { BOT_ADMINS: 'console:管理员', BOT_LOCALE: 'zh-CN' };
  const a = await startTestBot(first, { clock, env });
  bots.push(a);
  const b = await startTestBot(second, { clock, env });
  bots.push(b);
  return [a, b];
}

/** The replies to `text` from `user` in `chat`, handled by `bot` (either bot's outbox may send them: one database). */
async function ask(bot: TestBot, user: string, text: string, chat: string): Promise<string> {
  const before = bots.map((x) => x.adapter.sent.length);
  await bot.adapter.deliver(bot.adapter.message(user, text, { chat, sentAt: bot.clock.now() }));
  for (const x of bots) await x.app.idle(x.adapter.platform);
  await bot.app.idle(bot.adapter.platform);
  return bots.flatMap((x, i) => x.adapter.sent.slice(before[i]).map((d) => (d.message.kind === 'text' ? d.message.text : ''))).join('\n');
}

/** What /whoami says to `user` in `chat` on `bot`. */
const whoami = (bot: TestBot, user: string, chat: string) => ask(bot, user, '/whoami', chat);

async function scenario(first: Database): Promise<void> {
  const [a, b] = await twoBots(first);
  await ask(a, '管理员', `/bindchat ${VILLAGE_1}`, VILLAGE_1);
  await ask(a, '管理员', `/bindchat ${VILLAGE_2}`, VILLAGE_2);
  // Both caches hold 党员1 as a member of 一村 (first message registers, the next ones are cached).
  for (const bot of [a, b]) for (let i = 0; i < 2; i++) expect(await whoami(bot, '党员1', VILLAGE_1)).toMatch(new RegExp(`身份：党员[\\s\\S]*${VILLAGE_1}`));
  const db = first.db;

  // A role change through the real command on bot a.
  expect(await ask(a, '管理员', '/setrole @党员1 书记', VILLAGE_1)).toContain('书记');
  for (const bot of [b, a]) expect(await whoami(bot, '党员1', VILLAGE_1)).toContain('身份：书记');

  // A move to another unit (as /move does: the change and the bump in one transaction).
  const member = (await db.platformIdentity.findFirstOrThrow({ where: { externalId: '党员1' }, select: { memberId: true } })).memberId;
  const unit2 = (await db.orgUnit.findUniqueOrThrow({ where: { name: VILLAGE_2 } })).id;
  await db.$transaction(async (tx) => {
    await tx.member.update({ where: { id: member }, data: { unitId: unit2 } });
    await bumpRosterVersion(tx);
  });
  for (const bot of [b, a]) expect(await whoami(bot, '党员1', VILLAGE_1)).toContain(VILLAGE_2);

  // A removal: the identity is taken off the member (as /remove does), so the next message is a stranger's.
  await db.$transaction(async (tx) => {
    await tx.platformIdentity.deleteMany({ where: { externalId: '党员1' } });
    await bumpRosterVersion(tx);
  });
  const after = await whoami(b, '党员1', VILLAGE_1);
  expect(after).toContain('身份：党员');
  expect(after).toContain(VILLAGE_1);
  const now = await db.platformIdentity.findFirstOrThrow({ where: { externalId: '党员1' }, select: { memberId: true } });
  expect(now.memberId).not.toBe(member); // registered afresh, not served from a stale cache
  expect(await whoami(a, '党员1', VILLAGE_1)).toContain(VILLAGE_1);
}

describe('roster cache on SQLite', () => {
  it('a role change, a move and a removal take effect on the next message on both instances', async () => {
    await scenario(await freshSqlite());
  });

  it('serves a cached speaker without reading again until the version moves; a rolled-back bump changes nothing', async () => {
    const database = await freshSqlite();
    databases.push(database);
    const db = database.db;
    const cache = new RosterCache(2);
    await db.$transaction((tx) => cache.sync(tx));
    cache.rememberChat('console', 'x', { id: 1, title: 'x', unitId: null, masses: false });
    cache.rememberChat('console', 'y', { id: 2, title: 'y', unitId: null, masses: false });
    cache.rememberChat('console', 'z', { id: 3, title: 'z', unitId: null, masses: false });
    expect(cache.chat('console', 'x')).toBeUndefined(); // bounded: the oldest went
    expect(cache.size).toBe(2);
    await db.$transaction(async (tx) => {
      await bumpRosterVersion(tx);
      throw new Error('rolled back');
    }).catch(() => undefined);
    expect(await readRosterVersion(db)).toBe(0);
    await db.$transaction((tx) => cache.sync(tx));
    expect(cache.size).toBe(2);
    await db.$transaction((tx) => bumpRosterVersion(tx));
    await db.$transaction((tx) => bumpRosterVersion(tx));
    expect(await readRosterVersion(db)).toBe(2);
    await db.$transaction((tx) => cache.sync(tx));
    expect(cache.size).toBe(0);
  });
});

describePg('roster cache on PostgreSQL', () => {
  it('a role change, a move and a removal take effect on the next message on both instances', async () => {
    await scenario(await freshPostgres());
  });
});
