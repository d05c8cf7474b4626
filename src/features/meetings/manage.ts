/**
 * Managing meetings: `/meeting 标题 | cron | 地点 [| 提前提醒]` adds one, `/meeting cancel #N [日期]`
 * calls off one occurrence or the whole meeting, `/meeting default [名称]` enables a default
 * schedule of `prompts/schedules.yaml` (admins), `/meetings` lists the unit's meetings with the
 * next times.
 */
import { managesUnitIn } from '../../bot/policy.ts';
import { z } from 'zod';
import { argInput, idToken, pipeParts } from '../../bot/args.ts';
import { parseInteger } from '../../bot/answers.ts';
import { UserError, type Context } from '../../bot/feature.ts';
import { checkCron, nextCronTimes, restrictsBothDays } from '../../scheduler/cron.ts';
import { localDateKey, parseLocalDate } from '../../bot/time.ts';
import { startOnDate, upcomingStarts } from './calendar.ts';
import { cronErrorText, leadText, when } from './render.ts';
import { findDefaultSchedule, type DefaultSchedule } from './schedules.ts';
import { findKind, type HolidayRule, type MeetingKind } from './kinds.ts';
import {
  activeMeetings,
  cancelMeeting,
  createMeeting,
  getMeeting,
  meetingFromTemplate,
  rsvpCounts,
  skipOccurrence,
  unitChats,
  type MeetingInfo,
} from './store.ts';

/** Longest title and place (characters). */
export const MAX_TITLE = 40;
export const MAX_PLACE = 60;
/** Longest reminder lead: 7 days. */
export const MAX_LEAD_MINUTES = 10_080;
/** Reminder lead when none is given. */
export const DEFAULT_LEAD_MINUTES = 60;
/** Two starts of one meeting closer than this are refused (a meeting is at most daily). */
const MIN_GAP_MS = 23 * 60 * 60_000;

const CANCEL_WORDS = new Set(['cancel', '取消']);
const DEFAULT_WORDS = new Set(['default', '默认', '启用']);

/** The parsed arguments of /meeting. */
export type MeetingArgs =
  | {
      readonly action: 'create';
      readonly title: string;
      readonly cron: string;
      readonly place: string;
      readonly lead: number;
      /** `--kind` as typed, resolved by the handler. */
      readonly kind: string | null;
      readonly holiday: HolidayRule | null;
    }
  | { readonly action: 'cancel'; readonly id: number; readonly date: string | null }
  | { readonly action: 'default'; readonly name: string | null };

/** Reads a reminder lead: `60`, `六十`, `60分钟`, `90min`, `2小时`, `2h`, `1天`, `1d`. */
export function parseLead(text: string): number | undefined {
  const m = /^(.+?)\s*(分钟|分|mins?|minutes?|m|小时|个小时|h|hours?|天|d|days?)?$/i.exec(text.trim());
  if (!m) return undefined;
  const n = parseInteger(m[1]!);
  if (n === undefined) return undefined;
  const unit = (m[2] ?? '').toLowerCase();
  const factor = /^(小时|个小时|h|hours?)$/.test(unit) ? 60 : /^(天|d|days?)$/.test(unit) ? 1440 : 1;
  return n * factor;
}

const HOLIDAY_WORDS: Readonly<Record<string, HolidayRule>> = {
  keep: 'keep', 照开: 'keep', 照常: 'keep',
  skip: 'skip', 不开: 'skip', 跳过: 'skip',
  move: 'move', 'next-workday': 'move', 顺延: 'move', 延后: 'move',
};

/** Takes `--kind X` and `--holiday Y` out of /meeting's text; null when a flag is malformed. */
export function takeFlags(text: string): { rest: string; kind: string | null; holiday: HolidayRule | null } | null {
  let kind: string | null = null;
  let holiday: HolidayRule | null = null;
  let bad = false;
  const rest = text.replace(/(?:^|\s)(?:--|—|－－)(\S+)(?:\s+([^\s|]+))?/g, (_m, flag: string, value: string | undefined) => {
    const f = flag.toLowerCase();
    if ((f === 'kind' || f === '类型') && value && [...value].length <= 20) kind = value;
    else if ((f === 'holiday' || f === '节假日') && value && HOLIDAY_WORDS[value.toLowerCase()]) holiday = HOLIDAY_WORDS[value.toLowerCase()]!;
    else bad = true;
    return ' ';
  });
  return bad ? null : { rest: rest.trim(), kind, holiday };
}

/** Zod schema of /meeting's arguments. */
export const meetingArgs = argInput.transform((a, ctx): MeetingArgs => {
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (a.text.includes('|')) {
    const flags = takeFlags(a.text);
    if (!flags) return fail('--kind NAME --holiday keep|skip|move');
    const parts = pipeParts(flags.rest);
    if (parts.length < 3 || parts.length > 4) return fail('title | cron | place [| lead]');
    const [title, cron, place, leadRaw] = parts as [string, string, string, string | undefined];
    if (!title || [...title].length > MAX_TITLE) return fail('title');
    if (!place || [...place].length > MAX_PLACE) return fail('place');
    if (!cron) return fail('cron');
    let lead = DEFAULT_LEAD_MINUTES;
    if (leadRaw !== undefined && leadRaw !== '') {
      const n = parseLead(leadRaw);
      if (n === undefined || n < 0 || n > MAX_LEAD_MINUTES) return fail('lead');
      lead = n;
    }
    return { action: 'create', title, cron, place, lead, kind: flags.kind, holiday: flags.holiday };
  }
  const [first, ...rest] = a.tokens;
  const word = (first ?? '').toLowerCase();
  if (CANCEL_WORDS.has(word)) {
    const id = idToken.safeParse(rest[0] ?? '');
    if (!id.success || rest.length > 2) return fail('cancel #N [date]');
    return { action: 'cancel', id: id.data, date: rest[1] ?? null };
  }
  if (DEFAULT_WORDS.has(word)) {
    const name = rest.join(' ').trim();
    if ([...name].length > 40) return fail('default name');
    return { action: 'default', name: name || null };
  }
  return fail('form');
});

/** The unit this chat speaks for, or a clear refusal. */
export function requireUnit(ctx: Context): number {
  if (ctx.unitId === null) throw new UserError('meetings.error.notBound');
  return ctx.unitId;
}

/** Refuses unless the speaker manages the unit's meetings (the policy's parent-unit rule). */
export async function requireManager(ctx: Context, unitId: number): Promise<void> {
  if (!(await managesUnitIn(ctx.db, ctx.member, unitId))) throw new UserError('meetings.error.otherUnit');
}

/** Checks a cron expression for a meeting; returns it normalised, or refuses with the example. */
function validMeetingCron(ctx: Context, cron: string): string {
  const check = checkCron(cron, ctx.timeZone, ctx.now());
  if (!check.ok) throw new UserError('meetings.cron.error', { detail: cronErrorText(ctx.t, check.problem) });
  if (restrictsBothDays(check.expression)) throw new UserError('meetings.cron.error', { detail: cronErrorText(ctx.t, 'bothDays') });
  const next = nextCronTimes(check.expression, ctx.timeZone, ctx.now(), 8);
  for (let i = 1; i < next.length; i++) {
    if (next[i]!.getTime() - next[i - 1]!.getTime() < MIN_GAP_MS) {
      throw new UserError('meetings.cron.error', { detail: cronErrorText(ctx.t, 'tooOften') });
    }
  }
  return check.expression;
}

/** The reply after a meeting was added: its next two starts, the reminder and where notices go. */
async function createdText(ctx: Context, m: MeetingInfo): Promise<string> {
  const [next, after] = await upcomingStarts(ctx.db, m, ctx.timeZone, ctx.now(), 2);
  const chats = (await unitChats(ctx.db, m.unitId)).filter((c) => !c.masses || m.withSuggestions).length;
  return ctx.t('meetings.meeting.created', {
    id: m.id,
    title: m.title,
    place: m.place,
    next: next ? when(ctx, next) : '—',
    after: after ? when(ctx, after) : '—',
    lead: leadText(ctx, m.remindMinutes),
    chats,
  });
}

/** Replies with `text` here and sends it to every other member chat of the unit. */
async function announce(ctx: Context, unitId: number, text: string): Promise<void> {
  ctx.reply(text);
  for (const { ref: chat, masses } of await unitChats(ctx.db, unitId)) {
    if (masses) continue; // residents are not asked to attend Party meetings
    if (chat.platform !== ctx.chat.ref.platform || chat.chatId !== ctx.chat.ref.chatId) ctx.send(chat, text);
  }
}

/** /meeting: add, cancel or enable a default. */
export async function meetingHandler(ctx: Context, args: MeetingArgs, defaults: readonly DefaultSchedule[], kinds: readonly MeetingKind[]): Promise<void> {
  if (args.action === 'create') {
    const unitId = requireUnit(ctx);
    await requireManager(ctx, unitId);
    const kind = args.kind === null ? null : findKind(kinds, args.kind);
    if (kind === undefined) throw new UserError('meetings.meeting.unknownKind', { kind: args.kind ?? '', kinds: kinds.map((k) => k.name).join('、') });
    const cron = validMeetingCron(ctx, args.cron);
    const same = (await activeMeetings(ctx.db, unitId)).find((m) => m.title === args.title && m.cron === cron);
    if (same) throw new UserError('meetings.meeting.duplicate', { id: same.id, title: same.title });
    const m = await createMeeting(ctx.db, {
      unitId,
      title: args.title,
      cron,
      place: args.place,
      remindMinutes: args.lead,
      kind: kind?.key ?? null,
      // The kind's default is written on the meeting, so every calendar question reads one rule.
      holiday: args.holiday ?? kind?.holiday ?? null,
      createdById: ctx.member.id,
      now: ctx.now(),
    });
    await ctx.audit('meeting.create', `meeting ${m.id} unit ${unitId} "${cron}"`);
    ctx.reply(await createdText(ctx, m));
    return;
  }
  if (args.action === 'default') {
    await defaultHandler(ctx, args.name, defaults, kinds);
    return;
  }
  await cancelHandler(ctx, args.id, args.date);
}

async function defaultHandler(ctx: Context, name: string | null, defaults: readonly DefaultSchedule[], kinds: readonly MeetingKind[]): Promise<void> {
  const unitId = requireUnit(ctx);
  if (name === null) {
    const lines = [ctx.t('meetings.default.header')];
    for (const d of defaults) {
      const enabled = await meetingFromTemplate(ctx.db, unitId, d.key);
      lines.push(
        ctx.t(enabled ? 'meetings.default.lineEnabled' : 'meetings.default.line', {
          name: d.names.find((n) => /\p{Script=Han}/u.test(n) && n !== d.title.toLowerCase()) ?? d.key,
          title: d.title,
          id: enabled?.id ?? 0,
        }),
      );
    }
    lines.push(ctx.t('meetings.default.footer'));
    ctx.reply(lines.join('\n'));
    return;
  }
  const d = findDefaultSchedule(defaults, name);
  if (!d) throw new UserError('meetings.default.unknown', { name, names: defaults.map((x) => x.title).join('、') });
  const existing = await meetingFromTemplate(ctx.db, unitId, d.key);
  if (existing) throw new UserError('meetings.default.already', { id: existing.id, title: existing.title });
  const m = await createMeeting(ctx.db, {
    unitId,
    title: d.title,
    cron: d.cron,
    place: d.place,
    remindMinutes: d.remindMinutes,
    template: d.key,
    withSuggestions: d.withSuggestions,
    kind: kinds.find((k) => k.key === d.key)?.key ?? null,
    holiday: kinds.find((k) => k.key === d.key)?.holiday ?? null,
    createdById: ctx.member.id,
    now: ctx.now(),
  });
  await ctx.audit('meeting.default', `meeting ${m.id} unit ${unitId} from ${d.key}`);
  ctx.reply(await createdText(ctx, m));
}

async function cancelHandler(ctx: Context, id: number, dateText: string | null): Promise<void> {
  const m = await getMeeting(ctx.db, id);
  if (!m) throw new UserError('meetings.error.notFound', { id });
  await requireManager(ctx, m.unitId);
  if (m.status !== 'active') throw new UserError('meetings.cancel.alreadyAll', { id, title: m.title });
  if (dateText === null) {
    await cancelMeeting(ctx.db, id, ctx.now());
    await ctx.audit('meeting.cancel', `meeting ${id}`);
    await announce(ctx, m.unitId, ctx.t('meetings.cancel.all', { id, title: m.title }));
    return;
  }
  const dateKey = parseLocalDate(dateText, ctx.now(), ctx.timeZone);
  if (!dateKey) throw new UserError('meetings.cancel.badDate', { date: dateText });
  const start = startOnDate(m, ctx.timeZone, dateKey);
  if (!start) {
    const next = await upcomingStarts(ctx.db, m, ctx.timeZone, ctx.now(), 3);
    throw new UserError('meetings.cancel.noneOnDate', {
      id,
      date: dateKey,
      next: next.map((t) => localDateKey(t, ctx.timeZone)).join('、') || '—',
    });
  }
  if (start.getTime() <= ctx.now().getTime()) throw new UserError('meetings.cancel.past', { id, time: when(ctx, start) });
  if (!(await skipOccurrence(ctx.db, id, start, ctx.member.id, ctx.now()))) {
    throw new UserError('meetings.cancel.alreadyOne', { id, time: when(ctx, start) });
  }
  await ctx.audit('meeting.skip', `meeting ${id} ${start.toISOString()}`);
  await announce(ctx, m.unitId, ctx.t('meetings.cancel.one', { id, title: m.title, time: when(ctx, start) }));
}

/** /meetings: the unit's meetings with the next two starts and the answers so far. */
export async function listHandler(ctx: Context): Promise<void> {
  const unitId = requireUnit(ctx);
  const meetings = await activeMeetings(ctx.db, unitId);
  if (!meetings.length) {
    ctx.reply(ctx.t('meetings.meetings.empty'));
    return;
  }
  const rows: { next: number; lines: string[] }[] = [];
  for (const m of meetings) {
    const [next, after] = await upcomingStarts(ctx.db, m, ctx.timeZone, ctx.now(), 2);
    const counts = next ? await rsvpCounts(ctx.db, m.id, next) : { yes: 0, no: 0 };
    rows.push({
      next: next?.getTime() ?? Number.MAX_SAFE_INTEGER,
      lines: [
        ctx.t('meetings.meetings.line', { id: m.id, title: m.title, next: next ? when(ctx, next) : '—', place: m.place }),
        ctx.t('meetings.meetings.detail', { after: after ? when(ctx, after) : '—', lead: leadText(ctx, m.remindMinutes), yes: counts.yes, no: counts.no }),
      ],
    });
  }
  rows.sort((a, b) => a.next - b.next);
  ctx.reply([ctx.t('meetings.meetings.header', { count: meetings.length }), ...rows.flatMap((r) => r.lines)].join('\n'));
}
