// N+1 member look-ups (#13 item 5): a per-member attendance ranking names its members in one
// query, so it costs the same number of SQL statements for 5 members as for 50.
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { startTrace, stopTrace } from '../../bench/sqltrace.ts';
import { attendanceRate } from '../../src/features/meetings/store.ts';
import { freshSqlite } from '../support/db.ts';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

const FROM = new Date('2026-01-01T00:00:00Z');
const TO = new Date('2027-01-01T00:00:00Z');

/** A unit with `n` members, each marked at one meeting; returns the unit's id. */
async function unitWithAttendance(db: Database['db'], n: number): Promise<number> {
  const unit = await db.orgUnit.create({ data: { name: `支部${n}` } });
  const meeting = await db.meeting.create({ data: { unitId: unit.id, title: '党员大会', cron: '0 9 1 * *', place: '会议室', remindMinutes: 0, createdById: 0, createdAt: FROM } });
  for (let i = 0; i < n; i++) {
    const m = await db.member.create({ data: { name: `党员${n}-${String(i).padStart(2, '0')}`, unitId: unit.id } });
    const status = i % 3 === 0 ? 'absent' : 'present';
    await db.meetingAttendance.create({ data: { meetingId: meeting.id, unitId: unit.id, startsAt: new Date('2026-03-01T01:00:00Z'), memberId: m.id, status, recordedById: m.id, recordedAt: FROM } });
  }
  return unit.id;
}

it('the attendance ranking of 50 members costs as many statements as that of 5', async () => {
  database = await freshSqlite();
  const small = await unitWithAttendance(database.db, 5);
  const large = await unitWithAttendance(database.db, 50);

  const measure = async (unitId: number) => {
    startTrace();
    const summary = await attendanceRate(database!.db, unitId, FROM, TO);
    return { summary, statements: stopTrace().length };
  };
  const five = await measure(small);
  const fifty = await measure(large);

  expect(fifty.summary.members).toHaveLength(50);
  expect(fifty.summary.members.every((m) => m.name.startsWith('党员50-'))).toBe(true);
  expect(fifty.statements).toBe(five.statements);
  expect(fifty.statements).toBeLessThanOrEqual(4);
});
