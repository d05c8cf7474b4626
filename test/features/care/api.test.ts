// The care api other slices call, on a real SQLite file: in force from its creation through its
// last day (org time zone), ended early; `remindable` holds a notice for a 流动党员's contact only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tx } from '../../../src/bot/feature.ts';
import { exemptDuring, exemptIds, holdDailyReminders, isExempt, remindable, remindableAmong } from '../../../src/features/care/api.ts';
import { createExemption, endExemptions } from '../../../src/features/care/store.ts';
import { freshSqlite } from '../../support/db.ts';

const TZ = 'Asia/Shanghai';
let db: Awaited<ReturnType<typeof freshSqlite>>;
let tx: Tx;
let unitId: number;
let ids: number[];

beforeEach(async () => {
  db = await freshSqlite();
  tx = db.db as unknown as Tx;
  unitId = (await tx.orgUnit.create({ data: { name: '东北流村党支部' } })).id;
  ids = [];
  for (const name of ['老党员', '外出党员', '联系人', '普通党员']) ids.push((await tx.member.create({ data: { name, unitId } })).id);
});
afterEach(async () => db.close());

describe('care api', () => {
  it('answers in force by the org day, holds notices for a contact only, and ends', async () => {
    const [old, away, contact, plain] = ids as [number, number, number, number];
    const made = new Date('2026-03-01T02:00:00Z');
    await createExemption(tx, { memberId: old, unitId, reason: '年老体弱', away: false, contactId: null, untilDay: '2026-03-10', createdById: plain, createdAt: made });
    await createExemption(tx, { memberId: away, unitId, reason: '外出务工', away: true, contactId: contact, untilDay: null, createdById: plain, createdAt: made });
    // 23:30 on 10 March in Shanghai is 15:30 UTC: still the last day; 00:30 on the 11th is not.
    expect(await isExempt(tx, old, new Date('2026-03-10T15:30:00Z'), TZ)).toBe(true);
    expect(await isExempt(tx, old, new Date('2026-03-10T16:30:00Z'), TZ)).toBe(false);
    expect(await isExempt(tx, away, new Date('2026-02-28T00:00:00Z'), TZ)).toBe(false); // before it was made
    const now = new Date('2026-03-05T02:00:00Z');
    expect([...(await exemptIds(tx, unitId, now, TZ))].sort()).toEqual([old, away].sort());
    expect(await remindable(tx, plain, now, TZ, '通知甲')).toBe(true);
    expect(await remindable(tx, old, now, TZ, '通知乙')).toBe(false);
    expect(await remindable(tx, away, now, TZ, '通知丙')).toBe(false);
    expect(await remindableAmong(tx, [old, away, plain], now, TZ, (id) => `通知丁 ${id}`)).toEqual([plain]);
    const held = await tx.careHeldNotice.findMany({ orderBy: { id: 'asc' } });
    expect(held.map((h) => [h.memberId, h.contactId, h.text])).toEqual([
      [away, contact, '通知丙'],
      [away, contact, `通知丁 ${away}`],
    ]);
    expect([...(await exemptDuring(tx, ids, new Date('2026-01-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z'), TZ))]).toEqual([]);
    expect([...(await exemptDuring(tx, ids, new Date('2026-03-01T00:00:00Z'), new Date('2026-04-01T00:00:00Z'), TZ))].sort()).toEqual([old, away].sort());
    expect(await endExemptions(tx, away, new Date('2026-03-06T00:00:00Z'))).toBe(1);
    expect(await isExempt(tx, away, new Date('2026-03-07T00:00:00Z'), TZ)).toBe(false);
  });

  it('holds a daily reminder for an away member\'s contact at most once a local day, for nobody else', async () => {
    const [old, away, contact, plain] = ids as [number, number, number, number];
    const made = new Date('2026-03-01T02:00:00Z');
    await createExemption(tx, { memberId: old, unitId, reason: '年老体弱', away: false, contactId: null, untilDay: null, createdById: plain, createdAt: made });
    await createExemption(tx, { memberId: away, unitId, reason: '外出务工', away: true, contactId: contact, untilDay: null, createdById: plain, createdAt: made });
    const text = (id: number) => `每日提醒 ${id}`;
    // 09:00 and 23:30 of 5 March in Shanghai are the same local day; 00:30 of the 6th is the next.
    expect(await holdDailyReminders(tx, [old, away, plain], new Date('2026-03-05T01:00:00Z'), TZ, text)).toEqual([away]);
    expect(await holdDailyReminders(tx, [old, away, plain], new Date('2026-03-05T15:30:00Z'), TZ, text)).toEqual([]);
    expect(await holdDailyReminders(tx, [away], new Date('2026-03-05T16:30:00Z'), TZ, text)).toEqual([away]);
    const held = await tx.careHeldNotice.findMany({ orderBy: { id: 'asc' } });
    expect(held.map((h) => [h.memberId, h.contactId, h.text])).toEqual([
      [away, contact, `每日提醒 ${away}`],
      [away, contact, `每日提醒 ${away}`],
    ]);
  });
});
