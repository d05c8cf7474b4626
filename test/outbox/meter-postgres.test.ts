// The metered-call counter (src/outbox/meter.ts, table MeteredUsage) on PostgreSQL, where several
// bot instances share one count: two instances, each with its own connection pool, record calls
// concurrently from the very first call of a month (both race to create the month's row). The
// count is exact, and the admins' 80% and 100% warnings are enqueued once each across both.
// Runs on SQLite always and on PostgreSQL with TEST_DATABASE_URL (CI; locally:
// `.ci/postgres.sh run npx vitest run test/outbox/meter-postgres.test.ts`).
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Adapter, Capabilities } from '../../src/bot/adapter.ts';
import { TEXT_ONLY_CAPABILITIES } from '../../src/bot/adapter.ts';
import { ManualClock } from '../../src/clock.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { createLogger } from '../../src/logger.ts';
import { CallMeter, SPENT_FRESH_MS } from '../../src/outbox/meter.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';

const BUDGET = 100;
const capabilities: Capabilities = { ...TEXT_ONLY_CAPABILITIES, privateMessages: true, metered: true, monthlyCallBudget: BUDGET };
const adapter = { platform: 'dingtalk', capabilities } as unknown as Adapter;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

function meterOn(db: Database, clock: ManualClock): CallMeter {
  return new CallMeter({
    db: db.db,
    clock,
    logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
    translate: (key, vars) => `${key} ${JSON.stringify(vars ?? {})}`,
    timeZone: 'Asia/Shanghai',
    capabilitiesOf: () => capabilities,
    admins: [{ platform: 'dingtalk', userId: 'staff01' }],
    onEnqueued: () => {},
  });
}

/** Records `n` calls on `meter`, `inFlight` at a time (as a dispatcher's parallel sends do), mixing batches of 1 and 3 calls. */
async function spend(meter: CallMeter, n: number, inFlight: number): Promise<void> {
  const sizes: number[] = [];
  for (let left = n; left > 0; left -= sizes.at(-1)!) sizes.push(left >= 3 && sizes.length % 4 === 0 ? 3 : 1);
  for (let i = 0; i < sizes.length; i += inFlight) await Promise.all(sizes.slice(i, i + inFlight).map((calls) => meter.record(adapter, calls)));
}

async function twoInstances(fresh: () => Promise<Database>): Promise<void> {
  const db = await fresh();
  const second = await openDatabase(db.url);
  cleanups.push(async () => {
    await second.close();
    await db.close();
  });
  const clock = new ManualClock('2026-12-15T02:00:00Z');
  const a = meterOn(db, clock);
  const b = meterOn(second, clock);
  // Both cross 80% together (90 calls), then both cross 100% together (120): each level is raced for.
  await Promise.all([spend(a, 45, 10), spend(b, 45, 10)]);
  await Promise.all([spend(a, 15, 10), spend(b, 15, 10)]);

  const rows = await db.db.meteredUsage.findMany();
  expect(rows.map((r) => [r.platform, r.month, r.calls, r.warned])).toEqual([['dingtalk', '2026-12', 120, 100]]);
  // Each instance soon sees the other's calls, not only its own (an instance finishing first saw fewer).
  clock.advance(SPENT_FRESH_MS);
  expect([await a.spent('dingtalk'), await b.spent('dingtalk')]).toEqual([120, 120]);
  expect(await a.admit(adapter, { platform: 'dingtalk', chatId: 'cidVillage', kind: 'group' }, 'notice:1', { kind: 'text', text: '通知' })).toBe('cut');
  const warnings = await db.db.outboxMessage.findMany({ where: { idempotencyKey: { startsWith: 'meter:warn:' } }, orderBy: { id: 'asc' } });
  expect(warnings.map((w) => [w.chatId, w.idempotencyKey])).toEqual([
    ['staff01', 'meter:warn:dingtalk:2026-12:80:staff01'],
    ['staff01', 'meter:warn:dingtalk:2026-12:100:staff01'],
  ]);
  expect(JSON.parse(warnings[0]!.payload).text).toContain('core.meter.nearly');
  expect(JSON.parse(warnings[1]!.payload).text).toContain('core.meter.used');

  // A new month starts a new count; the warnings of the old one are not repeated.
  clock.set('2026-12-31T16:30:00Z'); // 00:30 on 1 January in Asia/Shanghai
  await Promise.all([spend(a, 5, 5), spend(b, 5, 5)]);
  expect((await db.db.meteredUsage.findMany({ orderBy: { month: 'asc' } })).map((r) => [r.month, r.calls])).toEqual([
    ['2026-12', 120],
    ['2027-01', 10],
  ]);
  expect(await db.db.outboxMessage.count({ where: { idempotencyKey: { startsWith: 'meter:warn:' } } })).toBe(2);
}

describe('the call meter shared by two instances (SQLite)', () => {
  it('counts exactly and warns once at 80% and once at 100%', () => twoInstances(freshSqlite), 60_000);
});

describePg('the call meter shared by two instances (PostgreSQL)', () => {
  it('counts exactly under concurrent increments and warns once at 80% and once at 100%', () => twoInstances(freshPostgres), 60_000);
});
