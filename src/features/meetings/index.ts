/**
 * The meetings slice (会议制度): recurring meetings of a unit with notices at the start and a
 * reminder before, to every chat of the unit on every platform; RSVP (到 / 请假); attendance
 * recorded by the secretary; default schedules from `prompts/schedules.yaml`.
 *
 * Commands (spec: meeting, meetings, rsvp / 到 / 请假; this slice adds attendance and leave):
 * - `/meeting 标题 | cron表达式 | 地点 [| 提前提醒]` (secretary+), `/meeting cancel #N [日期]`,
 *   `/meeting default [名称]` (admins) — commands/meeting.ts;
 * - `/meetings` (all) — the unit's meetings with the next times (commands/meetings.ts);
 * - `/rsvp [#N] [yes|no] [理由]` = `#到`, `/leave [#N] [理由]` = `#请假`, and bare `到` / `请假 理由`
 *   while a meeting's RSVP is open in that chat — commands/rsvp.ts;
 * - `/attendance [#N [日期] [到:… 缺:… 假:…]]` (secretary+) — commands/attendance.ts.
 *
 * The pure rules (argument readings, bare answers, limits) are in rules.ts. For /report and the
 * annual evaluation: `attendanceRate(db, unitId, from, to)` and `memberAttendance(db, memberId,
 * from, to)` in store.ts.
 */
import type { Feature } from '../../bot/feature.ts';
import type { FeatureServices } from '../index.ts';
import { attendanceCommand } from './commands/attendance.ts';
import { meetingCommand } from './commands/meeting.ts';
import { meetingsCommand } from './commands/meetings.ts';
import { bareAnswer, leaveCommand, rsvpCommand } from './commands/rsvp.ts';
import { MOVED_TASK, meetingJobs, runMovedNotice } from './jobs.ts';
import { loadMeetingKinds } from './kinds.ts';
import { profileLines } from './profile.ts';
import { attendanceSection } from './report.ts';
import { loadDefaultSchedules } from './schedules.ts';

export { attendanceRate, memberAttendance } from './store.ts';

/** Builds the meetings feature; reads and checks the default schedules once. */
export function meetingsFeature(services: Pick<FeatureServices, 'config' | 'promptsDir'>): Feature {
  const defaults = loadDefaultSchedules(services.promptsDir, services.config.BOT_LOCALE, services.config.BOT_TIMEZONE);
  const kinds = loadMeetingKinds(services.promptsDir, services.config.BOT_LOCALE);
  return {
    name: 'meetings',
    commands: [meetingCommand(defaults, kinds), meetingsCommand, rsvpCommand, leaveCommand, attendanceCommand],
    onPlainText: bareAnswer,
    profileLines,
    reportSections: attendanceSection,
    jobs: (scheduler) => {
      scheduler.dynamic('meetings', (db) => meetingJobs(db, kinds));
      scheduler.handle(MOVED_TASK, runMovedNotice);
    },
  };
}
