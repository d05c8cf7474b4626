/**
 * What a poll is and does apart from any one command: whether it takes votes, reading an answer,
 * its tally and turnout, when its figures may be shown, and closing and reminding (shared by the
 * commands and the scheduled tasks).
 */
import type { BaseContext } from '../../bot/context.ts';
import type { Delivery, Tx } from '../../bot/feature.ts';
import type { ChatRef, Platform, QueuedMessage } from '../../bot/types.ts';
import { parseChoice, parseChoices, parseScore } from '../../bot/answers.ts';
import { privateChatsOf } from '../../bot/roster.ts';
import { recheckCloseAt } from '../../bot/backlog.ts';
import type { Logger } from '../../logger.ts';
import { chartMessage } from './chart.ts';
import { chartSpec, nativeKey, resultsText, usesNativePoll } from './render.ts';
import { exemptAmong } from '../care/api.ts';
import { formalSuffix } from './formal/results.ts';
import { landAll, notifyLost } from './landing.ts';
import { ballotGroups, eligibleMembers, getPoll, markClosed, voterIds, type BallotContent, type Poll } from './store.ts';
import type { BallotStager } from './staging.ts';
import { tallyChoiceGroups, tallyScoreGroups, type Tally } from './tally.ts';
import { formatStamp } from './time.ts';
import { settingOn } from '../settings/api.ts';
import { activeExemptions } from '../pledges/api.ts';
import { localDateKey } from '../../bot/time.ts';

/** Fewest ballots before any figure of an anonymous poll is shown (`--min` may raise it). */
export const ANON_MIN_BALLOTS = 5;
/** Most private reminders sent for one poll. */
const MAX_NUDGES = 300;

/** The feature's process state: staged anonymous ballots and the logger. */
export interface PollsRuntime {
  readonly stager: BallotStager;
  readonly logger?: Logger;
  /** The review a secret grading belongs to (the review slice's lookup), for replies that point to it. */
  readonly reviewOfGrading?: (db: Tx, pollId: number) => Promise<number | null>;
}

/** The chat a poll was announced in. */
export function pollChat(poll: Pick<Poll, 'platform' | 'chatExternalId' | 'chatTitle'>): ChatRef {
  return { platform: poll.platform as Platform, chatId: poll.chatExternalId, kind: 'group', title: poll.chatTitle };
}

/** True while votes are accepted: open and not past its close time. */
export function acceptsVotes(poll: Pick<Poll, 'status' | 'closesAt'>, now: Date): boolean {
  return poll.status === 'open' && (poll.closesAt === null || poll.closesAt.getTime() > now.getTime());
}

/** Reads an answer to this poll from text (`1 3`, `选B`, `95分`, `九十五`); undefined when it is none. */
export function parseAnswer(poll: Pick<Poll, 'kind' | 'multiple' | 'options'>, text: string): BallotContent | undefined {
  if (poll.kind === 'rating') {
    const score = parseScore(text);
    return score === undefined ? undefined : { choices: [], score };
  }
  const n = poll.options.length;
  if (poll.multiple) {
    const picks = parseChoices(text, n);
    return picks === undefined ? undefined : { choices: [...picks], score: null };
  }
  const pick = parseChoice(text, n);
  return pick === undefined ? undefined : { choices: [pick], score: null };
}

/** The tally of a poll from its written ballots. */
export async function tallyPoll(db: Tx, poll: Poll): Promise<Tally> {
  const groups = await ballotGroups(db, poll);
  return poll.kind === 'rating'
    ? tallyScoreGroups(groups.flatMap((g) => (g.score === null ? [] : [{ value: g.score, count: g.count }])))
    : tallyChoiceGroups(poll.options.length, groups.map((g) => ({ value: g.choices, count: g.count })));
}

/** Voters and eligible voters of a poll (eligible as it was at close, or now while open). */
export async function turnoutOf(db: Tx, poll: Poll): Promise<{ voted: number; eligible: number }> {
  const voted = (await voterIds(db, poll.id)).size;
  const eligible = poll.eligibleAtClose ?? (await eligibleMembers(db, poll)).length;
  return { voted, eligible };
}

/** Fewest ballots before figures are shown: at least ANON_MIN_BALLOTS for an anonymous poll. */
export function minBallotsOf(poll: Pick<Poll, 'anonymous' | 'minBallots'>): number {
  return poll.anonymous ? Math.max(ANON_MIN_BALLOTS, poll.minBallots) : poll.minBallots;
}

/** True when a poll has fewer ballots than its minimum: no figure of it is shown, ever. */
export function hiddenByMin(poll: Pick<Poll, 'anonymous' | 'minBallots'>, tally: Tally): boolean {
  const min = minBallotsOf(poll);
  return min > 0 && tally.ballots < min;
}

/**
 * The results of a poll as messages for a chat on `platform`: the text and, with `chart` where
 * the platform shows pictures, the bar chart, rendered by the outbox when it is sent (after this
 * transaction commits: `polls.chart`). Under its minimum only the notice that results are withheld.
 */
export async function resultsMessages(env: BaseContext, poll: Poll, platform: Platform, options: { prefix?: string; chart?: boolean } = {}): Promise<QueuedMessage[]> {
  const { t } = env;
  const prefix = options.prefix ?? '';
  const tally = await tallyPoll(env.db, poll);
  if (hiddenByMin(poll, tally)) {
    const key = poll.status === 'closed' ? 'polls.results.tooFewClosed' : 'polls.results.tooFew';
    return [{ kind: 'text', text: prefix + t(key, { id: poll.id, min: minBallotsOf(poll), count: tally.ballots }) }];
  }
  const { voted, eligible } = await turnoutOf(env.db, poll);
  const formal = await formalSuffix(t, env.db, poll, tally, voted, eligible);
  const out: QueuedMessage[] = [{ kind: 'text', text: prefix + resultsText(t, poll, tally, voted, eligible) + formal }];
  if (options.chart && env.capabilitiesOf(platform)?.images) {
    const caption = t('polls.results.chartCaption', { id: poll.id });
    out.push(chartMessage(chartSpec(t, poll, tally, voted, eligible), caption));
  }
  return out;
}

/**
 * When the close task of poll #pollId should look again instead of closing: while votes that
 * arrived before its close time still wait to be processed (backlog.ts; they count, judged by
 * when they arrived). Null: close now (or the poll is gone or closed already).
 */
export async function closeRecheck(env: BaseContext, pollId: number): Promise<Date | null> {
  const poll = await getPoll(env.db, pollId);
  if (!poll || poll.status !== 'open' || !poll.closesAt) return null;
  return recheckCloseAt(env.db, poll.platform as Platform, poll.closesAt, env.now());
}

/**
 * Closes a poll once and returns what to post: the results in the poll's chat and a `stop_poll`
 * for its native poll. An anonymous poll's staged ballots are written first (in this closing
 * transaction, which is no voter's) and its batch structure erased. Null when the poll does not
 * exist or is already closed (a manual /close and the scheduled close may race; only one posts).
 */
export async function closePoll(env: BaseContext, pollId: number, runtime?: PollsRuntime): Promise<Delivery[] | null> {
  const poll = await getPoll(env.db, pollId);
  if (!poll || poll.status === 'closed') return null;
  const now = env.now();
  const eligible = (await eligibleMembers(env.db, poll)).length;
  if (!(await markClosed(env.db, pollId, now, eligible))) return null;
  const deliveries: Delivery[] = [];
  if (poll.anonymous && runtime) {
    const lost = await landAll(env.db, poll, runtime.stager);
    deliveries.push(...(await notifyLost(env, poll, lost, true)));
  }
  const closed: Poll = { ...poll, status: 'closed', closedAt: now, eligibleAtClose: eligible };
  const chat = pollChat(poll);
  if (usesNativePoll(poll)) deliveries.push({ chat, message: { kind: 'stop_poll', nativeKey: nativeKey(poll.id) } });
  const prefix = `${env.t('polls.close.done', { id: poll.id })}\n`;
  for (const message of await resultsMessages(env, closed, chat.platform, { prefix, chart: true })) deliveries.push({ chat, message });
  return deliveries;
}

/**
 * The reminder before close: privately, to each non-voter who can be reached and is not exempt
 * from reminders (`/pledges 免提醒`), that the poll closes soon; in the poll's chat, how many have
 * not voted (no names), only where the unit turned on `/settings 群内提醒`. Nothing when closed.
 */
export async function remindPoll(env: BaseContext, pollId: number): Promise<Delivery[]> {
  const poll = await getPoll(env.db, pollId);
  if (!poll || !acceptsVotes(poll, env.now()) || !poll.closesAt) return [];
  const voters = await voterIds(env.db, poll.id);
  const missing = (await eligibleMembers(env.db, poll)).filter((m) => !voters.has(m.id));
  if (missing.length === 0) return [];
  const time = formatStamp(poll.closesAt, env.timeZone);
  const out: Delivery[] = [];
  // Invite, do not force: the group hears of it only where the unit chose group reminders.
  if (await settingOn(env.db, poll.unitId, 'groupReminders')) {
    out.push({ chat: pollChat(poll), message: { kind: 'text', text: env.t('polls.remind.group', { id: poll.id, question: poll.question, time, missing: missing.length }) } });
  }
  // Exempt members (条例第二十三条, and those excused from reminders with /pledges 免提醒) are not chased.
  const ids = missing.map((m) => m.id);
  const exempt = new Set([...(await exemptAmong(env.db, ids, env.now(), env.timeZone)), ...(await activeExemptions(env.db, localDateKey(env.now(), env.timeZone), ids)).keys()]);
  for (const m of missing.filter((x) => !exempt.has(x.id)).slice(0, MAX_NUDGES)) {
    const chats = (await privateChatsOf(env.db, m.id)).filter((c) => env.capabilitiesOf(c.platform)?.privateMessages);
    const chat = chats.find((c) => c.platform === poll.platform) ?? chats[0];
    if (chat) out.push({ chat, message: { kind: 'text', text: env.t('polls.remind.private', { id: poll.id, question: poll.question, time }) } });
  }
  return out;
}

/**
 * When to remind non-voters: two hours before close, or halfway for a shorter poll; none when the
 * poll is open less than 20 minutes.
 */
export function reminderTime(now: Date, closesAt: Date): Date | null {
  const span = closesAt.getTime() - now.getTime();
  if (span < 20 * 60_000) return null;
  return new Date(closesAt.getTime() - Math.min(2 * 3600_000, span / 2));
}
