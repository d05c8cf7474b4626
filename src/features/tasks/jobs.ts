/**
 * The tasks slice's timed work: the daily 督查 pass (reminders before a deadline, escalations up
 * the chain when overdue, a flag for tasks silent too long: each message once, privately), and the
 * Sunday-evening list of villages without a weekly report, sent to each village's 包村 cadre.
 */
import { listUnits, privateChatsOf } from '../../bot/roster.ts';
import { localDateKey } from '../../bot/time.ts';
import { remindable } from '../care/api.ts';
import type { JobContext } from '../../scheduler/contract.ts';
import { namesFor } from './agenda.ts';
import { assignmentLine } from './render.ts';
import { followUps, weekStartOf, type Chain } from './rules.ts';
import { claimEscalation, findAssignments, supervisors, unitCadres, unitsWithWeeklyReport, type Assignment } from './store.ts';

/** Sends `text` privately to a member on each platform that can (nothing where none can). */
async function tellPrivately(job: JobContext, memberId: number, text: string): Promise<boolean> {
  const chats = (await privateChatsOf(job.db, memberId)).filter((c) => job.capabilitiesOf(c.platform)?.privateMessages);
  for (const chat of chats.slice(0, 1)) job.send(chat, text);
  return chats.length > 0;
}

/** The chain of an assignment from the two link tables, read once per pass. */
function chainOf(a: Assignment, cadres: ReadonlyMap<number, number>, above: ReadonlyMap<number, number>): Chain {
  const cadreId = cadres.get(a.unitId) ?? null;
  return { ownerId: a.ownerId, cadreId, leaderId: above.get(cadreId ?? a.ownerId) ?? null };
}

/** The daily 督查 pass over every open assignment; `staleDays` 0 turns the silence flag off. */
export async function runFollowUps(job: JobContext, staleDays: number): Promise<void> {
  const today = localDateKey(job.now(), job.timeZone);
  const open = await findAssignments(job.db, { openOnly: true });
  if (open.length === 0) return;
  const cadres = await unitCadres(job.db);
  const above = await supervisors(job.db);
  const names = await namesFor(job.db, open.map((a) => a.ownerId));
  for (const a of open) {
    const chain = chainOf(a, cadres, above);
    for (const f of followUps(a, today, localDateKey(a.lastProgressAt, job.timeZone), chain, staleDays)) {
      if (!(await claimEscalation(job.db, a.id, f.step, f.to, job.now()))) continue;
      const text = job.t(`tasks.followUp.${f.kind}`, { line: assignmentLine(job, names, a), owner: names.memberName(a.ownerId), id: a.taskId });
      // An exempt member is not chased (条例第二十三条); a 流动党员's contact gets it in the digest.
      if (await remindable(job.db, f.to, job.now(), job.timeZone, text)) await tellPrivately(job, f.to, text);
    }
  }
}

/** Sunday evening: each 包村 cadre is told privately which of their villages have not sent this week's report. */
export async function runWeeklyCheck(job: JobContext): Promise<void> {
  const weekStart = weekStartOf(localDateKey(job.now(), job.timeZone));
  const reported = await unitsWithWeeklyReport(job.db, weekStart);
  const units = new Map((await listUnits(job.db)).map((u) => [u.id, u]));
  const missingByCadre = new Map<number, string[]>();
  for (const [unitId, cadreId] of await unitCadres(job.db)) {
    const unit = units.get(unitId);
    if (!unit || unit.kind !== 'branch' || reported.has(unitId)) continue;
    missingByCadre.set(cadreId, [...(missingByCadre.get(cadreId) ?? []), unit.name]);
  }
  for (const [cadreId, names] of missingByCadre) await tellPrivately(job, cadreId, job.t('tasks.weekly.missing', { units: names.join('、'), count: names.length }));
}
