/**
 * A formal vote's lines under its results: the rule (应到, quorum, threshold), the figures
 * (实到, 赞成) and, once closed, the outcome in words (通过 / 未通过 / 人数不足，表决无效).
 * The first option is the one in favour (赞成).
 */
import type { Translate, Tx } from '../../../bot/feature.ts';
import type { Poll } from '../store.ts';
import type { Tally } from '../tally.ts';
import { formalOutcome, isHalf, type FormalResult, type Quorum } from './rules.ts';
import { getFormal } from './store.ts';

/** The quorum in words: 过半数, 三分之二以上, 3/4 以上. */
export function quorumWords(t: Translate, q: Quorum): string {
  if (isHalf(q)) return t('polls.formal.quorumHalf');
  if (q.num * 3 === q.den * 2) return t('polls.formal.quorumTwoThirds');
  return t('polls.formal.quorumFraction', { num: q.num, den: q.den });
}

/** The outcome in words. */
export function outcomeWords(t: Translate, r: FormalResult): string {
  return t(`polls.formal.outcome.${r.outcome}`);
}

/** The rule, the figures and (closed) the outcome of a formal vote, as lines. */
export function formalLines(t: Translate, poll: Pick<Poll, 'status'>, q: Quorum, r: FormalResult): string[] {
  const lines = [
    t('polls.formal.rule', { due: r.due, quorum: quorumWords(t, q), quorumNeeded: r.quorumNeeded, passNeeded: r.passNeeded }),
    t('polls.formal.figures', { attended: r.attended, inFavour: r.inFavour }),
  ];
  lines.push(poll.status === 'closed' ? t('polls.formal.outcomeLine', { outcome: outcomeWords(t, r) }) : t('polls.formal.pending'));
  return lines;
}

/** The formal result of a poll, or null when it is not a formal vote. */
export async function formalResultOf(db: Tx, poll: Poll, tally: Tally, voted: number, eligible: number): Promise<{ quorum: Quorum; result: FormalResult } | null> {
  const row = await getFormal(db, poll.id);
  if (!row || tally.kind !== 'choice') return null;
  return { quorum: row.quorum, result: formalOutcome(eligible, voted, tally.counts[0] ?? 0, row.quorum) };
}

/** The lines to add under a poll's results ('' when it is not a formal vote). */
export async function formalSuffix(t: Translate, db: Tx, poll: Poll, tally: Tally, voted: number, eligible: number): Promise<string> {
  const f = await formalResultOf(db, poll, tally, voted, eligible);
  return f ? `\n${formalLines(t, poll, f.quorum, f.result).join('\n')}` : '';
}
