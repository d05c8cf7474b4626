// The check-in's raw statements (#18: fewer statements on the hot path), on SQLite and PostgreSQL:
// a pledge and its progress in one typed raw query, the check-in in one raw INSERT. The rules
// still hold: two check-ins the same day both count, an undone one counts for nothing, progress,
// count and the latest check-in are those of the check-ins not undone, every filter of
// `listPledges` selects as before (an empty list selects nothing). On SQLite a check-in costs 2
// statements of the feature (it was 3: the pledge, its progress, the check-in).
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { addCheckin, getPledge, listPledges } from '../../../src/features/pledges/store.ts';
import { startTrace, stopTrace } from '../../../bench/sqltrace.ts';
import { describePg, freshPostgres, freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';

const BRANCH = '东北流村党支部';

let db: Database | undefined;
let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  await db?.close();
  bot = db = undefined;
});

async function start(fresh: () => Promise<Database>): Promise<{ b: TestBot; clock: ManualClock; database: Database }> {
  db = await fresh();
  // Monday 2 March 2026, 10:00 in Asia/Shanghai.
  const clock = new ManualClock('2026-03-02T02:00:00Z');
  bot = await startTestBot(db, { clock });
  await bot.say('管理员', `/bindchat ${BRANCH}`);
  for (const name of ['张三', '李四']) await bot.say(name, '大家好');
  return { b: bot, clock, database: db };
}

async function checkinRules(fresh: () => Promise<Database>): Promise<void> {
  const { b, clock, database } = await start(fresh);
  await b.say('张三', '/pledge 帮扶困难户 目标5户 截止2026-12-31');
  await b.say('李四', '/pledge 带头参加义务劳动 目标6次');
  const tx = database.db;
  const fresh1 = (await getPledge(tx, 1))!;
  expect(fresh1).toMatchObject({ id: 1, scope: 'member', ownerId: expect.any(Number), target: 5, unitWord: '户', dueDate: '2026-12-31', year: 2026, status: 'open', progress: 0, checkins: 0, lastCheckinAt: null });
  expect(fresh1.createdAt).toEqual(clock.now());

  // Twice the same day: both count.
  expect(await b.say('张三', '/checkin +1 走访李大爷')).toEqual(['打卡成功：#1 +1（走访李大爷）\n#1 张三：帮扶困难户\n  ▓░░░░ 1/5户 · 截止12-31']);
  clock.advance(60_000);
  expect(await b.say('张三', '/checkin +1 走访李大爷')).toEqual(['打卡成功：#1 +1（走访李大爷）\n#1 张三：帮扶困难户\n  ▓▓░░░ 2/5户 · 截止12-31']);
  const second = clock.now();
  clock.advance(60_000);
  expect(await b.say('张三', '/checkin #1 +2 送米面油')).toEqual(['打卡成功：#1 +2（送米面油）\n#1 张三：帮扶困难户\n  ▓▓▓▓░ 4/5户 · 截止12-31']);
  expect(await getPledge(tx, 1)).toMatchObject({ progress: 4, checkins: 3, lastCheckinAt: clock.now() });
  const rows = await tx.pledgeCheckin.findMany({ where: { pledgeId: 1 }, orderBy: { id: 'asc' } });
  expect(rows.map((r) => [r.amount, r.note, r.localDay, r.evidence])).toEqual([
    [1, '走访李大爷', '2026-03-02', null],
    [1, '走访李大爷', '2026-03-02', null],
    [2, '送米面油', '2026-03-02', null],
  ]);

  // Undone: counts for nothing, and the latest check-in is the one before it.
  expect((await b.say('张三', '/checkin 撤销'))[0]).toMatch(/^已撤销今天的打卡 \+2（送米面油）/);
  expect(await getPledge(tx, 1)).toMatchObject({ progress: 2, checkins: 2, lastCheckinAt: second });

  // Evidence kept as before, through the raw insert.
  const id = await addCheckin(tx, { pledgeId: 2, memberId: fresh1.ownerId + 1, amount: 3, note: '', evidence: [{ kind: 'photo', ref: 'p1', name: '照片' }], localDay: '2026-03-02' }, clock.now());
  expect(await tx.pledgeCheckin.findUniqueOrThrow({ where: { id } })).toMatchObject({ pledgeId: 2, amount: 3, evidence: '[{"kind":"photo","ref":"p1","name":"照片"}]', createdAt: clock.now() });

  // Every filter, alone and together; an empty list matches nothing.
  const ids = async (f: Parameters<typeof listPledges>[1]) => (await listPledges(tx, f)).map((p) => p.id);
  expect(await ids({})).toEqual([1, 2]);
  expect(await ids({ ids: [2] })).toEqual([2]);
  expect(await ids({ ids: [] })).toEqual([]);
  expect(await ids({ ownerId: fresh1.ownerId, statuses: ['open'], scopes: ['member'] })).toEqual([1]);
  expect(await ids({ statuses: ['done', 'withdrawn'] })).toEqual([]);
  expect(await ids({ unitIds: [fresh1.unitId], year: 2026 })).toEqual([1, 2]);
  expect(await ids({ year: 2025 })).toEqual([]);
  expect((await listPledges(tx, { ids: [2] }))[0]).toMatchObject({ progress: 3, checkins: 1 });
}

describe('the check-in on SQLite', () => {
  it('keeps every rule of a check-in with its raw statements', { timeout: 60_000 }, () => checkinRules(freshSqlite));

  it('a check-in costs two statements of the feature', { timeout: 60_000 }, async () => {
    const { b } = await start(freshSqlite);
    await b.say('张三', '/pledge 帮扶困难户 目标5户');
    await b.say('张三', '/checkin +1');
    await b.app.outbox.stop();
    startTrace();
    expect(await b.app.handle(b.adapter.message('张三', '/checkin +1 走访李大爷', { chat: BRANCH, sentAt: b.clock.now() }))).toBe('done');
    const tables = stopTrace()
      .map((s) => /(?:FROM|INTO|UPDATE)\s+(?:`main`\.)?[`"]?(Pledge\w*)/i.exec(s.sql)?.[1])
      .filter((t) => t !== undefined);
    expect(tables).toEqual(['Pledge', 'PledgeCheckin']);
  });
});

describePg('the check-in on PostgreSQL', () => {
  it('keeps every rule of a check-in with its raw statements', { timeout: 90_000 }, () => checkinRules(freshPostgres));
});
