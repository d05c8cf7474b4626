/**
 * The meetings slice (会议制度): recurring meetings of a unit with notices at the start and a
 * reminder before, to every chat of the unit on every platform; RSVP (到 / 请假); attendance
 * recorded by the secretary; default schedules from `prompts/schedules.yaml`.
 *
 * Commands (spec: meeting, meetings, rsvp / 到 / 请假; this slice adds attendance and leave):
 * - `/meeting 标题 | cron表达式 | 地点 [| 提前提醒]` (secretary+), `/meeting cancel #N [日期]`,
 *   `/meeting default [名称]` (admins) — see manage.ts;
 * - `/meetings` (all) — the unit's meetings with the next times;
 * - `/rsvp [#N] [yes|no] [理由]` = `#到`, `/leave [#N] [理由]` = `#请假`, and bare `到` / `请假 理由`
 *   while a meeting's RSVP is open in that chat — see rsvp.ts;
 * - `/attendance [#N [日期] [到:… 缺:… 假:…]]` (secretary+) — see attendance.ts.
 *
 * For /report and the annual evaluation: `attendanceRate(db, unitId, from, to)` and
 * `memberAttendance(db, memberId, from, to)` in store.ts.
 */
import { noArgs } from '../../bot/args.ts';
import { command, type Context, type Feature, type ReportScope, type ReportSection } from '../../bot/feature.ts';
import { listUnits } from '../../bot/roster.ts';
import { localMidnight, localParts } from '../../bot/time.ts';
import type { FeatureServices } from '../index.ts';
import { attendanceArgs, attendanceHandler } from './attendance.ts';
import { MOVED_TASK, meetingJobs, runMovedNotice } from './jobs.ts';
import { listHandler, meetingArgs, meetingHandler } from './manage.ts';
import { countsText } from './render.ts';
import { bareAnswer, leaveArgs, rsvpArgs, rsvpHandler } from './rsvp.ts';
import { loadDefaultSchedules } from './schedules.ts';
import { loadMeetingKinds } from './kinds.ts';
import { attendanceRate, memberAttendance } from './store.ts';
import { PARTY_MEMBER } from '../../bot/policy.ts';

export { attendanceRate, memberAttendance } from './store.ts';

/** Builds the meetings feature; reads and checks the default schedules once. */
export function meetingsFeature(services: Pick<FeatureServices, 'config' | 'promptsDir'>): Feature {
  const defaults = loadDefaultSchedules(services.promptsDir, services.config.BOT_LOCALE, services.config.BOT_TIMEZONE);
  const kinds = loadMeetingKinds(services.promptsDir, services.config.BOT_LOCALE);
  return {
    name: 'meetings',
    commands: [
      command({
        name: 'meeting',
        aliases: ['会议'],
        minRole: 'secretary',
        summaryKey: 'meetings.meeting.summary',
        usageKey: 'meetings.meeting.usage',
        args: meetingArgs,
        handler: (ctx, args) => meetingHandler(ctx, args, defaults, kinds),
        subcommands: [{ name: 'default', minRole: 'admin', summaryKey: 'meetings.sub.default.summary', usageKey: 'meetings.sub.default.usage', refusalKey: 'meetings.default.adminOnly' }],
        subcommandOf: (args) => (args.action === 'default' ? 'default' : undefined),
      }),
      command({
        name: 'meetings',
        aliases: ['会议列表'],
        minRole: 'masses',
        summaryKey: 'meetings.meetings.summary',
        usageKey: 'meetings.meetings.usage',
        args: noArgs,
        handler: (ctx) => listHandler(ctx),
      }),
      command({
        name: 'rsvp',
        aliases: ['到'],
        minRole: PARTY_MEMBER,
        summaryKey: 'meetings.rsvp.summary',
        usageKey: 'meetings.rsvp.usage',
        args: rsvpArgs,
        handler: rsvpHandler,
      }),
      command({
        name: 'leave',
        aliases: ['请假'],
        minRole: PARTY_MEMBER,
        summaryKey: 'meetings.leave.summary',
        usageKey: 'meetings.leave.usage',
        args: leaveArgs,
        handler: rsvpHandler,
      }),
      command({
        name: 'attendance',
        aliases: ['考勤', '出勤'],
        minRole: 'secretary',
        summaryKey: 'meetings.attendance.summary',
        usageKey: 'meetings.attendance.usage',
        args: attendanceArgs,
        handler: attendanceHandler,
      }),
    ],
    onPlainText: bareAnswer,
    profileLines: async (ctx) => {
      const year = localParts(ctx.now(), ctx.timeZone).year;
      const c = await memberAttendance(ctx.db, ctx.member.id, localMidnight(`${year}-01-01`, ctx.timeZone), new Date(ctx.now().getTime() + 1));
      if (c.rate === null) return [];
      return [ctx.t('meetings.profile', { year, figures: countsText(ctx.t, c) })];
    },
    reportSections: attendanceSection,
    jobs: (scheduler) => {
      scheduler.dynamic('meetings', (db) => meetingJobs(db, kinds));
      scheduler.handle(MOVED_TASK, runMovedNotice);
    },
  };
}

/**
 * The attendance section of /report: recorded attendance of the unit's meetings in the period
 * (a township: its own line, then each branch's), or one line saying nothing was recorded.
 */
async function attendanceSection(ctx: Context, scope: ReportScope): Promise<ReportSection[]> {
  const units = await listUnits(ctx.db);
  const shown = [{ id: scope.unitId, name: scope.unitName }, ...(scope.unitKind === 'township' ? units.filter((u) => u.parentId === scope.unitId) : [])];
  const lines: string[] = [];
  for (const u of shown) {
    const a = await attendanceRate(ctx.db, u.id, scope.from, scope.to);
    if (a.rate !== null) lines.push(ctx.t('meetings.report.line', { unit: u.name, meetings: a.meetings, figures: countsText(ctx.t, a) }));
  }
  if (lines.length === 0) lines.push(ctx.t('meetings.report.none'));
  return [{ title: ctx.t('meetings.report.title'), lines }];
}
