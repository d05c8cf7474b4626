/**
 * The daily dues check: for each unit keeping a ledger, each member's run of unpaid months up to
 * last month (this month can still be paid); at 3 and at 6 months the unit's secretaries are told
 * privately, once each per run (DuesWarning). Counting starts at the unit's first recorded month.
 */
import { membersOfUnit, privateChatsOfMembers } from '../../bot/roster.ts';
import type { JobContext } from '../../scheduler/contract.ts';
import { thisMonth } from './month.ts';
import { partyMemberRoles, previousMonth, thresholdsReached, unpaidRun } from './rules.ts';
import { claimWarning, ledgerStart, paidByMember, unitsWithLedger } from './store.ts';

/** When the check runs (org time zone). */
export const DUES_CRON = '30 9 * * *';

/** Warnings due in one unit: text lines for its secretaries. */
async function unitWarnings(job: JobContext, unitId: number, lastDue: string): Promise<string[]> {
  const start = await ledgerStart(job.db, unitId);
  if (!start || start > lastDue) return [];
  const members = await membersOfUnit(job.db, unitId, partyMemberRoles());
  const paid = await paidByMember(job.db, members.map((m) => m.id));
  const lines: string[] = [];
  for (const m of members) {
    const run = unpaidRun(paid.get(m.id) ?? new Set(), start, lastDue);
    for (const n of thresholdsReached(run)) {
      if (!(await claimWarning(job.db, m.id, n, run.since!, job.now()))) continue;
      lines.push(job.t(n >= 6 ? 'dues.warn.six' : 'dues.warn.three', { name: m.name, id: m.id, months: run.months, since: run.since! }));
    }
  }
  return lines;
}

/** The daily check over every unit with a ledger. */
export async function runDuesCheck(job: JobContext): Promise<void> {
  const lastDue = previousMonth(thisMonth(job));
  for (const unitId of await unitsWithLedger(job.db)) {
    const lines = await unitWarnings(job, unitId, lastDue);
    if (lines.length === 0) continue;
    const secretaries = await membersOfUnit(job.db, unitId, ['secretary']);
    const chats = [...(await privateChatsOfMembers(job.db, secretaries.map((s) => s.id))).values()].flat();
    const text = [job.t('dues.warn.header'), ...lines, job.t('dues.warn.footer')].join('\n');
    for (const chat of chats.filter((c) => job.capabilitiesOf(c.platform)?.privateMessages)) job.send(chat, text);
  }
}
