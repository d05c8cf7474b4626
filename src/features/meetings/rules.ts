/**
 * The meetings rules, pure: how `/meeting`, `/rsvp`, `/leave` and `/attendance` read, what a bare
 * `到` or `请假 理由` is, the limits they keep, and which day a date typed without a year means.
 * No database and no clock read: `now` is given where a rule needs it.
 */
import { idToken, pipeParts } from '../../bot/args.ts';
import { parseInteger } from '../../bot/answers.ts';
import { localMidnight, localParts, parseLocalDate } from '../../bot/time.ts';
import type { HolidayRule } from './kinds.ts';
import type { AttendanceStatus, RsvpAnswer } from './store.ts';

/** Longest title and place (characters). */
export const MAX_TITLE = 40;
export const MAX_PLACE = 60;
/** Longest reminder lead: 7 days. */
export const MAX_LEAD_MINUTES = 10_080;
/** Reminder lead when none is given. */
export const DEFAULT_LEAD_MINUTES = 60;
/** Two starts of one meeting closer than this are refused (a meeting is at most daily). */
export const MIN_GAP_MS = 23 * 60 * 60_000;
/** An occurrence that started less than this ago still takes answers. */
export const RSVP_AFTER_START_MS = 60 * 60_000;
/** Bare answers are taken from at least this long before the start (or from the reminder, if earlier). */
export const BARE_WINDOW_BEFORE_MS = 24 * 60 * 60_000;
/** Longest reason kept (characters). */
export const MAX_REASON = 200;
/** Names in one /attendance. */
const MAX_MARKS = 300;

const CANCEL_WORDS = new Set(['cancel', '取消']);
const DEFAULT_WORDS = new Set(['default', '默认', '启用']);
const YES_WORDS = new Set(['yes', 'y', '到', '参加', '是', '能', '去']);
const NO_WORDS = new Set(['no', 'n', '请假', '不参加', '否', '不能', '不去']);
const BARE_YES = /^到[!！~～]*$/;
const BARE_NO = /^请假(?:$|[ ,:;，：；]+([\s\S]*)$)/;

/** A refusal of the arguments: what was expected (for the usage issue). */
export interface Malformed {
  readonly malformed: string;
}

/** True for a refusal of the arguments. */
export function isMalformed(r: object): r is Malformed {
  return 'malformed' in r;
}

const malformed = (what: string): Malformed => ({ malformed: what });

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
    const rule = value && Object.hasOwn(HOLIDAY_WORDS, value.toLowerCase()) ? HOLIDAY_WORDS[value.toLowerCase()] : undefined;
    if ((f === 'kind' || f === '类型') && value && [...value].length <= 20) kind = value;
    else if ((f === 'holiday' || f === '节假日') && rule) holiday = rule;
    else bad = true;
    return ' ';
  });
  return bad ? null : { rest: rest.trim(), kind, holiday };
}

/** `/meeting 标题 | cron | 地点 [| 提前提醒] [--kind X] [--holiday Y]`: a new meeting. */
function readCreate(text: string): MeetingArgs | Malformed {
  const flags = takeFlags(text);
  if (!flags) return malformed('--kind NAME --holiday keep|skip|move');
  const parts = pipeParts(flags.rest);
  if (parts.length < 3 || parts.length > 4) return malformed('title | cron | place [| lead]');
  const [title, cron, place, leadRaw] = parts as [string, string, string, string | undefined];
  if (!title || [...title].length > MAX_TITLE) return malformed('title');
  if (!place || [...place].length > MAX_PLACE) return malformed('place');
  if (!cron) return malformed('cron');
  let lead = DEFAULT_LEAD_MINUTES;
  if (leadRaw !== undefined && leadRaw !== '') {
    const n = parseLead(leadRaw);
    if (n === undefined || n < 0 || n > MAX_LEAD_MINUTES) return malformed('lead');
    lead = n;
  }
  return { action: 'create', title, cron, place, lead, kind: flags.kind, holiday: flags.holiday };
}

/** Reads /meeting's arguments: create (with `|`), `cancel #N [日期]` or `default [名称]`. */
export function readMeetingArgs(text: string, tokens: readonly string[]): MeetingArgs | Malformed {
  if (text.includes('|')) return readCreate(text);
  const [first, ...rest] = tokens;
  const word = (first ?? '').toLowerCase();
  if (CANCEL_WORDS.has(word)) {
    const id = idToken.safeParse(rest[0] ?? '');
    if (!id.success || rest.length > 2) return malformed('cancel #N [date]');
    return { action: 'cancel', id: id.data, date: rest[1] ?? null };
  }
  if (DEFAULT_WORDS.has(word)) {
    const name = rest.join(' ').trim();
    if ([...name].length > 40) return malformed('default name');
    return { action: 'default', name: name || null };
  }
  return malformed('form');
}

/** Parsed arguments of /rsvp and /leave. */
export interface RsvpArgs {
  readonly id: number | null;
  readonly answer: RsvpAnswer;
  readonly reason: string | null;
}

/**
 * Reads /rsvp (`defaultAnswer` yes: `[#N] [yes|no] [理由]`, a plain number is the id too) or
 * /leave (no: `[#N] [理由]`). Null when the reason is too long.
 */
export function readRsvp(words: readonly string[], defaultAnswer: RsvpAnswer): RsvpArgs | null {
  const tokens = [...words];
  let id: number | null = null;
  const maybeId = idToken.safeParse(tokens[0] ?? '');
  if (maybeId.success && (tokens[0]!.startsWith('#') || defaultAnswer === 'yes')) {
    id = maybeId.data;
    tokens.shift();
  }
  let answer = defaultAnswer;
  const word = (tokens[0] ?? '').toLowerCase();
  if (defaultAnswer === 'yes' && YES_WORDS.has(word)) tokens.shift();
  else if (defaultAnswer === 'yes' && NO_WORDS.has(word)) {
    answer = 'no';
    tokens.shift();
  }
  const reason = tokens.join(' ').trim();
  if ([...reason].length > MAX_REASON) return null;
  return { id, answer, reason: reason || null };
}

/** A bare `到` (`到！`) or `请假 理由` as an answer, its reason cut to MAX_REASON; null for anything else (`到了`, `请假的人多吗`). */
export function readBareAnswer(text: string): { answer: RsvpAnswer; reason: string | null } | null {
  if (BARE_YES.test(text)) return { answer: 'yes', reason: null };
  const no = BARE_NO.exec(text);
  if (!no) return null;
  return { answer: 'no', reason: (no[1] ?? '').trim().slice(0, MAX_REASON) || null };
}

/** When bare answers open for an occurrence: the reminder or a day before the start, whichever is earlier. */
export function bareAnswersOpenAt(start: Date, remindMinutes: number): number {
  return start.getTime() - Math.max(remindMinutes * 60_000, BARE_WINDOW_BEFORE_MS);
}

/** Mark labels, in both languages. */
const LABELS: Readonly<Record<string, AttendanceStatus>> = {
  到: 'present',
  出席: 'present',
  实到: 'present',
  present: 'present',
  缺: 'absent',
  缺席: 'absent',
  absent: 'absent',
  假: 'excused',
  请假: 'excused',
  excused: 'excused',
};
const LABEL_RE = new RegExp(`(${Object.keys(LABELS).sort((a, b) => b.length - a.length).join('|')})\\s*:`, 'gi');

/** Parsed arguments of /attendance. */
export type AttendanceArgs =
  | { readonly action: 'summary' }
  | { readonly action: 'rollcall'; readonly id: number; readonly date: string | null }
  | { readonly action: 'record'; readonly id: number; readonly date: string | null; readonly marks: readonly { status: AttendanceStatus; who: string }[] };

/** The marks after `到:` `缺:` `假:` (names or roll-call numbers, `@` dropped), in order. */
function marksOf(rest: string, labels: readonly RegExpExecArray[]): { status: AttendanceStatus; who: string }[] {
  const marks: { status: AttendanceStatus; who: string }[] = [];
  labels.forEach((m, i) => {
    const start = m.index + m[0].length;
    const end = i + 1 < labels.length ? labels[i + 1]!.index : rest.length;
    const status = LABELS[m[1]!.toLowerCase()]!;
    for (const who of rest.slice(start, end).split(/[,\s]+/).map((s) => s.replace(/^@/, '').trim())) {
      if (who) marks.push({ status, who });
    }
  });
  return marks;
}

/** Reads /attendance: nothing (the summary), `#N [日期]` (the roll call), or `#N [日期] 到:… 缺:… 假:…`. */
export function readAttendanceArgs(tokens: readonly string[]): AttendanceArgs | Malformed {
  if (!tokens.length) return { action: 'summary' };
  const id = idToken.safeParse(tokens[0]);
  if (!id.success) return malformed('#N expected');
  const rest = tokens.slice(1).join(' ');
  const labels = [...rest.matchAll(LABEL_RE)];
  const head = (labels.length ? rest.slice(0, labels[0]!.index) : rest).trim();
  if (head.includes(' ')) return malformed('one date at most before the marks');
  const date = head || null;
  if (!labels.length) return { action: 'rollcall', id: id.data, date };
  const marks = marksOf(rest, labels);
  if (!marks.length || marks.length > MAX_MARKS || marks.some((m) => [...m.who].length > 64)) return malformed('names expected after 到: 缺: 假:');
  return { action: 'record', id: id.data, date, marks };
}

/** A date without a year means the nearest such day, this year or the one before or after (12-28 typed on 3 January is last December's). */
export function nearestDateKey(text: string, now: Date, timeZone: string): string | null {
  const key = parseLocalDate(text, now, timeZone);
  if (!key) return null;
  const today = localParts(now, timeZone).year;
  let best: { key: string; distance: number } | null = null;
  for (const year of [today - 1, today, today + 1]) {
    const candidate = parseLocalDate(`${year}${key.slice(4)}`, now, timeZone);
    if (!candidate) continue;
    const distance = Math.abs(localMidnight(candidate, timeZone).getTime() - now.getTime());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  return best?.key ?? null;
}
