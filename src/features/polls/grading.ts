/**
 * Secret gradings for other slices (the review slice's 民主测评): an anonymous choice poll of this
 * slice, voted through `/vote #N k` like any other (buttons or a private chat; staged, batched and
 * landed by staging.ts, events redacted by bot/secrecy.ts), whose figures exist only after close
 * and only with at least ANON_MIN_BALLOTS ballots. The caller keeps the poll id; it never sees a
 * ballot, only the counts at close.
 */
import type { BaseContext } from '../../bot/context.ts';
import type { Button } from '../../bot/types.ts';
import { BallotStager } from './staging.ts';
import { newSalt } from './codes.ts';
import { landAll } from './landing.ts';
import { ANON_MIN_BALLOTS, type PollsRuntime } from './lifecycle.ts';
import { voteCommand } from './render.ts';
import { ballotGroups, createPoll, eligibleMembers, getPoll, markClosed, type Poll } from './store.ts';
import { UserError } from '../../bot/feature.ts';
import type { Logger } from '../../logger.ts';

/** The polls slice's process state, made once and given to both the polls and review slices. */
export function newPollsRuntime(logger?: Logger, reviewOfGrading?: PollsRuntime['reviewOfGrading']): PollsRuntime {
  return { stager: new BallotStager(), logger, reviewOfGrading };
}

/** True when the poll is a secret grading of the review slice (a 民主测评), not an ordinary poll. */
export function isGrading(poll: Pick<Poll, 'excludedMemberId'>): boolean {
  return poll.excludedMemberId !== null;
}

/**
 * Refuses a command that would show or close a grading on its own (`key` names the reply; its
 * `{review}` is the review's id): a grading closes, and its figures go out, only through its review.
 */
export async function refuseGrading(ctx: Pick<BaseContext, 'db'>, poll: Pick<Poll, 'id' | 'excludedMemberId'>, runtime: PollsRuntime, key: 'polls.results.grading' | 'polls.close.grading'): Promise<void> {
  if (!isGrading(poll)) return;
  const review = (await runtime.reviewOfGrading?.(ctx.db, poll.id)) ?? null;
  throw new UserError(key, { id: poll.id, review: review === null ? 'N' : String(review) });
}

/** What a secret grading is opened with: the chat it belongs to comes from `chat`. */
export interface GradingSpec {
  readonly question: string;
  readonly options: readonly string[];
  readonly unitId: number;
  /** Who may not grade (the member graded). */
  readonly excludedMemberId: number;
  readonly createdById: number;
  readonly chat: { readonly id: number; readonly platform: string; readonly chatId: string; readonly title: string };
}

/** Opens a secret grading (anonymous poll of the unit's Party members) and returns its poll id. */
export async function openSecretGrading(env: Pick<BaseContext, 'db' | 'now'>, spec: GradingSpec): Promise<number> {
  const poll = await createPoll(env.db, {
    kind: 'choice',
    question: spec.question,
    options: spec.options,
    multiple: false,
    anonymous: true,
    hideResults: true,
    minBallots: ANON_MIN_BALLOTS,
    audience: 'members',
    excludedMemberId: spec.excludedMemberId,
    unitId: spec.unitId,
    createdById: spec.createdById,
    chatId: spec.chat.id,
    platform: spec.chat.platform,
    chatExternalId: spec.chat.chatId,
    chatTitle: spec.chat.title.slice(0, 200),
    salt: newSalt(),
    closesAt: null,
    createdAt: env.now(),
  });
  return poll.id;
}

/** The buttons of a grading: one per option, each a `/vote #N k`. */
export function gradingButtons(pollId: number, options: readonly string[]): Button[][] {
  return [options.map((label, i) => ({ label, command: `${voteCommand(pollId)} ${i + 1}` }))];
}

/** What a grading showed at close: the ballots and, with at least the minimum, the count per option. */
export interface GradingResult {
  readonly ballots: number;
  readonly counts: readonly number[] | null;
}

/**
 * Closes a grading (once; null when already closed or unknown): its staged ballots land in this
 * transaction, the batch marks are erased, and the counts come from the database's GROUP BY.
 */
export async function closeSecretGrading(env: Pick<BaseContext, 'db' | 'now'>, pollId: number, runtime: PollsRuntime): Promise<GradingResult | null> {
  const poll = await getPoll(env.db, pollId);
  if (!poll || poll.status === 'closed') return null;
  const eligible = (await eligibleMembers(env.db, poll)).length;
  if (!(await markClosed(env.db, pollId, env.now(), eligible))) return null;
  await landAll(env.db, poll, runtime.stager);
  const counts = poll.options.map(() => 0);
  let ballots = 0;
  for (const g of await ballotGroups(env.db, poll)) {
    ballots += g.count;
    const i = g.choices[0];
    if (i !== undefined && i < counts.length) counts[i] = (counts[i] ?? 0) + g.count;
  }
  return { ballots, counts: ballots >= ANON_MIN_BALLOTS ? counts : null };
}
