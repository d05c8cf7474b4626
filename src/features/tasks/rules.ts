/**
 * The 督查 rules, pure: where an assignment stands on a given day, and which follow-up messages it
 * calls for, to whom, along the chain of responsibility (owner → 包村 cadre → the committee member
 * above them). Each step has a name; the store sends each step once.
 */
import { addDays, daysBetween, type IsoDate } from '../../bot/time.ts';
import type { Assignment } from './store.ts';

/** Days before the deadline the owner is reminded. */
export const DUE_SOON_DAYS = 2;
/** Days overdue after which the committee member above the 包村 cadre is told. */
export const LEADER_AFTER_DAYS = 3;

/** Where an assignment stands on `today`. */
export type Standing = { readonly kind: 'done'; readonly onTime: boolean } | { readonly kind: 'overdue'; readonly days: number } | { readonly kind: 'open'; readonly daysLeft: number | null };

/** The standing of an assignment on `today` (a local date). */
export function standingOn(a: Pick<Assignment, 'status' | 'dueDate' | 'doneAt'>, today: IsoDate, doneDay: IsoDate | null): Standing {
  if (a.status === 'done') return { kind: 'done', onTime: a.dueDate === null || (doneDay !== null && doneDay <= a.dueDate) };
  if (a.dueDate === null) return { kind: 'open', daysLeft: null };
  const left = daysBetween(today, a.dueDate);
  return left < 0 ? { kind: 'overdue', days: -left } : { kind: 'open', daysLeft: left };
}

/** The people of an assignment's chain (null where the link is missing). */
export interface Chain {
  readonly ownerId: number;
  readonly cadreId: number | null;
  readonly leaderId: number | null;
}

/** One follow-up message due: its step name (sent once), who gets it, and which text. */
export interface FollowUp {
  readonly step: string;
  readonly to: number;
  readonly kind: 'dueSoon' | 'overdueOwner' | 'overdueCadre' | 'overdueLeader' | 'stale';
}

/**
 * The follow-ups an open assignment calls for on `today`: the owner before the deadline and when
 * it passes; the 包村 cadre when it is overdue (when the owner is not that cadre); the committee
 * member above after LEADER_AFTER_DAYS; and, when nothing was reported for `staleDays`, the cadre
 * (else the owner) once per silence.
 */
export function followUps(a: Assignment, today: IsoDate, lastProgressDay: IsoDate, chain: Chain, staleDays: number): FollowUp[] {
  const standing = standingOn(a, today, null);
  if (standing.kind === 'done') return [];
  const out: FollowUp[] = [];
  const cadre = chain.cadreId !== null && chain.cadreId !== chain.ownerId ? chain.cadreId : null;
  if (standing.kind === 'open' && standing.daysLeft !== null && standing.daysLeft <= DUE_SOON_DAYS) out.push({ step: 'due-soon', to: chain.ownerId, kind: 'dueSoon' });
  if (standing.kind === 'overdue') {
    out.push({ step: 'overdue', to: chain.ownerId, kind: 'overdueOwner' });
    if (cadre !== null) out.push({ step: 'overdue-cadre', to: cadre, kind: 'overdueCadre' });
    const above = chain.leaderId;
    if (standing.days >= LEADER_AFTER_DAYS && above !== null && above !== chain.ownerId) out.push({ step: 'overdue-leader', to: above, kind: 'overdueLeader' });
  }
  if (staleDays > 0 && daysBetween(lastProgressDay, today) >= staleDays) {
    out.push({ step: `stale:${lastProgressDay}`, to: cadre ?? chain.ownerId, kind: 'stale' });
  }
  return out;
}

/** The Monday that starts the week of `day` (weeks run Monday to Sunday). */
export function weekStartOf(day: IsoDate): IsoDate {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}
