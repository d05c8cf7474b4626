/**
 * The meetings' timed work: every active meeting is two dynamic jobs of the scheduler, its notice
 * at the start (`meeting:<id>:notice`) and its reminder `remindMinutes` before
 * (`meeting:<id>:reminder`), each posted once to every member chat of the unit on every platform (a masses chat hears only of
 * the joint meeting that collects suggestions, in a version without 到 / 请假). A
 * called-off occurrence posts nothing; a reminder that would come after the start (downtime) is
 * dropped, the notice says enough.
 */
import type { Tx } from '../../bot/feature.ts';
import type { DynamicJob, JobContext } from '../../scheduler/contract.ts';
import { countOpenSuggestions } from '../suggestions/api.ts';
import { mondayAgenda } from '../tasks/api.ts';
import { localDateKey } from '../../bot/time.ts';
import { holdForAwayMembers } from '../care/api.ts';
import { noticeText } from './render.ts';
import { activeMeetings, getMeeting, isSkipped, rsvpCounts, unitChats, type MeetingInfo } from './store.ts';
import { dayKind } from './holidays.ts';
import { heldAt } from './calendar.ts';
import { nextCronTimes } from '../../scheduler/cron.ts';
import { scheduleTask } from '../../scheduler/tasks.ts';
import { z } from 'zod';
import type { HolidayRule, MeetingKind } from './kinds.ts';

/** The meeting's own `--holiday` rule, else its kind's default, else keep. */
export function holidayRule(m: Pick<MeetingInfo, 'holiday' | 'kind'>, kinds: readonly MeetingKind[]): HolidayRule {
  if (m.holiday === 'keep' || m.holiday === 'skip' || m.holiday === 'move') return m.holiday;
  return kinds.find((k) => k.key === m.kind)?.holiday ?? 'keep';
}

/** True when this occurrence falls on a statutory holiday and its rule says skip. */
export function skippedForHoliday(m: Pick<MeetingInfo, 'holiday' | 'kind'>, kinds: readonly MeetingKind[], startsAt: Date, timeZone: string): boolean {
  return holidayRule(m, kinds) === 'skip' && dayKind(localDateKey(startsAt, timeZone)) === 'holiday';
}

/** The default schedule whose notices carry the Monday agenda (prompts/schedules.yaml). */
const AGENDA_TEMPLATE = 'cadres';

/** The one-off task kind of a notice or reminder moved off a statutory holiday. */
export const MOVED_TASK = 'meetings.moved';

/** Posts the notice or the reminder of meeting `meetingId` for the occurrence this fire belongs to. */
export async function runMeetingNotice(job: JobContext, meetingId: number, kind: 'notice' | 'reminder', leadMinutes: number, kinds: readonly MeetingKind[] = []): Promise<void> {
  const cronStart = new Date(job.scheduledAt.getTime() + leadMinutes * 60_000);
  const m = await getMeeting(job.db, meetingId);
  if (!m || m.status !== 'active') return;
  if (skippedForHoliday(m, kinds, cronStart, job.timeZone)) return;
  const held = heldAt(m, cronStart, job.timeZone);
  if (held.getTime() !== cronStart.getTime()) {
    // On a statutory holiday under `move`: the notice (or reminder) goes out before the moved time instead.
    const dueAt = new Date(held.getTime() - leadMinutes * 60_000);
    await scheduleTask(job.db, { kind: MOVED_TASK, key: `${MOVED_TASK}:${m.id}:${kind}:${held.toISOString()}`, dueAt, payload: { meetingId: m.id, kind, startsAt: held.toISOString() } });
    return;
  }
  await postOccurrence(job, m, kind, cronStart);
}

const movedPayload = z.object({ meetingId: z.number().int(), kind: z.enum(['notice', 'reminder']), startsAt: z.iso.datetime() });

/** Runs a moved notice or reminder (a `meetings.moved` task); nothing when the cron itself has a start then. */
export async function runMovedNotice(job: JobContext, payload: Record<string, unknown>): Promise<void> {
  const p = movedPayload.safeParse(payload);
  if (!p.success) return;
  const startsAt = new Date(p.data.startsAt);
  const m = await getMeeting(job.db, p.data.meetingId);
  if (!m || m.status !== 'active') return;
  // A regular occurrence at the same instant has its own notice.
  if (nextCronTimes(m.cron, job.timeZone, new Date(startsAt.getTime() - 1), 1)[0]?.getTime() === startsAt.getTime()) return;
  await postOccurrence(job, m, p.data.kind, startsAt);
}

/** Posts the notice or the reminder of occurrence `startsAt` to every member chat of the unit. */
async function postOccurrence(job: JobContext, m: MeetingInfo, kind: 'notice' | 'reminder', startsAt: Date): Promise<void> {
  if (await isSkipped(job.db, m.id, startsAt)) return;
  if (kind === 'reminder' && job.now().getTime() >= startsAt.getTime()) return;
  const rsvp = await rsvpCounts(job.db, m.id, startsAt);
  const open = m.withSuggestions ? await countOpenSuggestions(job.db, m.unitId) : null;
  const agenda = carriesAgenda(m, kind) ? `

${(await mondayAgenda(job, localDateKey(startsAt, job.timeZone))).text}` : '';
  // Exempt members working away may not read the group: their contact gets the notice in the digest.
  await holdForAwayMembers(job.db, m.unitId, noticeText(job, null, m, kind, startsAt, rsvp, open, job.late, 'members'), job.now(), job.timeZone);
  for (const chat of await unitChats(job.db, m.unitId)) {
    // A masses chat hears only of the joint meeting that collects suggestions, without 到 / 请假.
    if (chat.masses && !m.withSuggestions) continue;
    const audience = chat.masses ? 'residents' : 'members';
    job.send(chat.ref, noticeText(job, chat.ref, m, kind, startsAt, rsvp, open, job.late, audience) + (chat.masses ? '' : agenda));
  }
}

/**
 * The all-cadre meeting (template `cadres`) carries the Monday agenda in its first message of the
 * occurrence: the reminder when it has one, else the notice.
 */
function carriesAgenda(m: { template: string | null; remindMinutes: number }, kind: 'notice' | 'reminder'): boolean {
  return m.template === AGENDA_TEMPLATE && (kind === 'reminder' || m.remindMinutes === 0);
}

/** The scheduler's dynamic source `meetings`: two jobs per active meeting (one when it has no reminder). */
export async function meetingJobs(db: Tx, kinds: readonly MeetingKind[] = []): Promise<DynamicJob[]> {
  const out: DynamicJob[] = [];
  for (const m of await activeMeetings(db)) {
    out.push({
      name: `meeting:${m.id}:notice`,
      label: (t) => t('meetings.job.notice', { id: m.id, title: m.title }),
      expression: m.cron,
      leadMinutes: 0,
      since: m.createdAt,
      run: (job) => runMeetingNotice(job, m.id, 'notice', 0, kinds),
    });
    if (m.remindMinutes > 0) {
      out.push({
        name: `meeting:${m.id}:reminder`,
        label: (t) => t('meetings.job.reminder', { id: m.id, title: m.title }),
        expression: m.cron,
        leadMinutes: m.remindMinutes,
        since: m.createdAt,
        run: (job) => runMeetingNotice(job, m.id, 'reminder', m.remindMinutes, kinds),
      });
    }
  }
  return out;
}
