/**
 * `/meeting 标题 | cron | 地点 [| 提前提醒]` adds a meeting (secretaries), `/meeting cancel #N [日期]`
 * calls off one occurrence or the whole meeting, `/meeting default [名称]` enables a default
 * schedule of `prompts/schedules.yaml` (admins: a sub-command).
 */
import { z } from 'zod';
import { argInput } from '../../../bot/args.ts';
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { checkCron, nextCronTimes, restrictsBothDays } from '../../../scheduler/cron.ts';
import { localDateKey, parseLocalDate } from '../../../bot/time.ts';
import { requireManager, requireUnit } from '../access.ts';
import { startOnDate, upcomingStarts } from '../calendar.ts';
import { cronErrorText, leadText, when } from '../render.ts';
import { isMalformed, MIN_GAP_MS, readMeetingArgs, type MeetingArgs } from '../rules.ts';
import { findDefaultSchedule, type DefaultSchedule } from '../schedules.ts';
import { findKind, type MeetingKind } from '../kinds.ts';
import {
  activeMeetings,
  cancelMeeting,
  createMeeting,
  getMeeting,
  meetingFromTemplate,
  skipOccurrence,
  unitChats,
  type MeetingInfo,
} from '../store.ts';

/** Zod schema of /meeting's arguments (rules.ts reads them). */
const meetingArgs = argInput.transform((a, ctx): MeetingArgs => {
  const r = readMeetingArgs(a.text, a.tokens);
  if (!isMalformed(r)) return r;
  ctx.addIssue({ code: 'custom', message: r.malformed });
  return z.NEVER;
});


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
async function meetingHandler(ctx: Context, args: MeetingArgs, defaults: readonly DefaultSchedule[], kinds: readonly MeetingKind[]): Promise<void> {
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

/** The /meeting command; `defaults` are the schedules of prompts/schedules.yaml, `kinds` the meeting kinds. */
export function meetingCommand(defaults: readonly DefaultSchedule[], kinds: readonly MeetingKind[]) {
  return command({
    name: 'meeting',
    aliases: ['会议'],
    minRole: 'secretary',
    summaryKey: 'meetings.meeting.summary',
    usageKey: 'meetings.meeting.usage',
    args: meetingArgs,
    handler: (ctx, args) => meetingHandler(ctx, args, defaults, kinds),
    subcommands: [{ name: 'default', minRole: 'admin', summaryKey: 'meetings.sub.default.summary', usageKey: 'meetings.sub.default.usage', refusalKey: 'meetings.default.adminOnly' }],
    subcommandOf: (args) => (args.action === 'default' ? 'default' : undefined),
  });
}
