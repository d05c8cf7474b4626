/**
 * Polls and evaluations (issue 7): choice polls (`/poll`) and 0-100 ratings (`/rate`), named or
 * anonymous, one ballot per person replaced while open, results hidden until close or until
 * enough ballots, turnout, results with a chart, CSV export, timed close and reminder through the
 * scheduler, and the annual evaluation of branches for `/report`.
 *
 * Decisions:
 * - Anonymous ballots cannot be linked to voters by anyone, including whoever holds the database
 *   and the server: see store.ts and codes.ts. The price: changing an anonymous ballot needs the
 *   receipt code (`/vote #N 新选项 回执码`), because nothing else leads to it; a voter whose code
 *   could not be delivered (no private messages) keeps a valid ballot they can no longer change.
 *   Every /vote, and every bare answer taken as a vote, is stored in the inbox without its text
 *   (`ctx.redactEvent`), and the receipt message is erased from the outbox once delivered.
 * - Native polls (where the platform has them, within its `maxPollOptions`) only for named choice polls with live results:
 *   a bot cannot see anonymous native votes, and a native poll shows live results, which `--hide`
 *   forbids. Everything else is text with buttons (`/vote #N k`); all answers reach one handler.
 * - Bare answers (`1`, `Ａ`, `选B`, `95`, `九十五`) count while exactly one open poll of this chat (in
 *   a private chat: of the member's unit) awaits this person — they are eligible, have not voted
 *   yet and the text is a valid answer to it. Several such polls: the bot asks for `/vote #N`.
 *   After voting, a bare answer is ordinary chat again (changing a vote takes `/vote`).
 * - Audience: the members of the chat's unit (secretaries and admins of the unit included), or
 *   its masses, or both; default members, or both in a masses chat; `--members` / `--masses` /
 *   `--all` choose.
 * - `--min K` (default 5 for anonymous ratings) hides a rating's results from everyone, also after
 *   close, until K ballots are in. `--hide` hides results until close from all but the unit's
 *   secretaries and admins, who get them in a private chat.
 */
import { z } from 'zod';
import type { Capabilities } from '../../bot/adapter.ts';
import { command, UsageError, UserError, type Context, type Delivery, type Feature, type ReportScope, type ReportSection, type Translate, type Tx } from '../../bot/feature.ts';
import type { ChatRef, OutgoingMessage, Platform } from '../../bot/types.ts';
import { parseChoice, parseChoices, parseScore } from '../../bot/answers.ts';
import { getMember, listUnits, privateChatsOf } from '../../bot/roster.ts';
import { managesUnitIn, seesUnitIn } from '../../bot/policy.ts';
import type { Scheduler, TaskSpec } from '../../scheduler/contract.ts';
import type { Logger } from '../../logger.ts';
import { CHECK_WORDS, pollArgs, pollIdArgs, rateArgs, voteArgs, type PollFlags } from './args.ts';
import { renderChartPng } from './chart.ts';
import { codeTag, newReceiptCode, newSalt, normalizeReceiptCode, orphanTag } from './codes.ts';
import { loadEvaluationConfig, rankUnits, rateToScore, type EvaluationConfig, type EvaluationSources, type PartScores, type RankedUnit } from './evaluation.ts';
import {
  announcement,
  chartSpec,
  describeBallot,
  exportRows,
  nativeKey,
  resultsText,
  turnoutLine,
  usesNativePoll,
  voteCommand,
} from './render.ts';
import {
  ballotGroups,
  castAnonBallot,
  castNamedBallot,
  closedRatingsBetween,
  createPoll,
  eligibleMembers,
  findAnonBallot,
  findNamedBallot,
  getPoll,
  hasVoted,
  isEligible,
  markClosed,
  namedBallots,
  openPollsInChat,
  openPollsOfUnit,
  pollsOfUnitsBetween,
  receiptCounts,
  replaceAnonBallot,
  voterIds,
  votedPollIds,
  type Audience,
  type BallotContent,
  type Poll,
} from './store.ts';
import { tallyChoiceGroups, tallyScoreGroups, type Tally } from './tally.ts';
import { formatStamp, parseCloseTime } from './time.ts';


/** Most options of a choice poll. */
export const MAX_OPTIONS = 20;
/** Longest option label. */
export const MAX_OPTION_LENGTH = 60;
/** Longest question or rated subject. */
export const MAX_QUESTION_LENGTH = 200;
/** Default `--min` of an anonymous rating. */
export const DEFAULT_MIN_BALLOTS = 5;
/** Longest bare text considered as an answer. */
const MAX_BARE_ANSWER = 30;
/** Most private reminders sent for one poll. */
const MAX_NUDGES = 300;

/** Task kinds this feature registers with the scheduler. */
export const TASK_CLOSE = 'polls.close';
export const TASK_REMIND = 'polls.remind';

/** Stores a durable one-off task (the scheduler's `scheduleTask`). */
export type ScheduleTask = (tx: Tx, spec: TaskSpec) => Promise<unknown>;

/** What the polls feature is built with. */
export interface PollsOptions {
  /** The prompts folder (for `evaluation.yaml`). */
  readonly promptsDir: string;
  readonly logger?: Logger;
  /** Data from other features for the annual evaluation (missing = no data for that part). */
  readonly sources?: EvaluationSources;
  /** The scheduler's durable one-off tasks; without it polls close on the first access after their time. */
  readonly scheduleTask?: ScheduleTask;
}

/**
 * What closing and showing results need; both a handler's `Context` and a scheduled job's
 * `JobContext` provide it.
 */
export interface PollEnv {
  readonly db: Tx;
  now(): Date;
  readonly t: Translate;
  readonly timeZone: string;
  capabilitiesOf(platform: Platform): Capabilities | undefined;
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

/** The tally of a poll from its ballots. */
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

/** True when an anonymous rating has fewer ballots than its `--min`: its results are not shown. */
export function hiddenByMin(poll: Pick<Poll, 'kind' | 'minBallots'>, tally: Tally): boolean {
  return poll.kind === 'rating' && poll.minBallots > 0 && tally.ballots < poll.minBallots;
}

/**
 * The results of a poll as messages for a chat on `platform`: the text (counts per option or the
 * rating summary, turnout) and, where the platform shows pictures, the bar chart. A rating under
 * its `--min` gives only the notice that results are withheld. `prefix` goes on the first line.
 */
export async function resultsMessages(env: PollEnv, poll: Poll, platform: Platform, prefix = '', logger?: Logger): Promise<OutgoingMessage[]> {
  const { t } = env;
  const tally = await tallyPoll(env.db, poll);
  if (hiddenByMin(poll, tally)) {
    const key = poll.status === 'closed' ? 'polls.results.tooFewClosed' : 'polls.results.tooFew';
    return [{ kind: 'text', text: prefix + t(key, { id: poll.id, min: poll.minBallots, count: tally.ballots }) }];
  }
  const { voted, eligible } = await turnoutOf(env.db, poll);
  const out: OutgoingMessage[] = [{ kind: 'text', text: prefix + resultsText(t, poll, tally, voted, eligible) }];
  if (env.capabilitiesOf(platform)?.images) {
    try {
      const png = await renderChartPng(chartSpec(t, poll, tally, voted, eligible));
      const caption = t('polls.results.chartCaption', { id: poll.id });
      out.push({ kind: 'image', pngBase64: png.toString('base64'), caption, fallbackText: caption });
    } catch (err) {
      logger?.warn({ err: err instanceof Error ? err.message : String(err), pollId: poll.id }, 'poll chart not rendered');
    }
  }
  return out;
}

/**
 * Closes a poll once and returns what to post: the results (text and chart) in the poll's chat,
 * and a `stop_poll` for its native poll. Null when the poll does not exist or is already closed
 * (a manual /close and the scheduled close may race; only one posts). Used by /close, the
 * scheduled `polls.close` task and the first access after the close time.
 */
export async function closePoll(env: PollEnv, pollId: number, logger?: Logger): Promise<Delivery[] | null> {
  const poll = await getPoll(env.db, pollId);
  if (!poll || poll.status === 'closed') return null;
  const now = env.now();
  const eligible = (await eligibleMembers(env.db, poll)).length;
  if (!(await markClosed(env.db, pollId, now, eligible))) return null;
  const closed: Poll = { ...poll, status: 'closed', closedAt: now, eligibleAtClose: eligible };
  const chat = pollChat(poll);
  const deliveries: Delivery[] = [];
  if (usesNativePoll(poll)) deliveries.push({ chat, message: { kind: 'stop_poll', nativeKey: nativeKey(poll.id) } });
  const prefix = `${env.t('polls.close.done', { id: poll.id })}\n`;
  for (const message of await resultsMessages(env, closed, chat.platform, prefix, logger)) deliveries.push({ chat, message });
  return deliveries;
}

/**
 * The reminder before close: in the poll's chat, how many have not voted (no names); privately,
 * to each non-voter who can be reached, that the poll closes soon. Nothing when the poll is closed.
 */
export async function remindPoll(env: PollEnv, pollId: number): Promise<Delivery[]> {
  const poll = await getPoll(env.db, pollId);
  if (!poll || !acceptsVotes(poll, env.now()) || !poll.closesAt) return [];
  const voters = await voterIds(env.db, poll.id);
  const missing = (await eligibleMembers(env.db, poll)).filter((m) => !voters.has(m.id));
  if (missing.length === 0) return [];
  const time = formatStamp(poll.closesAt, env.timeZone);
  const out: Delivery[] = [
    { chat: pollChat(poll), message: { kind: 'text', text: env.t('polls.remind.group', { id: poll.id, question: poll.question, time, missing: missing.length }) } },
  ];
  for (const m of missing.slice(0, MAX_NUDGES)) {
    const chats = (await privateChatsOf(env.db, m.id)).filter((c) => env.capabilitiesOf(c.platform)?.privateMessages);
    const chat = chats.find((c) => c.platform === poll.platform) ?? chats[0];
    if (chat) out.push({ chat, message: { kind: 'text', text: env.t('polls.remind.private', { id: poll.id, question: poll.question, time }) } });
  }
  return out;
}

/** True when the speaker may manage polls of `unitId`: an admin, or a secretary of it or of its parent. */
async function canManage(ctx: Context, unitId: number): Promise<boolean> {
  return managesUnitIn(ctx.db, ctx.member, unitId);
}

/** The poll `#id`, or a refusal. */
async function requirePoll(ctx: Context, id: number): Promise<Poll> {
  const poll = await getPoll(ctx.db, id);
  if (!poll) throw new UserError('polls.error.notFound', { id });
  return poll;
}

/** A private chat where the speaker can receive a secret, or null (this chat when it is private). */
async function privateChatFor(ctx: Context): Promise<ChatRef | null> {
  if (ctx.chat.ref.kind === 'private') return ctx.chat.ref;
  const chats = (await privateChatsOf(ctx.db, ctx.member.id)).filter((c) => ctx.capabilitiesOf(c.platform).privateMessages);
  return chats.find((c) => c.platform === ctx.chat.ref.platform) ?? chats[0] ?? null;
}

/** True when `a` and `b` are the same chat. */
function sameChat(a: ChatRef, b: ChatRef): boolean {
  return a.platform === b.platform && a.chatId === b.chatId;
}

/** Sends to `chat`: a reply when it is this chat. */
function deliver(ctx: Context, chat: ChatRef, message: OutgoingMessage): void {
  if (sameChat(chat, ctx.chat.ref)) ctx.reply(message);
  else ctx.send(chat, message);
}

/** Closes a poll whose close time has passed but that the scheduler has not closed yet. */
async function closeIfOverdue(ctx: Context, poll: Poll, logger?: Logger): Promise<Poll> {
  if (poll.status !== 'open' || !poll.closesAt || poll.closesAt.getTime() > ctx.now().getTime()) return poll;
  const deliveries = await closePoll(ctx, poll.id, logger);
  for (const d of deliveries ?? []) ctx.send(d.chat, d.message);
  return (await getPoll(ctx.db, poll.id)) ?? poll;
}

/** The refusal for an unreadable answer to this poll. */
function badAnswer(poll: Poll): UserError {
  if (poll.kind === 'rating') return new UserError('polls.vote.badScore', { id: poll.id });
  return new UserError(poll.multiple ? 'polls.vote.badChoices' : 'polls.vote.badChoice', { id: poll.id, max: poll.options.length });
}

/** Refuses a vote when the poll is closed or the speaker is not in its audience. */
function ensureCanVote(ctx: Context, poll: Poll): void {
  if (!acceptsVotes(poll, ctx.now())) throw new UserError('polls.vote.closed', { id: poll.id });
  if (!isEligible(poll, ctx.member)) throw new UserError('polls.vote.notEligible', { id: poll.id });
}

/**
 * Records a vote (checked: open, eligible, valid content). Named: the ballot with the voter,
 * replaced on a second vote. Anonymous: the first vote writes a receipt and an unlinked ballot
 * and sends the receipt code privately; a later vote needs that code to find and replace the
 * ballot. Replies never show a running tally.
 */
async function castVote(ctx: Context, poll: Poll, content: BallotContent, code: string | undefined): Promise<void> {
  const { t, db } = ctx;
  const id = poll.id;
  if (!poll.anonymous) {
    if (code) throw new UserError('polls.vote.codeNotNeeded', { id });
    const r = await castNamedBallot(db, id, ctx.member.id, content, ctx.now());
    const key = poll.kind === 'rating' ? (r === 'new' ? 'polls.vote.scoreRecorded' : 'polls.vote.scoreReplaced') : r === 'new' ? 'polls.vote.recorded' : 'polls.vote.replaced';
    ctx.reply(t(key, { id, choice: describeBallot(t, poll, content), score: content.score ?? 0 }));
    return;
  }
  if (await hasVoted(db, id, ctx.member.id)) {
    if (!code) throw new UserError('polls.vote.anonAlready', { id });
    if (!(await replaceAnonBallot(db, id, codeTag(poll.salt, code), content))) throw new UserError('polls.vote.badCode', { id });
    ctx.reply(t('polls.vote.anonReplaced', { id }));
    return;
  }
  if (code) throw new UserError('polls.vote.codeBeforeVote', { id });
  const target = await privateChatFor(ctx);
  let receipt: string | null = null;
  let tag = orphanTag();
  if (target) {
    do {
      receipt = newReceiptCode();
      tag = codeTag(poll.salt, receipt);
    } while (await findAnonBallot(db, id, tag));
  }
  await castAnonBallot(db, id, ctx.member.id, tag, content);
  const lines = [t('polls.vote.anonRecorded', { id })];
  if (target && receipt) {
    const secret: OutgoingMessage = { kind: 'text', text: t('polls.receipt.message', { id, question: poll.question, code: receipt }), ephemeral: true };
    if (!sameChat(target, ctx.chat.ref)) lines.push(t('polls.receipt.sentPrivately'));
    ctx.reply(lines.join('\n'));
    deliver(ctx, target, secret);
    return;
  }
  lines.push(t('polls.receipt.noPrivate', { id }));
  ctx.reply(lines.join('\n'));
}

/**
 * `/vote #N check CODE`: says whether the ballot with this code is counted. Its content is shown
 * only in a private chat; in a group the answer is just "counted".
 */
async function checkReceipt(ctx: Context, poll: Poll, raw: string): Promise<void> {
  const { t } = ctx;
  const id = poll.id;
  if (!poll.anonymous) {
    const mine = await findNamedBallot(ctx.db, id, ctx.member.id);
    ctx.reply(mine ? t('polls.check.named', { id, choice: describeBallot(t, poll, mine) }) : t('polls.check.namedNone', { id }));
    return;
  }
  const code = normalizeReceiptCode(raw);
  if (!code) throw new UserError('polls.check.usage', { id });
  const ballot = await findAnonBallot(ctx.db, id, codeTag(poll.salt, code));
  if (!ballot) throw new UserError('polls.check.notFound', { id });
  // In a private chat the ballot's content is shown, and the message is erased from the outbox once
  // delivered (it pairs the member's chat with a choice).
  if (ctx.chat.ref.kind === 'private') ctx.reply({ kind: 'text', text: t('polls.check.countedWith', { id, choice: describeBallot(t, poll, ballot) }), ephemeral: true });
  else ctx.reply(t('polls.check.counted', { id }));
}

/** Checks the limits of a new poll and reads its close time; refusals say exactly what is wrong. */
function validateNewPoll(ctx: Context, question: string, options: readonly string[], flags: PollFlags): Date | null {
  if ([...question].length > MAX_QUESTION_LENGTH) throw new UserError('polls.poll.questionTooLong', { max: MAX_QUESTION_LENGTH });
  if (options.length > MAX_OPTIONS) throw new UserError('polls.poll.tooManyOptions', { max: MAX_OPTIONS });
  if (options.some((o) => [...o].length > MAX_OPTION_LENGTH)) throw new UserError('polls.poll.optionTooLong', { max: MAX_OPTION_LENGTH });
  if (new Set(options).size !== options.length) throw new UserError('polls.poll.duplicateOption');
  if (flags.min !== undefined && (flags.min < 1 || flags.min > 1000)) throw new UserError('polls.rate.badMin');
  if (flags.close === undefined) return null;
  const r = parseCloseTime(flags.close, ctx.now(), ctx.timeZone);
  if (!r.ok) throw new UserError(`polls.poll.close.${r.problem}`, { value: flags.close.slice(0, 30) });
  return r.at;
}

/** The unit a new poll belongs to (this group's), checking the speaker may launch it there. */
async function unitForNewPoll(ctx: Context): Promise<number> {
  if (ctx.chat.ref.kind !== 'group' || ctx.chat.unitId === null) throw new UserError('polls.error.needGroup');
  if (!(await canManage(ctx, ctx.chat.unitId))) throw new UserError('polls.error.notManager');
  return ctx.chat.unitId;
}

/** Creates, schedules and announces a poll. */
async function launch(ctx: Context, opts: PollsOptions, data: { kind: 'choice' | 'rating'; question: string; options: string[]; flags: PollFlags; closesAt: Date | null; unitId: number }): Promise<void> {
  const { flags } = data;
  const audience: Audience = flags.audience ?? (ctx.chat.masses ? 'all' : 'members');
  const minBallots = data.kind === 'rating' ? (flags.min ?? (flags.anon ? DEFAULT_MIN_BALLOTS : 0)) : 0;
  const poll = await createPoll(ctx.db, {
    kind: data.kind,
    question: data.question,
    options: data.options,
    multiple: data.kind === 'choice' && flags.multi,
    anonymous: flags.anon,
    hideResults: flags.hide,
    minBallots,
    audience,
    unitId: data.unitId,
    createdById: ctx.member.id,
    chatId: ctx.chat.id,
    platform: ctx.chat.ref.platform,
    chatExternalId: ctx.chat.ref.chatId,
    chatTitle: (ctx.chat.ref.title ?? ctx.chat.ref.chatId).slice(0, 200),
    salt: newSalt(),
    closesAt: data.closesAt,
    createdAt: ctx.now(),
  });
  if (poll.closesAt && opts.scheduleTask) {
    await opts.scheduleTask(ctx.db, { kind: TASK_CLOSE, key: `${TASK_CLOSE}:${poll.id}`, dueAt: poll.closesAt, payload: { pollId: poll.id } });
    const remindAt = reminderTime(ctx.now(), poll.closesAt);
    if (remindAt) await opts.scheduleTask(ctx.db, { kind: TASK_REMIND, key: `${TASK_REMIND}:${poll.id}`, dueAt: remindAt, payload: { pollId: poll.id } });
  }
  await ctx.audit(`poll.create`, `#${poll.id} ${poll.kind}${poll.anonymous ? ' anonymous' : ''}`);
  ctx.reply(announcement(ctx.t, poll, ctx.timeZone, ctx.capabilities.buttons));
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

/**
 * Satisfaction of a unit over [from, to) on a 0-100 scale: the mean of the means of its rating
 * polls closed in the period that reached their `--min` (each poll weighs the same); null when
 * there is none.
 */
export async function satisfactionScore(db: Tx, unitId: number, from: Date, to: Date): Promise<number | null> {
  const means: number[] = [];
  for (const poll of await closedRatingsBetween(db, unitId, from, to)) {
    const scores = (await ballotGroups(db, poll)).flatMap((g) => (g.score === null ? [] : [{ value: g.score, count: g.count }]));
    const tally = tallyScoreGroups(scores);
    if (tally.ballots === 0 || hiddenByMin(poll, tally)) continue;
    means.push(scores.reduce((a, g) => a + g.value * g.count, 0) / tally.ballots);
  }
  return means.length ? means.reduce((a, b) => a + b, 0) / means.length : null;
}

/**
 * The annual evaluation of the branches under a unit (or of the unit itself when it is a branch):
 * each part's score, the composite and the rank. Exported for /report and tests.
 */
export async function evaluateUnits(
  db: Tx,
  units: readonly { id: number; name: string }[],
  from: Date,
  to: Date,
  sources: EvaluationSources,
  config: EvaluationConfig,
): Promise<RankedUnit[]> {
  const rows = [];
  for (const u of units) {
    const parts: PartScores = {
      pledges: sources.pledgeCompletion ? rateToScore(await sources.pledgeCompletion(db, u.id, from, to)) : null,
      attendance: sources.attendanceRate ? rateToScore(await sources.attendanceRate(db, u.id, from, to)) : null,
      satisfaction: await satisfactionScore(db, u.id, from, to),
    };
    rows.push({ unitId: u.id, name: u.name, parts });
  }
  return rankUnits(rows, config);
}

/** A part's score for the report: `87.5` or “无数据”. */
function partText(t: Translate, v: number | null): string {
  return v === null ? t('polls.report.noData') : String(Math.round(v * 10) / 10);
}

/** The report lines of a ranking. */
export function rankingLines(t: Translate, ranking: readonly RankedUnit[]): string[] {
  const lines: string[] = [];
  for (const r of ranking) {
    const c = r.composite;
    if (c.score === null) {
      lines.push(t('polls.report.unranked', { unit: r.name }));
    } else {
      const category = c.category ? t(`polls.report.category.${c.category}`) : t('polls.report.noCategory');
      const missing = c.missing.length ? t('polls.report.missing', { parts: c.missing.map((p) => t(`polls.report.part.${p}`)).join(t('polls.listSeparator')) }) : '';
      lines.push(t('polls.report.rankLine', { rank: r.rank ?? '-', unit: r.name, score: String(c.score), category, missing }));
    }
    lines.push(
      t('polls.report.parts', {
        pledges: partText(t, r.parts.pledges),
        attendance: partText(t, r.parts.attendance),
        satisfaction: partText(t, r.parts.satisfaction),
      }),
    );
  }
  return lines;
}

/**
 * The polls sections of /report: poll turnout of the unit (with its branches, for a township), and
 * the annual evaluation of its branches (of the branch itself, for a branch).
 */
async function reportSections(ctx: Context, scope: ReportScope, sources: EvaluationSources, config: EvaluationConfig): Promise<ReportSection[]> {
  const { t, db } = ctx;
  const units = await listUnits(db);
  const branches = scope.unitKind === 'township' ? units.filter((u) => u.parentId === scope.unitId) : units.filter((u) => u.id === scope.unitId);
  // A township's report counts its own polls and its branches'.
  const unitIds = [...new Set([scope.unitId, ...branches.map((b) => b.id)])];
  const polls = await pollsOfUnitsBetween(db, unitIds, scope.from, scope.to);
  const pollLines: string[] = [];
  if (polls.length === 0) {
    pollLines.push(t('polls.report.pollsNone'));
  } else {
    const counts = await receiptCounts(db, polls.map((p) => p.id));
    let voted = 0;
    let eligible = 0;
    for (const p of polls) {
      voted += counts.get(p.id) ?? 0;
      eligible += p.eligibleAtClose ?? (await eligibleMembers(db, p)).length;
    }
    const closed = polls.filter((p) => p.status === 'closed').length;
    pollLines.push(t('polls.report.pollsLine', { count: polls.length, closed }));
    pollLines.push(turnoutLine(t, voted, eligible));
  }
  const evalLines = branches.length
    ? rankingLines(t, await evaluateUnits(db, branches, scope.from, scope.to, sources, config))
    : [t('polls.report.noBranches')];
  return [
    { title: t('polls.report.pollsTitle'), lines: pollLines },
    { title: t('polls.report.evalTitle'), lines: evalLines },
  ];
}

/** Builds the polls feature. Reads and validates `prompts/evaluation.yaml` (a bad file stops start-up). */
export function pollsFeature(opts: PollsOptions): Feature {
  const config = loadEvaluationConfig(opts.promptsDir);
  const sources = opts.sources ?? {};
  const logger = opts.logger;
  return {
    name: 'polls',
    commands: [
      command({
        name: 'poll',
        aliases: ['投票'],
        minRole: 'secretary',
        summaryKey: 'polls.poll.summary',
        usageKey: 'polls.poll.usage',
        args: pollArgs,
        handler: async (ctx, { question, options, flags }) => {
          const unitId = await unitForNewPoll(ctx);
          if (options.length < 2) throw new UsageError('polls.poll.twoOptions');
          const closesAt = validateNewPoll(ctx, question, options, flags);
          if (flags.min !== undefined) throw new UsageError('polls.poll.minIsForRatings');
          await launch(ctx, opts, { kind: 'choice', question, options, flags, closesAt, unitId });
        },
      }),
      command({
        name: 'rate',
        aliases: ['测评'],
        minRole: 'secretary',
        summaryKey: 'polls.rate.summary',
        usageKey: 'polls.rate.usage',
        args: rateArgs,
        handler: async (ctx, { subject, flags }) => {
          const unitId = await unitForNewPoll(ctx);
          const closesAt = validateNewPoll(ctx, subject, [], flags);
          await launch(ctx, opts, { kind: 'rating', question: subject, options: [], flags, closesAt, unitId });
        },
      }),
      command({
        name: 'vote',
        aliases: ['选'],
        minRole: 'masses',
        summaryKey: 'polls.vote.summary',
        usageKey: 'polls.vote.usage',
        args: voteArgs,
        handler: async (ctx, { id, rest }) => {
          // Before anything can refuse: this event's text (a choice, a code) is never stored.
          ctx.redactEvent();
          const poll = await requirePoll(ctx, id);
          const tokens = [...rest.tokens];
          if (tokens.length > 0 && CHECK_WORDS.has(tokens[0]!.toLowerCase())) {
            await checkReceipt(ctx, poll, tokens.slice(1).join(''));
            return;
          }
          ensureCanVote(ctx, poll);
          let code: string | undefined;
          if (tokens.length >= 2) {
            code = normalizeReceiptCode(tokens[tokens.length - 1]!);
            if (code) tokens.pop();
          }
          if (tokens.length === 0) throw badAnswer(poll);
          const content = parseAnswer(poll, tokens.join(' '));
          if (!content) throw badAnswer(poll);
          await castVote(ctx, poll, content, code);
        },
      }),
      command({
        name: 'results',
        aliases: ['结果'],
        minRole: 'masses',
        summaryKey: 'polls.results.summary',
        usageKey: 'polls.results.usage',
        args: pollIdArgs,
        handler: async (ctx, { id }) => {
          let poll = await requirePoll(ctx, id);
          const manager = await canManage(ctx, poll.unitId);
          if (!(await seesUnitIn(ctx.db, ctx.member, poll.unitId))) throw new UserError('polls.error.otherUnit', { id });
          const wasOpen = poll.status === 'open';
          poll = await closeIfOverdue(ctx, poll, logger);
          if (wasOpen && poll.status === 'closed' && sameChat(pollChat(poll), ctx.chat.ref)) return; // the close just posted them here
          const early = poll.status === 'open' && poll.hideResults;
          if (early && !manager) {
            const when = poll.closesAt ? ctx.t('polls.results.hiddenUntil', { time: formatStamp(poll.closesAt, ctx.timeZone) }) : '';
            throw new UserError('polls.results.hidden', { id, when });
          }
          let target = ctx.chat.ref;
          if (early && target.kind === 'group') {
            const mine = await privateChatFor(ctx);
            if (!mine) throw new UserError('polls.results.hiddenInGroup', { id });
            target = mine;
          }
          const prefix = early ? `${ctx.t('polls.results.earlyNote')}\n` : '';
          const messages = await resultsMessages(ctx, poll, target.platform, prefix, logger);
          if (!sameChat(target, ctx.chat.ref)) ctx.reply(ctx.t('polls.results.sentPrivately', { id }));
          for (const m of messages) deliver(ctx, target, m);
        },
      }),
      command({
        name: 'close',
        aliases: ['结束'],
        minRole: 'secretary',
        summaryKey: 'polls.close.summary',
        usageKey: 'polls.close.usage',
        args: pollIdArgs,
        handler: async (ctx, { id }) => {
          const poll = await requirePoll(ctx, id);
          if (!(await canManage(ctx, poll.unitId))) throw new UserError('polls.error.notManager');
          const deliveries = await closePoll(ctx, id, logger);
          if (!deliveries) throw new UserError('polls.close.already', { id });
          for (const d of deliveries) deliver(ctx, d.chat, d.message);
          if (!sameChat(pollChat(poll), ctx.chat.ref)) ctx.reply(ctx.t('polls.close.elsewhere', { id, chat: poll.chatTitle }));
          await ctx.audit('poll.close', `#${id}`);
        },
      }),
      command({
        name: 'turnout',
        aliases: ['未投票'],
        minRole: 'secretary',
        summaryKey: 'polls.turnout.summary',
        usageKey: 'polls.turnout.usage',
        args: pollIdArgs,
        handler: async (ctx, { id }) => {
          const poll = await requirePoll(ctx, id);
          if (!(await canManage(ctx, poll.unitId))) throw new UserError('polls.error.notManager');
          const voters = await voterIds(ctx.db, id);
          const eligible = await eligibleMembers(ctx.db, poll);
          const missing = eligible.filter((m) => !voters.has(m.id));
          const head = { id, eligible: eligible.length, voted: eligible.length - missing.length, missing: missing.length };
          if (missing.length === 0) {
            ctx.reply(ctx.t('polls.turnout.all', head));
            return;
          }
          ctx.reply(`${ctx.t('polls.turnout.header', head)}\n${missing.map((m) => m.name).join(ctx.t('polls.listSeparator'))}`);
        },
      }),
    ],

    // `/export #N` (the report feature's command) asks each feature for its item #N.
    exportById: async (ctx, id) => {
      const poll = await getPoll(ctx.db, id);
      if (!poll) return null;
      if (!(await canManage(ctx, poll.unitId))) throw new UserError('polls.error.notManager');
      const tally = await tallyPoll(ctx.db, poll);
      if (hiddenByMin(poll, tally)) throw new UserError('polls.results.tooFew', { id, min: poll.minBallots, count: tally.ballots });
      const { voted, eligible } = await turnoutOf(ctx.db, poll);
      const voters = [];
      if (!poll.anonymous) {
        for (const b of await namedBallots(ctx.db, poll)) voters.push({ name: (await getMember(ctx.db, b.memberId))?.name ?? `#${b.memberId}`, ballot: b });
      }
      await ctx.audit('poll.export', `#${id}`);
      return { fileName: `poll-${id}`, rows: exportRows(ctx.t, poll, tally, voted, eligible, ctx.timeZone, voters) };
    },

    onPlainText: async (ctx, text) => {
      if (text.length === 0 || text.length > MAX_BARE_ANSWER) return false;
      const polls =
        ctx.chat.ref.kind === 'group' ? await openPollsInChat(ctx.db, ctx.chat.id) : ctx.unitId !== null ? await openPollsOfUnit(ctx.db, ctx.unitId) : [];
      if (polls.length === 0) return false;
      const candidates: { poll: Poll; content: BallotContent }[] = [];
      for (const poll of polls) {
        if (!acceptsVotes(poll, ctx.now()) || !isEligible(poll, ctx.member)) continue;
        const content = parseAnswer(poll, text);
        if (content) candidates.push({ poll, content });
      }
      if (candidates.length === 0) return false;
      const voted = await votedPollIds(ctx.db, ctx.member.id, candidates.map((c) => c.poll.id));
      const awaiting = candidates.filter((c) => !voted.has(c.poll.id));
      if (awaiting.length === 0) return false;
      ctx.redactEvent();
      if (awaiting.length > 1) {
        const lines = awaiting.map((c) => ctx.t('polls.vote.whichLine', { id: c.poll.id, question: c.poll.question, command: `${voteCommand(c.poll.id)} ${text}` }));
        ctx.reply(`${ctx.t('polls.vote.which')}\n${lines.join('\n')}`);
        return true;
      }
      await castVote(ctx, awaiting[0]!.poll, awaiting[0]!.content, undefined);
      return true;
    },

    reportSections: (ctx, scope) => reportSections(ctx, scope, sources, config),

    jobs: (scheduler: Scheduler) => {
      const payload = z.object({ pollId: z.number().int().positive() });
      scheduler.handle(TASK_CLOSE, async (job, data) => {
        const deliveries = await closePoll(job, payload.parse(data).pollId, logger);
        for (const d of deliveries ?? []) job.send(d.chat, d.message);
      });
      scheduler.handle(TASK_REMIND, async (job, data) => {
        for (const d of await remindPoll(job, payload.parse(data).pollId)) job.send(d.chat, d.message);
      });
    },
  };
}

