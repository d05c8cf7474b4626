/** A bare `确认` or `取消` answers the member's waiting far check-in (confirm.ts). */
import type { AnswerClaim, Context } from '../../bot/feature.ts';
import { runCheckin } from './commands/checkin.ts';
import { answerWord, CANCEL_WORDS, CONFIRM_WORDS, type PendingCheckins } from './confirm.ts';

/** The claim on a bare answer: confirming runs the waiting check-in, cancelling drops it. */
export async function claimConfirmation(ctx: Context, text: string, pending: PendingCheckins): Promise<AnswerClaim[]> {
  const word = answerWord(text);
  const confirm = CONFIRM_WORDS.has(word);
  if (!confirm && !CANCEL_WORDS.has(word)) return [];
  const waiting = pending.peek(ctx.member.id, ctx.now());
  if (!waiting) return [];
  const command = `/checkin #${waiting.id} +${waiting.amount}${waiting.note ? ` ${waiting.note}` : ''} 确认`;
  const run = async () => {
    if (confirm) return runCheckin(ctx, { ...waiting, note: waiting.note ? `${waiting.note} 确认` : '确认' }, pending);
    pending.drop(ctx.member.id);
    ctx.reply(ctx.t('pledges.checkin.cancelled', { id: waiting.id }));
  };
  return [{ kind: 'awaiting', label: ctx.t('pledges.checkin.claimLabel', { id: waiting.id }), command, run }];
}
