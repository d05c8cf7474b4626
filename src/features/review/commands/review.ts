/**
 * `/review [年份]` opens a unit's yearly 民主评议党员; `/review #N` shows its progress, `#N 自评` the
 * self-assessments, `#N 测评` opens the anonymous 民主测评, `#N 结束` closes it and sends the results
 * to the secretary privately, `#N 结果 @x 合格` records the 支委会's decision (steps.ts does the work).
 */
import { z } from 'zod';
import { argInput } from '../../../bot/args.ts';
import { command, UserError, type CommandSpec, type Context } from '../../../bot/feature.ts';
import { personLabel, targetPerson } from '../../../bot/people.ts';
import { actingUnitIn, managesUnitIn } from '../../../bot/policy.ts';
import type { PollsRuntime } from '../../polls/api.ts';
import { readReviewArgs, type ReviewArgs } from '../rules.ts';
import { closeReview, openRating, openReview, showSelfAssessments } from '../steps.ts';
import { currentSelfAssessments, decisionsOf, getReview, saveDecision, subjectsOf, type Review } from '../store.ts';

/** The arguments of /review (an unknown action is a usage error). */
const reviewArgs = argInput.transform((a, ctx): ReviewArgs => {
  const r = readReviewArgs(a.tokens);
  if (r) return r;
  ctx.addIssue({ code: 'custom', message: 'unknown action' });
  return z.NEVER;
});

/** The unit /review acts for, refusing when the speaker manages none here. */
async function unitFor(ctx: Context): Promise<number> {
  const unitId = await actingUnitIn(ctx.db, ctx.member, ctx.chat.unitId);
  if (unitId === null || !(await managesUnitIn(ctx.db, ctx.member, unitId))) throw new UserError('review.review.notManager');
  return unitId;
}

/** Review #id, refused unless the speaker manages its unit. */
async function managedReview(ctx: Context, id: number): Promise<Review> {
  const review = await getReview(ctx.db, id);
  if (!review) throw new UserError('review.review.notFound', { id });
  if (!(await managesUnitIn(ctx.db, ctx.member, review.unitId))) throw new UserError('review.review.notYours', { id });
  return review;
}

/** Records the 支委会's decision for one member of the review. */
async function decide(ctx: Context, review: Review, a: Extract<ReviewArgs, { kind: 'decide' }>): Promise<void> {
  if (!a.grade) throw new UserError('review.review.decideUsage', { id: review.id });
  const found = await targetPerson(ctx, a.person, review.unitId);
  if (!found) throw new UserError('review.review.decideUsage', { id: review.id });
  const who = await personLabel(ctx, found.member);
  const subjects = await subjectsOf(ctx.db, review.id);
  if (!subjects.some((s) => s.memberId === found.member.id)) throw new UserError('review.review.notSubject', { id: review.id, who });
  const before = await saveDecision(ctx.db, { reviewId: review.id, memberId: found.member.id, grade: a.grade, byId: ctx.member.id, now: ctx.now() });
  await ctx.audit('review.decide', `#${review.id} M${found.member.id} ${a.grade}${before ? ` (was ${before})` : ''}`);
  const grade = ctx.t(`review.grade.${a.grade}`);
  ctx.reply(before ? ctx.t('review.review.redecided', { who, year: review.year, grade, before: ctx.t(`review.grade.${before}`) }) : ctx.t('review.review.decided', { who, year: review.year, grade }));
}

/** One line of progress. */
async function showStatus(ctx: Context, review: Review): Promise<void> {
  const total = (await subjectsOf(ctx.db, review.id)).length;
  const self = (await currentSelfAssessments(ctx.db, review.id)).size;
  const decided = (await decisionsOf(ctx.db, review.id)).size;
  const stage = ctx.t(review.status === 'self' ? 'review.review.stageSelf' : review.status === 'rating' ? 'review.review.stageRating' : 'review.review.stageClosed');
  ctx.reply(ctx.t('review.review.status', { id: review.id, year: review.year, stage, total, self, decided }));
}

/** The /review command (secretaries); `runtime` is the polls slice's store of staged anonymous ballots. */
export function reviewCommand(runtime: PollsRuntime): CommandSpec {
  return command({
    name: 'review',
    aliases: ['民主评议', '评议'],
    minRole: 'secretary',
    summaryKey: 'review.review.summary',
    usageKey: 'review.review.usage',
    args: reviewArgs,
    handler: async (ctx, a) => {
      if (a.kind === 'open') return openReview(ctx, await unitFor(ctx), a.year);
      const review = await managedReview(ctx, a.id);
      if (a.kind === 'status') return showStatus(ctx, review);
      if (a.kind === 'self') return showSelfAssessments(ctx, review);
      if (a.kind === 'rate') return openRating(ctx, review);
      if (a.kind === 'close') return closeReview(ctx, review, runtime);
      if (a.kind === 'decide') return decide(ctx, review, a);
    },
  });
}
