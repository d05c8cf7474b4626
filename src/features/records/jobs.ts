/**
 * The secretaries' private reminders, checked once a day: two weeks before a quarter ends, a branch
 * whose 支部党员大会 or 党课 of the quarter has no minutes yet; a week before a month ends, its
 * 主题党日. On 1 December the admins are told when the holiday calendar does not know next year yet.
 */
import { membersOfUnit, membersWithRole, listUnits, privateChatsOf } from '../../bot/roster.ts';
import { addDays, localDateKey } from '../../bot/time.ts';
import type { JobContext, Scheduler } from '../../scheduler/contract.ts';
import { yearKnown } from '../meetings/api.ts';
import type { MeetingKind } from '../meetings/api.ts';
import { unitLedger } from './ledger.ts';

/** Kinds reminded two weeks before the quarter ends, and a week before the month ends. */
const QUARTER_KINDS = ['party-congress', 'lecture'];
const MONTH_KINDS = ['theme-day'];

/** The last day of the month of `date` (`YYYY-MM-DD`). */
function monthEnd(date: string): string {
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  return addDays(m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`, -1);
}

/** `9月30日` of `2026-09-30`. */
function dayText(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** The kinds whose current period is due for a reminder today. */
function dueKinds(today: string): string[] {
  const month = Number(today.slice(5, 7));
  const out: string[] = [];
  if (month % 3 === 0 && addDays(monthEnd(today), -13) === today) out.push(...QUARTER_KINDS);
  if (addDays(monthEnd(today), -6) === today) out.push(...MONTH_KINDS);
  return out;
}

/** The daily pass: reminds secretaries privately, and admins about an unknown holiday year. */
export async function runRecordReminders(job: JobContext, kinds: readonly MeetingKind[]): Promise<void> {
  const today = localDateKey(job.now(), job.timeZone);
  const year = Number(today.slice(0, 4));
  if (today.slice(5) === '12-01' && !yearKnown(year + 1)) {
    for (const admin of await membersWithRole(job.db, ['admin'])) {
      for (const chat of await privateChatsOf(job.db, admin.id)) job.send(chat, job.t('records.remind.unknownYear', { year: year + 1 }));
    }
  }
  const due = dueKinds(today);
  if (!due.length) return;
  for (const unit of (await listUnits(job.db)).filter((u) => u.kind !== 'township')) {
    const ledger = await unitLedger(job.db, unit.id, year, kinds, job.timeZone, job.now());
    const month = Number(today.slice(5, 7));
    const open = ledger.rows.filter((r) => due.includes(r.kind.key)).filter((r) => {
      const index = r.frequency === 'monthly' ? month : r.frequency === 'quarterly' ? Math.ceil(month / 3) : 1;
      return r.cells[index - 1]?.status !== 'held';
    });
    if (!open.length) continue;
    const text = job.t('records.remind.secretary', { unit: unit.name, kinds: open.map((r) => r.kind.name).join('、'), end: dayText(monthEnd(today)) });
    for (const secretary of await membersOfUnit(job.db, unit.id, ['secretary'])) {
      for (const chat of await privateChatsOf(job.db, secretary.id)) job.send(chat, text);
    }
  }
}

/** The daily job of the secretaries' reminders (09:00 in the org time zone). */
export const REMINDER_JOB = 'records:reminders';

/** Registers the secretaries' daily reminders. */
export function recordsJobs(kinds: readonly MeetingKind[]): (scheduler: Scheduler) => void {
  return (scheduler) => {
    scheduler.cron(REMINDER_JOB, '0 9 * * *', (job) => runRecordReminders(job, kinds), { reportMissed: false });
  };
}
