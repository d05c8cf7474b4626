/**
 * `/selfreview 内容` (自评): a member's self-assessment for the open review of their unit, in a
 * private chat, several lines welcome; sending it again replaces it (the earlier version is kept,
 * marked superseded, and the audit says so).
 */
import { command, UserError, type CommandSpec } from '../../../bot/feature.ts';
import { argInput } from '../../../bot/args.ts';
import { PARTY_MEMBER } from '../../../bot/policy.ts';
import { MAX_SELF_ASSESSMENT } from '../rules.ts';
import { openReviewsOf, saveSelfAssessment } from '../store.ts';

/** The text as typed, with its line breaks (only surrounding blanks trimmed). */
const selfArgs = argInput.transform((a) => ({ text: a.raw.trim() }));

/** The /selfreview command. */
export const selfReviewCommand: CommandSpec = command({
  name: 'selfreview',
  aliases: ['自评'],
  minRole: PARTY_MEMBER,
  summaryKey: 'review.selfreview.summary',
  usageKey: 'review.selfreview.usage',
  args: selfArgs,
  handler: async (ctx, { text }) => {
    if (ctx.chat.ref.kind !== 'private') throw new UserError('review.selfreview.privateOnly');
    if (text === '') throw new UserError('review.selfreview.empty');
    const length = [...text].length;
    if (length > MAX_SELF_ASSESSMENT) throw new UserError('review.selfreview.tooLong', { length, max: MAX_SELF_ASSESSMENT });
    const review = (await openReviewsOf(ctx.db, ctx.member.id)).find((r) => r.status === 'self') ?? (await openReviewsOf(ctx.db, ctx.member.id))[0];
    if (!review) throw new UserError('review.selfreview.noReview');
    const version = await saveSelfAssessment(ctx.db, review.id, ctx.member.id, text, ctx.now());
    await ctx.audit('review.self', `#${review.id} v${version} ${length} chars`);
    ctx.reply(ctx.t(version === 1 ? 'review.selfreview.saved' : 'review.selfreview.replaced', { year: review.year, version, length }));
  },
});
