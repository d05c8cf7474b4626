/**
 * Casting a ballot and checking a receipt.
 *
 * Anonymous ballots (design choice): a ballot, once cast, is never replaced, not even by its own
 * voter with their receipt code. Replacing needs a way from the code to the ballot row, which a
 * coercer or vote buyer holding the code (and perhaps a copy of the database) could follow, and an
 * UPDATE, whose old row version would outlive it (on PostgreSQL carrying the voter's transaction
 * id). Write-once ballots keep both out. So a receipt code proves that a ballot counted, nothing
 * else: `check` says "counted", never the content, to whoever sends it, and only in private.
 */
import { UserError, type Context } from '../../bot/feature.ts';
import type { OutgoingMessage } from '../../bot/types.ts';
import { cameByButton, deliver, privateChatFor, sameChat } from './access.ts';
import { codeTag, newReceiptCode, normalizeReceiptCode, orphanTag } from './codes.ts';
import { flushSealed, notifyLost, recoverOnFirstLook } from './landing.ts';
import type { PollsRuntime } from './lifecycle.ts';
import { describeBallot } from './render.ts';
import { castNamedBallot, findNamedBallot, hasVoted, type BallotContent, type Poll } from './store.ts';

/** Records a vote (checked already: open, eligible, valid content). Replies never show a running tally. */
export async function castVote(ctx: Context, poll: Poll, content: BallotContent, code: string | undefined, runtime: PollsRuntime): Promise<void> {
  if (poll.anonymous) {
    await castAnonVote(ctx, poll, content, code, runtime);
    return;
  }
  const { t } = ctx;
  const id = poll.id;
  if (code) throw new UserError('polls.vote.codeNotNeeded', { id });
  const r = await castNamedBallot(ctx.db, id, ctx.member.id, content, ctx.now());
  const key = poll.kind === 'rating' ? (r === 'new' ? 'polls.vote.scoreRecorded' : 'polls.vote.scoreReplaced') : r === 'new' ? 'polls.vote.recorded' : 'polls.vote.replaced';
  ctx.reply(t(key, { id, choice: describeBallot(t, poll, content), score: content.score ?? 0 }));
}

/**
 * An anonymous vote: only by button or in a private chat, once. The voter's transaction writes
 * the receipt; the ballot is staged and lands with its batch after this commit (staging.ts). The
 * receipt code goes privately, sealed in the outbox until delivered.
 */
async function castAnonVote(ctx: Context, poll: Poll, content: BallotContent, code: string | undefined, runtime: PollsRuntime): Promise<void> {
  const { t } = ctx;
  const id = poll.id;
  if (ctx.chat.ref.kind !== 'private' && !cameByButton(ctx)) throw new UserError('polls.vote.anonInGroup', { id });
  const recovery = await recoverOnFirstLook(ctx.db, poll, runtime.stager);
  ctx.afterCommit(async () => recovery.committed());
  for (const d of await notifyLost(ctx, poll, recovery.lost, false)) deliver(ctx, d.chat, d.message);
  // A receipt code changes nothing, whoever holds it.
  if (code !== undefined) throw new UserError('polls.vote.codeCannotChange', { id });
  if (await hasVoted(ctx.db, id, ctx.member.id)) throw new UserError('polls.vote.anonAlready', { id });
  const target = await privateChatFor(ctx);
  const receipt = target ? newReceiptCode() : null;
  const tag = receipt ? codeTag(poll.salt, receipt) : orphanTag();
  const stage = runtime.stager.stage(id, { memberId: ctx.member.id, tag, choices: JSON.stringify(content.choices), score: content.score });
  await ctx.db.pollReceipt.create({ data: { pollId: id, memberId: ctx.member.id, stage } });
  ctx.afterCommit((db) => flushSealed(db, runtime.stager, runtime.logger));
  const lines = [t('polls.vote.anonRecorded', { id })];
  if (!target || !receipt) {
    lines.push(t('polls.receipt.noPrivate', { id }));
    ctx.reply(lines.join('\n'));
    return;
  }
  const secret: OutgoingMessage = { kind: 'text', text: t('polls.receipt.message', { id, question: poll.question, code: receipt }), ephemeral: true };
  if (!sameChat(target, ctx.chat.ref)) lines.push(t('polls.receipt.sentPrivately'));
  ctx.reply(lines.join('\n'));
  deliver(ctx, target, secret);
}

/**
 * `/vote #N check CODE`: whether the ballot of this code counted, and nothing else (never its
 * content, whoever asks); codes are accepted only in a private chat.
 */
export async function checkReceipt(ctx: Context, poll: Poll, raw: string, runtime: PollsRuntime): Promise<void> {
  const { t } = ctx;
  const id = poll.id;
  if (!poll.anonymous) {
    const mine = await findNamedBallot(ctx.db, id, ctx.member.id);
    ctx.reply(mine ? t('polls.check.named', { id, choice: describeBallot(t, poll, mine) }) : t('polls.check.namedNone', { id }));
    return;
  }
  if (ctx.chat.ref.kind !== 'private') throw new UserError('polls.vote.codeOnlyPrivate', { id });
  const code = normalizeReceiptCode(raw);
  if (!code) throw new UserError('polls.check.usage', { id });
  const tag = codeTag(poll.salt, code);
  const counted = runtime.stager.hasTag(id, tag) || (await ctx.db.pollCountedTag.count({ where: { pollId: id, tag } })) > 0;
  if (!counted) throw new UserError('polls.check.notFound', { id });
  ctx.reply(t('polls.check.counted', { id }));
}
