/**
 * Reminders for pledges nobody has checked in on, escalating like a good stand-up bot: a member
 * whose open pledges have had no check-in for `staleDays` days (the unit's setting) first gets a
 * private nudge; if still idle `escalateDays` later, a reminder in the unit's group chat (only
 * where the unit turned on `/settings 群内提醒`; it names people only with 公开未打卡名单 on, else
 * it counts them); again `escalateDays` later (or straight after the nudge's wait, without the
 * group stage) the unit's secretaries get the list privately. A new check-in (or a new pledge) starts
 * a new idle spell, so the next reminder is a private nudge again. Members exempted by their
 * secretary (外出务工, 病假) are skipped while the exemption lasts.
 *
 * `runPledgeReminders` is what the scheduler's daily job calls; it runs inside the job's
 * transaction, records each stage once in the reminder ledger (so a second run the same day sends
 * nothing twice) and sends through the job's outbox; `pledgesJobs` registers it daily.
 */
import type { BaseContext } from '../../bot/context.ts';
import { replyHint } from '../../bot/reply-hint.ts';
import type { Tx } from '../../bot/feature.ts';
import { chatsOfUnit, membersByIds, membersOfUnit, privateChatsOfMembers } from '../../bot/roster.ts';
import { daysBetween, localDate, localYear, type IsoDate } from './dates.ts';
import { nextReminderStage, outcomeOf, type PledgeView } from './rules.ts';
import { dayOf, progressLine, titleLine, type Names } from './render.ts';
import { exemptOnDay, holdDailyReminders } from '../care/api.ts';
import {
  activeExemptions,
  listPledges,
  recordReminders,
  reminderSettings,
  remindersOf,
  type ReminderSettings,
  type ReminderStage,
} from './store.ts';
import { unitsWithSetting } from '../settings/api.ts';
import type { Scheduler } from '../../scheduler/contract.ts';

/** What the reminder run uses of the job's context (tests pass just these). */
type ReminderJob = Pick<BaseContext, 'db' | 'now' | 't' | 'timeZone' | 'capabilitiesOf' | 'send' | 'botName'>;

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
async function pledgeOwners(db: Tx, year: number) {
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

/**
 * For idle members exempt under the care slice: the check-in reminder they would have had goes to
 * the digest of their contact (a 流动党员's 联系人), once a day while the pledge stays idle.
 */
async function holdForContacts(job: ReminderJob, idle: readonly Idle[], today: IsoDate): Promise<void> {
  const texts = new Map(idle.map((i) => [i.memberId, job.t('pledges.remind.heldForContact', { days: daysBetween(localDate(i.lastActivity, job.timeZone), today), count: i.pledges.length, example: `/checkin #${i.pledges[0]!.id} +1` })]));
  await holdDailyReminders(job.db, [...texts.keys()], job.now(), job.timeZone, (id) => texts.get(id)!);
}

/** The first stage: a private message to each idle member listing their pledges. */
async function sendNudges(job: ReminderJob, nudges: readonly Idle[], names: Names, today: IsoDate): Promise<void> {
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
  job: ReminderJob,
  defaults: ReminderSettings = DEFAULT_REMINDER_SETTINGS,
): Promise<ReminderRunResult> {
  const { db, timeZone } = job;
  const now = job.now();
  const today = localDate(now, timeZone);
  const result: ReminderRunResult = { nudged: [], mentioned: [], reported: [], exempt: [] };

  const owners = await pledgeOwners(db, localYear(now, timeZone));
  if (!owners) return result;
  const { members, byOwner } = owners;

  const exemptions = await activeExemptions(db, today, [...byOwner.keys()]);
  const cared = await exemptOnDay(db, [...byOwner.keys()], today);
  const unitIds = [...new Set([...byOwner.values()].map((i) => i.unitId))];
  const settings = await reminderSettings(db, unitIds, defaults);
  // Invite, do not force: the group stage and names in the group only where the unit chose them.
  const inGroup = await unitsWithSetting(db, unitIds, 'groupReminders');
  const namesInGroup = await unitsWithSetting(db, unitIds, 'missingList');
  const isIdle = (i: Idle) => daysBetween(localDate(i.lastActivity, timeZone), today) >= (settings.get(i.unitId) ?? defaults).staleDays;
  const idle = [...byOwner.values()].filter((i) => {
    if (exemptions.has(i.memberId) || cared.has(i.memberId)) {
      result.exempt.push(i.memberId);
      return false;
    }
    return isIdle(i);
  });
  await holdForContacts(job, [...byOwner.values()].filter((i) => cared.has(i.memberId) && !exemptions.has(i.memberId) && isIdle(i)), today);
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
    const sentOn = (stage: ReminderStage) => {
      const r = stageOf(i.memberId, stage);
      return r ? localDate(r.sentAt, timeZone) : null;
    };
    const escalateDays = (settings.get(i.unitId) ?? defaults).escalateDays;
    const stage = nextReminderStage({ nudge: sentOn('nudge'), group: sentOn('group'), secretary: sentOn('secretary') }, today, escalateDays, inGroup.has(i.unitId));
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

  await remindInGroups(job, groupByUnit, { members, settings, defaults, namesInGroup });
  await tellSecretaries(job, secretaryByUnit, { members, settings, defaults, inGroup, namesInGroup, today });
  return result;
}

/** The group stage: each unit's group names the idle members (with 公开未打卡名单 on) or counts them. */
async function remindInGroups(
  job: ReminderJob,
  groupByUnit: ReadonlyMap<number, readonly Idle[]>,
  o: { members: Names['members']; settings: ReadonlyMap<number, ReminderSettings>; defaults: ReminderSettings; namesInGroup: ReadonlySet<number> },
): Promise<void> {
  for (const [unitId, list] of groupByUnit) {
    const days = (o.settings.get(unitId) ?? o.defaults).staleDays;
    const mentions = list.map((i) => `@${o.members.get(i.memberId)?.name ?? '?'}`).join(' ');
    for (const chat of await chatsOfUnit(job.db, unitId)) {
      const text = o.namesInGroup.has(unitId) ? replyHint(job, chat, 'pledges.remind.group', { mentions, days }) : replyHint(job, chat, 'pledges.remind.groupCount', { count: list.length, days });
      job.send(chat, text);
    }
  }
}

/**
 * The last stage: the unit's secretaries get the list privately. With no secretary reachable in
 * private, the unit's group gets it only where the unit made that list public (`missingList`).
 */
async function tellSecretaries(
  job: ReminderJob,
  secretaryByUnit: ReadonlyMap<number, Idle[]>,
  o: { members: Names['members']; settings: ReadonlyMap<number, ReminderSettings>; defaults: ReminderSettings; inGroup: ReadonlySet<number>; namesInGroup: ReadonlySet<number>; today: IsoDate },
): Promise<void> {
  const { db, t, timeZone } = job;
  const { members, today } = o;

  for (const [unitId, list] of secretaryByUnit) {
    const s = o.settings.get(unitId) ?? o.defaults;
    const lines = list.map((i) =>
      t('pledges.remind.secretaryLine', {
        name: members.get(i.memberId)?.name ?? '?',
        pledges: i.pledges.map((p) => `#${p.id}`).join(' '),
        last: dayOf(t, i.pledges.some((p) => p.lastCheckinAt) ? latest(i.pledges) : null, timeZone, today),
      }),
    );
    const reminded = t(o.inGroup.has(unitId) ? 'pledges.remind.remindedInGroup' : 'pledges.remind.remindedPrivately');
    const text = t('pledges.remind.secretary', { days: s.staleDays, list: lines.join('\n'), reminded });
    const secretaries = await membersOfUnit(db, unitId, ['secretary']);
    const chatsBySecretary = await privateChatsOfMembers(db, secretaries.map((m) => m.id));
    const privateChats = [...chatsBySecretary.values()].flat().filter((chat) => job.capabilitiesOf(chat.platform)?.privateMessages);
    const targets = privateChats.length ? privateChats : o.namesInGroup.has(unitId) ? await chatsOfUnit(db, unitId) : [];
    for (const chat of targets) job.send(chat, text);
  }
}

/** The latest check-in time among pledges. */
function latest(pledges: readonly PledgeView[]): Date | null {
  let best: Date | null = null;
  for (const p of pledges) if (p.lastCheckinAt && (!best || p.lastCheckinAt > best)) best = p.lastCheckinAt;
  return best;
}

/** The job name of the daily reminders in the scheduler. */
export const REMINDER_JOB = 'pledges.reminders';

/** Registers the daily reminders (`cron`: 5 fields in the org time zone; default 09:00). */
export function pledgesJobs(defaults: ReminderSettings, cron = '0 9 * * *'): (scheduler: Scheduler) => void {
  return (scheduler) => {
    scheduler.cron(REMINDER_JOB, cron, async (job) => {
      await runPledgeReminders(job, defaults);
    }, { reportMissed: false });
  };
}
