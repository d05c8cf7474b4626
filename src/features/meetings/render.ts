/**
 * The meetings slice's message texts, all from `prompts/<locale>/meetings.yaml`: notices and
 * reminders, the meeting list, RSVP and attendance replies, and the cron error with its example.
 */
import type { BaseContext } from '../../bot/context.ts';
import type { Translate } from '../../bot/feature.ts';
import type { ChatRef } from '../../bot/types.ts';
import { replyHint } from '../../bot/reply-hint.ts';
import type { CronProblem } from '../../scheduler/cron.ts';
import { formatLocal } from '../../bot/time.ts';
import type { AttendanceCounts, MeetingInfo } from './store.ts';

/** What rendering uses of the context: the translator, the language, the org time zone and the clock. */
type RenderContext = Pick<BaseContext, 't' | 'locale' | 'timeZone' | 'now'>;

/** A start time for people, e.g. `11月29日 周日 19:30`. */
export function when(env: RenderContext, at: Date): string {
  return formatLocal(at, env.timeZone, env.locale, env.now());
}

/** A rate as a whole percentage, or a dash when nothing was recorded. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`;
}

/** The reminder lead in words: `60 分钟`, `1 天`, or "no reminder". */
export function leadText(env: RenderContext, minutes: number): string {
  if (minutes === 0) return env.t('meetings.lead.none');
  if (minutes % 1440 === 0) return env.t('meetings.lead.days', { n: minutes / 1440 });
  if (minutes % 60 === 0) return env.t('meetings.lead.hours', { n: minutes / 60 });
  return env.t('meetings.lead.minutes', { n: minutes });
}

/** Time left before a start in words: `还有 60 分钟`, `还有 1 天`. */
export function leftText(env: RenderContext, minutes: number): string {
  if (minutes >= 1440 && minutes % 1440 === 0) return env.t('meetings.left.days', { n: minutes / 1440 });
  if (minutes >= 60 && minutes % 60 === 0) return env.t('meetings.left.hours', { n: minutes / 60 });
  return env.t('meetings.left.minutes', { n: minutes });
}

/**
 * The notice at the start (`notice`) or the reminder before it (`reminder`), with the RSVP counts
 * and, for the joint meeting, the number of open suggestions.
 */
export function noticeText(
  env: RenderContext & Pick<BaseContext, 'capabilitiesOf' | 'botName'>,
  /** The chat it is posted in (its hint then says `@先锋 到` where needed); null for a private digest. */
  chat: Pick<ChatRef, 'platform' | 'kind'> | null,
  m: MeetingInfo,
  kind: 'notice' | 'reminder',
  startsAt: Date,
  rsvp: { yes: number; no: number },
  openSuggestions: number | null,
  late: boolean,
  audience: 'members' | 'residents' = 'members',
): string {
  const { t } = env;
  const lines: string[] = [];
  if (kind === 'notice') {
    lines.push(t('meetings.notice.head', { id: m.id, title: m.title }));
    lines.push(t(late ? 'meetings.notice.timeLate' : 'meetings.notice.time', { time: when(env, startsAt) }));
  } else {
    const left = Math.max(1, Math.round((startsAt.getTime() - env.now().getTime()) / 60_000));
    lines.push(t('meetings.reminder.head', { id: m.id, title: m.title }));
    lines.push(t('meetings.reminder.time', { time: when(env, startsAt), left: leftText(env, left) }));
  }
  lines.push(t('meetings.notice.place', { place: m.place }));
  if (openSuggestions !== null) lines.push(t('meetings.notice.suggestions', { count: openSuggestions }));
  if (audience === 'residents') {
    // Residents do not answer 到 / 请假; they are invited to send what they need.
    lines.push(t('meetings.reminder.howToSuggest'));
    return lines.join('\n');
  }
  lines.push(t('meetings.notice.rsvpCounts', { yes: rsvp.yes, no: rsvp.no }));
  lines.push(replyHint(env, chat ?? { platform: '', kind: 'private' }, kind === 'notice' ? 'meetings.notice.howToRsvp' : 'meetings.reminder.howToRsvp', { id: m.id }));
  if (kind === 'reminder' && openSuggestions !== null) lines.push(t('meetings.reminder.howToSuggest'));
  return lines.join('\n');
}

/** The refusal of a bad cron expression: what is wrong, then the form and an example. */
export function cronErrorText(t: Translate, problem: CronProblem | 'bothDays' | 'tooOften'): string {
  let what: string;
  if (problem === 'bothDays' || problem === 'tooOften') what = t(`meetings.cron.${problem}`);
  else if (problem.kind === 'fieldCount') what = t('meetings.cron.fieldCount', { count: problem.fields });
  else if (problem.kind === 'seconds') what = t('meetings.cron.seconds');
  else if (problem.kind === 'never') what = t('meetings.cron.never');
  else what = t('meetings.cron.field', { field: t(`meetings.cron.fields.${problem.field}`), value: problem.value || '?' });
  return `${what}\n${t('meetings.cron.example')}`;
}

/** One line of the attendance figures of a person or a unit. */
export function countsText(t: Translate, c: AttendanceCounts): string {
  return t('meetings.attendance.counts', {
    rate: percent(c.rate),
    present: c.present,
    absent: c.absent,
    excused: c.excused,
    total: c.present + c.absent + c.excused,
  });
}
