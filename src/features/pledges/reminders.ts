/**
 * Reminders for pledges nobody has checked in on, escalating like a good stand-up bot: a member
 * whose open pledges have had no check-in for `staleDays` days (the unit's setting) first gets a
 * private nudge; if still idle `escalateDays` later, a mention in the unit's group chat; again
 * `escalateDays` later the unit's secretaries get the list. A new check-in (or a new pledge) starts
 * a new idle spell, so the next reminder is a private nudge again. Members exempted by their
 * secretary (外出务工, 病假) are skipped while the exemption lasts.
 *
 * `runPledgeReminders` is what the scheduler's daily job calls; it runs inside the job's
 * transaction, records each stage once in the reminder ledger (so a second run the same day sends
 * nothing twice) and sends through the job's outbox.
 */
import type { Translate, Tx } from '../../bot/feature.ts';
import type { ChatRef, OutgoingMessage, Platform } from '../../bot/types.ts';
import type { Capabilities } from '../../bot/adapter.ts';
import { chatsOfUnit, membersByIds, membersOfUnit, privateChatsOfMembers } from '../../bot/roster.ts';
import { daysBetween, localDate, localYear, type IsoDate } from './dates.ts';
import { outcomeOf, type PledgeView } from './model.ts';
import { dayOf, progressLine, titleLine, type Names } from './render.ts';
import { exemptOnDay } from '../care/api.ts';
import {
  activeExemptions,
  listPledges,
  recordReminders,
  reminderSettings,
  remindersOf,
  type ReminderSettings,
  type ReminderStage,
} from './store.ts';

/** What the reminder run needs: a subset of the scheduler's JobContext (tests pass their own). */
export interface ReminderRunContext {
  readonly db: Tx;
  now(): Date;
  readonly t: Translate;
  readonly timeZone: string;
  capabilitiesOf(platform: Platform): Capabilities | undefined;
  send(chat: ChatRef, message: OutgoingMessage | string): void;
}

/** Default reminder settings for units that have not set their own. */
export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = { staleDays: 7, escalateDays: 2 };

/** What one run did, stage by stage (member ids), for logs and tests. */
export interface ReminderRunResult {
  readonly nudged: number[];
  readonly mentioned: number[];
  readonly reported: number[];
  /** Members skipped because an exemption is in force. */
  readonly exempt: number[];
}

interface Idle {
  readonly memberId: number;
  readonly unitId: number;
  readonly lastActivity: Date;
  readonly pledges: PledgeView[];
}

/**
 * Members' own pledges still waiting for progress (open, of `year`, not yet done), grouped by
 * owner with their latest activity; null when there are none.
 */
async function pledgeOwners(db: ReminderRunContext['db'], year: number) {
  const pledges = (await listPledges(db, { scopes: ['member'], statuses: ['open'], year })).filter((p) => outcomeOf(p) !== 'done');
  if (pledges.length === 0) return null;
  const members = await membersByIds(db, pledges.map((p) => p.ownerId));
  const byOwner = new Map<number, Idle>();
  for (const p of pledges) {
    const activity = p.lastCheckinAt && p.lastCheckinAt > p.createdAt ? p.lastCheckinAt : p.createdAt;
    const prev = byOwner.get(p.ownerId);
    const unitId = members.get(p.ownerId)?.unitId ?? p.unitId;
    if (!prev) byOwner.set(p.ownerId, { memberId: p.ownerId, unitId, lastActivity: activity, pledges: [p] });
    else byOwner.set(p.ownerId, { ...prev, lastActivity: activity > prev.lastActivity ? activity : prev.lastActivity, pledges: [...prev.pledges, p] });
  }
  return { members, byOwner };
}

/** The first stage: a private message to each idle member listing their pledges. */
async function sendNudges(job: ReminderRunContext, nudges: readonly Idle[], names: Names, today: IsoDate): Promise<void> {
  const { t, timeZone } = job;
  const privateChats = await privateChatsOfMembers(job.db, nudges.map((i) => i.memberId));
  for (const i of nudges) {
    const days = daysBetween(localDate(i.lastActivity, timeZone), today);
    const lines = i.pledges.map((p) => `${titleLine(t, p, names)}\n  ${progressLine(t, p, today)}`);
    const text = t('pledges.remind.nudge', { name: names.members.get(i.memberId)?.name ?? '', days, pledges: lines.join('\n'), example: `/checkin #${i.pledges[0]!.id} +1` });
    for (const chat of privateChats.get(i.memberId) ?? []) {
      if (job.capabilitiesOf(chat.platform)?.privateMessages) job.send(chat, { kind: 'text', text, priority: 'low' });
    }
  }
}

/**
 * Runs one round of reminders (see the module comment). Safe to run more often than daily: each
 * stage of an idle spell is sent once, and a stage follows the previous one only after
 * `escalateDays` calendar days.
 */
export async function runPledgeReminders(
  job: ReminderRunContext,
  defaults: ReminderSettings = DEFAULT_REMINDER_SETTINGS,
): Promise<ReminderRunResult> {
  const { db, t, timeZone } = job;
  const now = job.now();
  const today = localDate(now, timeZone);
  const result: ReminderRunResult = { nudged: [], mentioned: [], reported: [], exempt: [] };

  const owners = await pledgeOwners(db, localYear(now, timeZone));
  if (!owners) return result;
  const { members, byOwner } = owners;

  const exemptions = await activeExemptions(db, today, [...byOwner.keys()]);
  const cared = await exemptOnDay(db, [...byOwner.keys()], today);
  const settings = await reminderSettings(db, [...new Set([...byOwner.values()].map((i) => i.unitId))], defaults);
  const idle = [...byOwner.values()].filter((i) => {
    if (exemptions.has(i.memberId) || cared.has(i.memberId)) {
      result.exempt.push(i.memberId);
      return false;
    }
    const s = settings.get(i.unitId) ?? defaults;
    return daysBetween(localDate(i.lastActivity, timeZone), today) >= s.staleDays;
  });
  if (idle.length === 0) return result;

  const episodes = new Map(idle.map((i) => [i.memberId, i.lastActivity.toISOString()]));
  const sent = await remindersOf(db, episodes);
  const stageOf = (memberId: number, stage: ReminderStage) => sent.find((r) => r.memberId === memberId && r.stage === stage);
  const names: Names = { members, units: new Map() };
  const groupByUnit = new Map<number, Idle[]>();
  const secretaryByUnit = new Map<number, Idle[]>();

  const nudges: Idle[] = [];
  const records: Parameters<typeof recordReminders>[1][number][] = [];
  for (const i of idle) {
    const s = settings.get(i.unitId) ?? defaults;
    const nudge = stageOf(i.memberId, 'nudge');
    const group = stageOf(i.memberId, 'group');
    const secretary = stageOf(i.memberId, 'secretary');
    const due = (prev: { sentAt: Date }) => daysBetween(localDate(prev.sentAt, timeZone), today) >= s.escalateDays;
    let stage: ReminderStage | undefined;
    if (!nudge) stage = 'nudge';
    else if (!group && due(nudge)) stage = 'group';
    else if (group && !secretary && due(group)) stage = 'secretary';
    if (!stage) continue;
    records.push({ memberId: i.memberId, unitId: i.unitId, stage, episode: episodes.get(i.memberId)!, sentAt: now });
    if (stage === 'nudge') {
      result.nudged.push(i.memberId);
      nudges.push(i);
    } else {
      const target = stage === 'group' ? groupByUnit : secretaryByUnit;
      (stage === 'group' ? result.mentioned : result.reported).push(i.memberId);
      target.set(i.unitId, [...(target.get(i.unitId) ?? []), i]);
    }
  }
  await recordReminders(db, records);

  await sendNudges(job, nudges, names, today);

  for (const [unitId, list] of groupByUnit) {
    const mentions = list.map((i) => `@${members.get(i.memberId)?.name ?? '?'}`).join(' ');
    const s = settings.get(unitId) ?? defaults;
    const text = t('pledges.remind.group', { mentions, days: s.staleDays });
    for (const chat of await chatsOfUnit(db, unitId)) job.send(chat, text);
  }

  for (const [unitId, list] of secretaryByUnit) {
    const s = settings.get(unitId) ?? defaults;
    const lines = list.map((i) =>
      t('pledges.remind.secretaryLine', {
        name: members.get(i.memberId)?.name ?? '?',
        pledges: i.pledges.map((p) => `#${p.id}`).join(' '),
        last: dayOf(t, i.pledges.some((p) => p.lastCheckinAt) ? latest(i.pledges) : null, timeZone, today),
      }),
    );
    const text = t('pledges.remind.secretary', { days: s.staleDays, list: lines.join('\n') });
    const secretaries = await membersOfUnit(db, unitId, ['secretary']);
    const chatsBySecretary = await privateChatsOfMembers(db, secretaries.map((m) => m.id));
    const privateChats = [...chatsBySecretary.values()].flat().filter((chat) => job.capabilitiesOf(chat.platform)?.privateMessages);
    // With no secretary reachable in private, the unit's group gets the list (its names were
    // already mentioned there at the previous stage).
    const targets = privateChats.length ? privateChats : await chatsOfUnit(db, unitId);
    for (const chat of targets) job.send(chat, text);
  }
  return result;
}

/** The latest check-in time among pledges. */
function latest(pledges: readonly PledgeView[]): Date | null {
  let best: Date | null = null;
  for (const p of pledges) if (p.lastCheckinAt && (!best || p.lastCheckinAt > best)) best = p.lastCheckinAt;
  return best;
}
