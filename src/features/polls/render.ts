/**
 * Every text of the polls feature a person reads: announcements, results, turnout, the CSV export
 * and the chart's labels, all through prompts (`prompts/<locale>/polls.yaml`). Pure functions of
 * a poll, its tally and a translator.
 */
import type { Button, OutgoingMessage, Platform } from '../../bot/types.ts';
import type { BaseContext } from '../../bot/context.ts';
import type { Translate } from '../../bot/feature.ts';
import { replyHint } from '../../bot/reply-hint.ts';
import type { ChartSpec } from './chart.ts';
import type { BallotContent, Poll } from './store.ts';
import { formatNumber, percent, type BandKey, type ChoiceTally, type RatingTally, type Tally } from './tally.ts';
import { formatStamp } from './time.ts';
import type { PromptKey } from '../../bot/prompt-keys.ts';

/** Scores offered as buttons under a rating (platforms with buttons). */
export const SCORE_BUTTONS = [100, 95, 90, 85, 80, 70, 60];

/** The vote command for a poll, e.g. `/vote #12` (also a native poll's `answerCommand`). */
export function voteCommand(id: number): string {
  return `/vote #${id}`;
}

/** The key under which a poll's native poll (where the platform has them) is remembered. */
export function nativeKey(id: number): string {
  return `poll:${id}`;
}

/**
 * True when a poll may be sent as a native poll: a named, live-results choice poll (see index.ts).
 * Whether it really is depends on the platform (`nativePolls`, `maxPollOptions`: the outbox decides).
 */
export function usesNativePoll(poll: Pick<Poll, 'kind' | 'anonymous' | 'hideResults'>): boolean {
  return poll.kind === 'choice' && !poll.anonymous && !poll.hideResults;
}

/** `A. 同意` style label of option i (0-based): number and label. */
export function optionLabel(poll: Pick<Poll, 'options'>, i: number): string {
  return `${i + 1}. ${poll.options[i] ?? '?'}`;
}

/** A ballot's content in words: the options chosen (`1. 同意、3. 弃权`) or the score (`95 分`). */
export function describeBallot(t: Translate, poll: Pick<Poll, 'kind' | 'options'>, b: BallotContent): string {
  if (poll.kind === 'rating') return t('polls.vote.scoreText', { score: b.score ?? 0 });
  return b.choices.map((i) => optionLabel(poll, i)).join(t('polls.listSeparator'));
}

/** The little tags under a poll's title: multi, anonymous, hidden results, audience, close time. */
function tags(t: Translate, poll: Poll, timeZone: string): string {
  const parts: string[] = [];
  if (poll.multiple) parts.push(t('polls.tag.multi'));
  parts.push(t(poll.anonymous ? 'polls.tag.anon' : 'polls.tag.named'));
  if (poll.hideResults) parts.push(t('polls.tag.hide'));
  if (poll.kind === 'rating' && poll.minBallots > 0) parts.push(t('polls.tag.min', { min: poll.minBallots }));
  parts.push(t(`polls.tag.audience.${poll.audience}`));
  if (poll.closesAt) parts.push(t('polls.tag.closes', { time: formatStamp(poll.closesAt, timeZone) }));
  return parts.join(t('polls.tagSeparator'));
}

/** How to answer this poll, in one or two lines. */
function howTo(ctx: AnnounceContext, poll: Poll, buttons: boolean): string {
  const id = poll.id;
  // Anonymous: one line saying how to vote privately (a reply in the group is seen by all, so counts nothing).
  if (poll.anonymous) return ctx.t(buttons ? 'polls.howto.anonButtons' : 'polls.howto.anon', { id });
  const key = poll.kind === 'rating' ? 'polls.howto.rating' : poll.multiple ? 'polls.howto.multi' : 'polls.howto.choice';
  // Polls live in group chats; where the bot sees only @-mentions there, the hint says `@先锋 1`.
  return replyHint(ctx, { platform: poll.platform as Platform, kind: 'group' }, key, { id });
}

/** What announcing a poll uses of the context (the hint depends on the poll's platform). */
type AnnounceContext = Pick<BaseContext, 't' | 'timeZone' | 'capabilitiesOf' | 'botName'>;

/** The announcement text of a poll (also the numbered-text fallback of a native poll). */
export function announcementText(ctx: AnnounceContext, poll: Poll, buttons: boolean): string {
  const { t, timeZone } = ctx;
  const head =
    poll.kind === 'rating'
      ? t('polls.announce.rating', { id: poll.id, subject: poll.question })
      : t('polls.announce.choice', { id: poll.id, question: poll.question });
  const lines = [head, tags(t, poll, timeZone)];
  if (poll.kind === 'choice') poll.options.forEach((_, i) => lines.push(optionLabel(poll, i)));
  lines.push(howTo(ctx, poll, buttons));
  return lines.join('\n');
}

/** Buttons of a poll: one per option (rows of up to 5), or common scores for a rating. */
export function pollButtons(poll: Poll): Button[][] {
  const cmd = voteCommand(poll.id);
  const buttons: Button[] =
    poll.kind === 'rating'
      ? SCORE_BUTTONS.map((s) => ({ label: String(s), command: `${cmd} ${s}` }))
      : poll.options.map((label, i) => ({ label: `${i + 1}. ${[...label].slice(0, 20).join('')}`, command: `${cmd} ${i + 1}` }));
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += 5) rows.push(buttons.slice(i, i + 5));
  return rows;
}

/**
 * The message announcing a poll. A named choice poll with live results is a native poll where the
 * platform has them (its answers come back as `/vote #N k`); everything else — anonymous polls
 * above all, since a bot cannot see anonymous native votes and a native poll would show live
 * results — is text with buttons (dropped where there are none).
 */
export function announcement(ctx: AnnounceContext, poll: Poll, hasButtons: boolean): OutgoingMessage {
  if (usesNativePoll(poll)) {
    return {
      kind: 'poll',
      question: `#${poll.id} ${poll.question}`,
      options: poll.options,
      multiple: poll.multiple,
      anonymous: false,
      answerCommand: voteCommand(poll.id),
      nativeKey: nativeKey(poll.id),
      fallbackText: announcementText(ctx, poll, false),
    };
  }
  return { kind: 'text', text: announcementText(ctx, poll, hasButtons), buttons: pollButtons(poll) };
}

/** Label of a score band for people (`90-100 分`, `60 分以下`). */
export function bandLabel(t: Translate, key: BandKey): string {
  return t(BAND_LABEL[key]);
}

/** Each band's label key. */
const BAND_LABEL: Readonly<Record<BandKey, PromptKey>> = {
  '90-100': 'polls.band.b90_100',
  '80-89': 'polls.band.b80_89',
  '60-79': 'polls.band.b60_79',
  '0-59': 'polls.band.b0_59',
};

/** The turnout line: voted / eligible (percent). */
export function turnoutLine(t: Translate, voted: number, eligible: number): string {
  return t('polls.results.turnout', { voted, eligible, percent: percent(voted, eligible) });
}

/**
 * The results text: a header, one line per option with its label and its count as an Arabic
 * numeral (a rating: count, mean, median and the bands), and the turnout.
 */
export function resultsText(t: Translate, poll: Poll, tally: Tally, voted: number, eligible: number): string {
  const status = t(poll.status === 'closed' ? 'polls.results.closed' : 'polls.results.open');
  const lines: string[] = [];
  if (tally.kind === 'choice') {
    lines.push(t('polls.results.headerChoice', { id: poll.id, question: poll.question, status }));
    tally.counts.forEach((count, i) => lines.push(t('polls.results.optionLine', { option: optionLabel(poll, i), count })));
  } else {
    lines.push(t('polls.results.headerRating', { id: poll.id, subject: poll.question, status }));
    lines.push(...ratingLines(t, tally));
  }
  lines.push(turnoutLine(t, voted, eligible));
  return lines.join('\n');
}

/** A rating's summary and band lines. */
function ratingLines(t: Translate, tally: RatingTally): string[] {
  if (tally.ballots === 0 || tally.mean === null || tally.median === null) return [t('polls.results.noScores')];
  return [
    t('polls.results.ratingSummary', { count: tally.ballots, mean: formatNumber(tally.mean), median: formatNumber(tally.median) }),
    ...tally.bands.map((b) => t('polls.results.bandLine', { band: bandLabel(t, b.key), count: b.count })),
  ];
}

/** What the chart shows: options (or bands) with their counts, the turnout below. */
export function chartSpec(t: Translate, poll: Poll, tally: Tally, voted: number, eligible: number): ChartSpec {
  const bars =
    tally.kind === 'choice'
      ? tally.counts.map((value, i) => ({ label: optionLabel(poll, i), value }))
      : tally.bands.map((b) => ({ label: bandLabel(t, b.key), value: b.count }));
  const title = `#${poll.id} ${poll.question}`;
  const footer =
    tally.kind === 'rating' && tally.mean !== null && tally.median !== null
      ? `${turnoutLine(t, voted, eligible)}  ${t('polls.results.ratingSummary', { count: tally.ballots, mean: formatNumber(tally.mean), median: formatNumber(tally.median) })}`
      : turnoutLine(t, voted, eligible);
  return { title, bars, footer };
}

/** Neutralises a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR). */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A poll's kind in words, for the export. */
function kindWord(t: Translate, poll: Poll): string {
  if (poll.kind === 'rating') return t('polls.csv.kindRating');
  return t(poll.multiple ? 'polls.csv.kindMulti' : 'polls.csv.kindSingle');
}

/**
 * The rows of a poll's CSV export (sent by `/export #N`, with a byte-order mark so Excel reads the
 * Chinese): the poll's facts, the counts per option (or the rating summary and bands), then — for
 * a NAMED poll only — each voter with their choice. `voters` must be empty for an anonymous poll
 * (checked). Cells a spreadsheet would run as formulas are neutralised.
 */
export function exportRows(
  t: Translate,
  poll: Poll,
  tally: Tally,
  voted: number,
  eligible: number,
  timeZone: string,
  voters: readonly { name: string; ballot: BallotContent }[],
): string[][] {
  if (poll.anonymous && voters.length > 0) throw new Error('an anonymous poll is never exported with voters');
  const rows: (string | number)[][] = [
    [t('polls.csv.poll'), `#${poll.id}`],
    [t('polls.csv.question'), safeCell(poll.question)],
    [t('polls.csv.kind'), kindWord(t, poll)],
    [t('polls.csv.named'), t(poll.anonymous ? 'polls.csv.no' : 'polls.csv.yes')],
    [t('polls.csv.status'), t(poll.status === 'closed' ? 'polls.results.closed' : 'polls.results.open')],
    [t('polls.csv.createdAt'), formatStamp(poll.createdAt, timeZone)],
    [t('polls.csv.closedAt'), poll.closedAt ? formatStamp(poll.closedAt, timeZone) : poll.closesAt ? formatStamp(poll.closesAt, timeZone) : ''],
    [t('polls.csv.eligible'), eligible],
    [t('polls.csv.voted'), voted],
    [],
  ];
  if (tally.kind === 'choice') {
    rows.push([t('polls.csv.option'), t('polls.csv.count')]);
    tally.counts.forEach((count, i) => rows.push([safeCell(optionLabel(poll, i)), count]));
  } else {
    rows.push([t('polls.csv.people'), tally.ballots]);
    rows.push([t('polls.csv.mean'), tally.mean === null ? '' : formatNumber(tally.mean)]);
    rows.push([t('polls.csv.median'), tally.median === null ? '' : formatNumber(tally.median)]);
    rows.push([]);
    rows.push([t('polls.csv.band'), t('polls.csv.people')]);
    tally.bands.forEach((b) => rows.push([b.key, b.count]));
  }
  if (!poll.anonymous && voters.length > 0) {
    rows.push([]);
    rows.push([t('polls.csv.voter'), t(poll.kind === 'rating' ? 'polls.csv.score' : 'polls.csv.choice')]);
    for (const v of voters) {
      const what = poll.kind === 'rating' ? (v.ballot.score ?? '') : v.ballot.choices.map((i) => optionLabel(poll, i)).join('; ');
      rows.push([safeCell(v.name), typeof what === 'string' ? safeCell(what) : what]);
    }
  }
  return rows.map((row) => row.map((cell) => String(cell)));
}

/** A choice tally or a rating tally; re-exported for callers that only import render. */
export type { ChoiceTally, RatingTally, Tally };
