import { describe, expect, it } from 'vitest';
import type { Actor, UnitNode } from '../../../src/bot/policy.ts';
import { UserError } from '../../../src/bot/feature.ts';
import { isOpen, mayCheckIn, mayManagePledge, nextReminderStage, resolveDue, withCheckin } from '../../../src/features/pledges/rules.ts';

const units: UnitNode[] = [
  { id: 1, parentId: null },
  { id: 2, parentId: 1 },
  { id: 3, parentId: 1 },
];
const member = (id: number, unitId: number): Actor => ({ id, role: 'member', unitId });
const secretary = (id: number, unitId: number): Actor => ({ id, role: 'secretary', unitId });

/** The prompt key a refused due date gives. */
function refusal(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof UserError ? e.key : 'not a UserError';
  }
}

describe('pledges rules', () => {
  it('adds a check-in to the progress, the count and the last time, keeping the rest', () => {
    const at = new Date('2026-03-01T02:00:00Z');
    const p = { id: 7, progress: 3, checkins: 2, lastCheckinAt: null, text: '修路' };
    expect(withCheckin(p, 4, at)).toEqual({ id: 7, progress: 7, checkins: 3, lastCheckinAt: at, text: '修路' });
    expect(p.progress).toBe(3);
  });

  it('resolves a month and day to the next such day, and refuses past, impossible and far dates', () => {
    expect(resolveDue({ kind: 'monthDay', month: 12, day: 31 }, '2026-03-01', 2026)).toBe('2026-12-31');
    expect(resolveDue({ kind: 'monthDay', month: 2, day: 1 }, '2026-03-01', 2026)).toBe('2027-02-01');
    expect(resolveDue({ kind: 'monthDay', month: 3, day: 1 }, '2026-03-01', 2026)).toBe('2026-03-01');
    expect(refusal(() => resolveDue({ kind: 'monthDay', month: 2, day: 29 }, '2026-03-01', 2026))).toBe('pledges.error.dateImpossible');
    expect(refusal(() => resolveDue({ kind: 'date', date: '2026-02-28' }, '2026-03-01', 2026))).toBe('pledges.error.duePast');
    expect(refusal(() => resolveDue({ kind: 'date', date: '2028-01-01' }, '2026-03-01', 2026))).toBe('pledges.error.dueTooFar');
    expect(resolveDue({ kind: 'date', date: '2027-12-31' }, '2026-03-01', 2026)).toBe('2027-12-31');
  });

  it('takes check-ins only while open and in its year', () => {
    expect(isOpen({ status: 'open', year: 2026 }, '2026-12-31')).toBe(true);
    expect(isOpen({ status: 'open', year: 2025 }, '2026-01-01')).toBe(false);
    expect(isOpen({ status: 'done', year: 2026 }, '2026-06-01')).toBe(false);
  });

  it("lets only the owner check in on a member's pledge, and whoever manages the unit on a branch's", () => {
    const mine = { scope: 'member' as const, ownerId: 10, unitId: 2 };
    expect(mayCheckIn(mine, member(10, 2), units)).toBe(true);
    expect(mayCheckIn(mine, secretary(11, 2), units)).toBe(false);
    const branch = { scope: 'branch' as const, ownerId: 11, unitId: 2 };
    expect(mayCheckIn(branch, member(10, 2), units)).toBe(false);
    expect(mayCheckIn(branch, secretary(12, 2), units)).toBe(true);
    expect(mayCheckIn(branch, secretary(13, 1), units)).toBe(true);
    expect(mayCheckIn(branch, secretary(14, 3), units)).toBe(false);
  });

  it("lets the owner or the unit's managers manage a member's pledge, never a sibling's secretary", () => {
    const mine = { scope: 'member' as const, ownerId: 10, unitId: 2 };
    expect(mayManagePledge(mine, member(10, 2), units)).toBe(true);
    expect(mayManagePledge(mine, member(15, 2), units)).toBe(false);
    expect(mayManagePledge(mine, secretary(11, 2), units)).toBe(true);
    expect(mayManagePledge(mine, secretary(13, 1), units)).toBe(true);
    expect(mayManagePledge(mine, secretary(14, 3), units)).toBe(false);
    const township = { scope: 'township' as const, ownerId: 13, unitId: 1 };
    expect(mayManagePledge(township, member(13, 1), units)).toBe(false);
  });

  it('escalates reminders nudge → group (or secretary) → secretary, each after escalateDays, each once', () => {
    const none = { nudge: null, group: null, secretary: null };
    expect(nextReminderStage(none, '2026-03-10', 2, true)).toBe('nudge');
    const nudged = { ...none, nudge: '2026-03-10' };
    expect(nextReminderStage(nudged, '2026-03-11', 2, true)).toBeUndefined();
    expect(nextReminderStage(nudged, '2026-03-12', 2, true)).toBe('group');
    expect(nextReminderStage(nudged, '2026-03-12', 2, false)).toBe('secretary');
    const grouped = { ...nudged, group: '2026-03-12' };
    expect(nextReminderStage(grouped, '2026-03-13', 2, true)).toBeUndefined();
    expect(nextReminderStage(grouped, '2026-03-14', 2, true)).toBe('secretary');
    expect(nextReminderStage({ ...grouped, secretary: '2026-03-14' }, '2026-04-30', 2, true)).toBeUndefined();
    expect(nextReminderStage({ ...nudged, secretary: '2026-03-12' }, '2026-04-30', 2, true)).toBeUndefined();
  });
});
