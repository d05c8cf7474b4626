/**
 * Small checks and routes the polls commands share: who manages a poll, finding it, where a
 * secret can be sent, and closing a poll whose time has passed.
 */
import { UserError, type Context } from '../../bot/feature.ts';
import type { ChatRef, QueuedMessage } from '../../bot/types.ts';
import { privateChatsOf } from '../../bot/roster.ts';
import { managesUnitIn } from '../../bot/policy.ts';
import { acceptsVotes, closePoll, type PollsRuntime } from './lifecycle.ts';
import { formalRefusal } from './formal/eligibility.ts';
import { getPoll, isEligible, type Poll } from './store.ts';

/** True when the speaker may manage polls of `unitId` (the policy's parent-unit rule). */
export async function canManage(ctx: Context, unitId: number): Promise<boolean> {
  return managesUnitIn(ctx.db, ctx.member, unitId);
}

/** The poll `#id`, or a refusal. */
export async function requirePoll(ctx: Context, id: number): Promise<Poll> {
  const poll = await getPoll(ctx.db, id);
  if (!poll) throw new UserError('polls.error.notFound', { id });
  return poll;
}

/** A private chat where the speaker can receive a secret, or null (this chat when it is private). */
export async function privateChatFor(ctx: Context): Promise<ChatRef | null> {
  if (ctx.chat.ref.kind === 'private') return ctx.chat.ref;
  const chats = (await privateChatsOf(ctx.db, ctx.member.id)).filter((c) => ctx.capabilitiesOf(c.platform).privateMessages);
  return chats.find((c) => c.platform === ctx.chat.ref.platform) ?? chats[0] ?? null;
}

/** True when `a` and `b` are the same chat. */
export function sameChat(a: ChatRef, b: ChatRef): boolean {
  return a.platform === b.platform && a.chatId === b.chatId;
}

/** Sends to `chat`: a reply when it is this chat. */
export function deliver(ctx: Context, chat: ChatRef, message: QueuedMessage): void {
  if (sameChat(chat, ctx.chat.ref)) ctx.reply(message);
  else ctx.send(chat, message);
}

/** Closes a poll whose close time has passed but that the scheduler has not closed yet. */
export async function closeIfOverdue(ctx: Context, poll: Poll, runtime: PollsRuntime): Promise<Poll> {
  if (poll.status !== 'open' || !poll.closesAt || poll.closesAt.getTime() > ctx.now().getTime()) return poll;
  const deliveries = await closePoll(ctx, poll.id, runtime);
  for (const d of deliveries ?? []) ctx.send(d.chat, d.message);
  return (await getPoll(ctx.db, poll.id)) ?? poll;
}

/** The refusal for an unreadable answer to this poll. */
export function badAnswer(poll: Poll): UserError {
  if (poll.kind === 'rating') return new UserError('polls.vote.badScore', { id: poll.id });
  return new UserError(poll.multiple ? 'polls.vote.badChoices' : 'polls.vote.badChoice', { id: poll.id, max: poll.options.length });
}

/** Refuses a vote when the poll is closed or the speaker is not in its audience. */
export function ensureCanVote(ctx: Context, poll: Poll): void {
  // Judged by when the vote arrived: under a backlog it may be processed after the close time.
  if (!acceptsVotes(poll, ctx.receivedAt)) throw new UserError('polls.vote.closed', { id: poll.id });
  if (!isEligible(poll, ctx.member)) throw formalRefusal(poll, ctx.member) ?? new UserError('polls.vote.notEligible', { id: poll.id });
}

/** True when this event is a button press or a native poll answer (nobody else in the chat sees it). */
export function cameByButton(ctx: Context): boolean {
  return ctx.incoming.content.type === 'button' || ctx.incoming.content.type === 'poll_answer';
}
