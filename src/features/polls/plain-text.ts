/**
 * Bare answers (`1`, `Ａ`, `选B`, `95分`, `九十五`): they count while exactly one open poll of this
 * chat (in a private chat: of the member's unit) awaits this person — eligible, not voted yet,
 * and the text is a valid answer to it. Several: the bot asks for `/vote #N`. After voting, a bare
 * answer is ordinary chat again (the router settles claims of several features: `settleAnswerClaims`). An anonymous poll never takes a bare answer in a group (everyone
 * saw it): it counts nothing, and the voter gets a short private hint.
 */
import type { AnswerClaim, Context } from '../../bot/feature.ts';
import { deliver, privateChatFor, sameChat } from './access.ts';
import { notifyLost, recoverOnFirstLook } from './landing.ts';
import { acceptsVotes, parseAnswer, type PollsRuntime } from './lifecycle.ts';
import { voteCommand } from './render.ts';
import { isEligible, openPollsInChat, openPollsOfUnit, votedPollIds, type BallotContent, type Poll } from './store.ts';
import { castVote } from './vote.ts';

/** Longest bare text considered as an answer. */
const MAX_BARE_ANSWER = 30;

/** The open polls awaiting this person that read `text` as a valid answer. */
async function awaitingPolls(ctx: Context, text: string, runtime: PollsRuntime): Promise<{ poll: Poll; content: BallotContent }[]> {
  const polls = ctx.chat.ref.kind === 'group' ? await openPollsInChat(ctx.db, ctx.chat.id) : ctx.unitId !== null ? await openPollsOfUnit(ctx.db, ctx.unitId) : [];
  await recoverAfterRestart(ctx, polls, runtime);
  const candidates: { poll: Poll; content: BallotContent }[] = [];
  for (const poll of polls) {
    if (!acceptsVotes(poll, ctx.receivedAt) || !isEligible(poll, ctx.member)) continue;
    const content = parseAnswer(poll, text);
    if (content) candidates.push({ poll, content });
  }
  if (candidates.length === 0) return [];
  const voted = await votedPollIds(ctx.db, ctx.member.id, candidates.map((c) => c.poll.id));
  return candidates.filter((c) => !voted.has(c.poll.id));
}

/** The first time this process sees an open anonymous poll: voters of batches a restart lost are told. */
async function recoverAfterRestart(ctx: Context, polls: readonly Poll[], runtime: PollsRuntime): Promise<void> {
  for (const poll of polls) {
    if (!poll.anonymous || !runtime.stager.needsRecovery(poll.id)) continue;
    const recovery = await recoverOnFirstLook(ctx.db, poll, runtime.stager);
    ctx.afterCommit(async () => recovery.committed());
    for (const d of await notifyLost(ctx, poll, recovery.lost, false)) deliver(ctx, d.chat, d.message);
  }
}

/** A bare answer in a group to an anonymous poll: nothing counted, a private hint (none when unreachable). */
async function hintPrivately(ctx: Context, poll: Poll): Promise<void> {
  const chat = await privateChatFor(ctx);
  if (chat && !sameChat(chat, ctx.chat.ref)) ctx.send(chat, ctx.t('polls.vote.anonHint', { id: poll.id }));
}

/**
 * A bare whole number outside 0-100 (`101`, `-5`) while a rating awaits this voter: a reply saying
 * the range (a claim the router uses only when nothing else awaits them).
 */
async function outOfRangeScore(ctx: Context, text: string): Promise<AnswerClaim[]> {
  if (!/^-?\d{1,6}分?$/.test(text.trim())) return [];
  const polls = ctx.chat.ref.kind === 'group' ? await openPollsInChat(ctx.db, ctx.chat.id) : ctx.unitId !== null ? await openPollsOfUnit(ctx.db, ctx.unitId) : [];
  const ratings = polls.filter((p) => p.kind === 'rating' && acceptsVotes(p, ctx.receivedAt) && isEligible(p, ctx.member));
  if (ratings.length === 0) return [];
  const voted = await votedPollIds(ctx.db, ctx.member.id, ratings.map((p) => p.id));
  const awaiting = ratings.find((p) => !voted.has(p.id)) ?? ratings[0]!;
  return [{ kind: 'answered', reply: ctx.t('polls.vote.badScore', { id: awaiting.id }) }];
}

/**
 * The feature's `claimAnswer`: one claim per open poll awaiting this voter that the text fits (the
 * router weighs them against other features' claims, e.g. a quiz question in the same chat). In a
 * group, anonymous polls never claim: their voters get a private hint instead, and nothing counts.
 */
export async function claimBareAnswer(ctx: Context, text: string, runtime: PollsRuntime): Promise<AnswerClaim[]> {
  if (text.length === 0 || text.length > MAX_BARE_ANSWER) return [];
  const awaiting = await awaitingPolls(ctx, text, runtime);
  if (awaiting.length === 0) return outOfRangeScore(ctx, text);
  ctx.redactEvent();
  const inGroup = ctx.chat.ref.kind !== 'private';
  if (inGroup && awaiting.every((c) => c.poll.anonymous)) {
    await hintPrivately(ctx, awaiting[0]!.poll);
    return [{ kind: 'answered', reply: '' }];
  }
  const usable = inGroup ? awaiting.filter((c) => !c.poll.anonymous) : awaiting;
  return usable.map((c) => ({
    kind: 'awaiting' as const,
    label: ctx.t('polls.vote.claimLabel', { id: c.poll.id, question: c.poll.question }),
    command: `${voteCommand(c.poll.id)} ${text}`,
    run: () => castVote(ctx, c.poll, c.content, undefined, runtime),
    secret: c.poll.anonymous,
  }));
}
