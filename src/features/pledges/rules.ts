/**
 * The rules of pledges, as pure functions over plain values: what a pledge's outcome is, when it
 * is overdue, when it is on track, who may act on it, and what a typed due date means. The
 * commands, reminders and the year-end report all read these, so a pledge is judged the same way
 * everywhere.
 */
import { z } from 'zod';
import { isOwner, managesUnit, mayManage, type Actor, type UnitNode } from '../../bot/policy.ts';
import { UserError } from '../../bot/feature.ts';
import { daysBetween, elapsedShare, isRealDate, localDate, type IsoDate } from './dates.ts';
import { PLEDGE_SCOPES, type DueInput, type PledgeScope } from './parse.ts';

/** Stored pledge statuses. */
export const PLEDGE_STATUSES = ['open', 'done', 'withdrawn'] as const;

/** A pledge's stored status: open, declared done (closed to check-ins), or withdrawn. */
export type PledgeStatus = (typeof PLEDGE_STATUSES)[number];

/** Checks a stored status string. */
export const pledgeStatus = z.enum(PLEDGE_STATUSES);

/** Checks a stored scope string. */
export const pledgeScope = z.enum(PLEDGE_SCOPES as [PledgeScope, ...PledgeScope[]]);

/** Year-end outcome of a pledge: 已完成, 部分完成, 未完成. */
export type Outcome = 'done' | 'partly' | 'not';

/** A pledge with its progress, as the store returns it. */
export interface PledgeView {
  readonly id: number;
  readonly scope: PledgeScope;
  readonly unitId: number;
  readonly ownerId: number;
  readonly text: string;
  readonly target: number | null;
  readonly unitWord: string;
  readonly dueDate: IsoDate | null;
  readonly year: number;
  readonly status: PledgeStatus;
  readonly closeNote: string;
  readonly createdAt: Date;
  /** Sum of the check-ins that were not undone. */
  readonly progress: number;
  /** Number of check-ins that were not undone. */
  readonly checkins: number;
  readonly lastCheckinAt: Date | null;
}

/**
 * The outcome: with a target, done when progress reaches it, partly when there is some progress,
 * not done otherwise; without a target, done when declared done, partly when it has check-ins.
 */
export function outcomeOf(p: Pick<PledgeView, 'target' | 'progress' | 'status' | 'checkins'>): Outcome {
  if (p.target !== null) return p.progress >= p.target ? 'done' : p.progress > 0 ? 'partly' : 'not';
  if (p.status === 'done') return 'done';
  return p.checkins > 0 ? 'partly' : 'not';
}

/**
 * The pledge as it stands once a check-in of `amount` made at `at` is added: what the store would
 * read back (its progress is the sum of the check-ins not undone), computed instead of read again.
 * The event's transaction holds the rows read, so nothing else can have moved them in between.
 */
export function withCheckin<P extends Pick<PledgeView, 'progress' | 'checkins' | 'lastCheckinAt'>>(p: P, amount: number, at: Date): P {
  return { ...p, progress: p.progress + amount, checkins: p.checkins + 1, lastCheckinAt: at };
}

/**
 * Resolves a typed due date against today: a month and day means the next such day. Refuses (a
 * `UserError`) an impossible date, a date in the past, or one after next year.
 */
export function resolveDue(due: DueInput, today: IsoDate, year: number): IsoDate {
  let date: IsoDate;
  if (due.kind === 'date') date = due.date;
  else {
    let y = year;
    const md = `${String(due.month).padStart(2, '0')}-${String(due.day).padStart(2, '0')}`;
    if (`${y}-${md}` < today) y++;
    if (!isRealDate(y, due.month, due.day)) throw new UserError('pledges.error.dateImpossible', { date: `${y}-${md}` });
    date = `${y}-${md}`;
  }
  if (date < today) throw new UserError('pledges.error.duePast', { date });
  if (Number(date.slice(0, 4)) > year + 1) throw new UserError('pledges.error.dueTooFar', { year: year + 1 });
  return date;
}

/** True when the pledge still takes check-ins on `today` (open, and its year is not over). */
export function isOpen(p: Pick<PledgeView, 'status' | 'year'>, today: IsoDate): boolean {
  return p.status === 'open' && p.year >= Number(today.slice(0, 4));
}

/** Overdue: open, past its due date, and not done. */
export function isOverdue(p: PledgeView, today: IsoDate): boolean {
  return p.status === 'open' && p.dueDate !== null && p.dueDate < today && outcomeOf(p) !== 'done';
}

/**
 * On track (for the branch roll-up): done; or not overdue and, with a target, progress at least
 * the elapsed share of the pledge's period (from the day it was made to its due date or the end of
 * its year) times the target, rounded down; without a target, a check-in (or the pledge itself)
 * within the last `staleDays` days.
 */
export function isOnTrack(p: PledgeView, today: IsoDate, timeZone: string, staleDays: number): boolean {
  if (outcomeOf(p) === 'done') return true;
  if (isOverdue(p, today)) return false;
  const start = localDate(p.createdAt, timeZone);
  if (p.target !== null) {
    const end = p.dueDate ?? `${p.year}-12-31`;
    return p.progress >= Math.floor(p.target * elapsedShare(start, end, today));
  }
  const last = localDate(p.lastCheckinAt ?? p.createdAt, timeZone);
  return daysBetween(last, today) < staleDays;
}

/**
 * May `actor` check in on pledge `p`? A member's pledge: only its owner (check-ins are what the
 * owner did). A branch or township pledge: whoever manages its unit (the policy's parent-unit rule).
 */
export function mayCheckIn(p: Pick<PledgeView, 'scope' | 'ownerId' | 'unitId'>, actor: Actor, units: readonly UnitNode[]): boolean {
  if (p.scope === 'member') return isOwner(actor, p);
  return managesUnit(actor, p.unitId, units);
}

/**
 * May `actor` edit, withdraw or declare done pledge `p`? Its owner (of a member's pledge), or
 * whoever manages its unit.
 */
export function mayManagePledge(p: Pick<PledgeView, 'scope' | 'ownerId' | 'unitId'>, actor: Actor, units: readonly UnitNode[]): boolean {
  if (p.scope !== 'member') return managesUnit(actor, p.unitId, units);
  return mayManage(actor, p, units);
}

/** Cells of a progress bar: one per unit up to a target of 10, else 10. */
export function barWidth(target: number): number {
  return Math.max(1, Math.min(10, target));
}

/**
 * A progress bar that reads well in a phone chat: `▓▓▓▓░░ 4/6户`. Filled cells are rounded down,
 * so the bar is full only when the target is reached; beyond the target it stays full and the
 * numbers tell (`▓▓▓▓▓ 7/5户`).
 */
export function progressBar(progress: number, target: number, unitWord = ''): string {
  const width = barWidth(target);
  const filled = Math.min(width, Math.floor((Math.max(0, progress) * width) / target));
  return `${'▓'.repeat(filled)}${'░'.repeat(width - filled)} ${progress}/${target}${unitWord}`;
}

/** The local days each reminder stage of an idle spell was sent (null: not yet). */
export interface StagesSent {
  readonly nudge: IsoDate | null;
  readonly group: IsoDate | null;
  readonly secretary: IsoDate | null;
}

/**
 * The reminder stage due `today` for an idle spell, or undefined: first a private nudge; then,
 * `escalateDays` after it, the group (where the unit chose `groupStage`) or else the secretary;
 * then, `escalateDays` after the group, the secretary. Each stage once.
 */
export function nextReminderStage(sent: StagesSent, today: IsoDate, escalateDays: number, groupStage: boolean): 'nudge' | 'group' | 'secretary' | undefined {
  const due = (day: IsoDate) => daysBetween(day, today) >= escalateDays;
  if (!sent.nudge) return 'nudge';
  if (!sent.group && !sent.secretary && due(sent.nudge)) return groupStage ? 'group' : 'secretary';
  if (sent.group && !sent.secretary && due(sent.group)) return 'secretary';
  return undefined;
}
