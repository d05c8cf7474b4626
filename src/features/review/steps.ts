/**
 * The stages of a review: opening (the subjects, the private request for a self-assessment), the
 * anonymous 民主测评 (one secret grading of the polls slice per subject, a ballot to every other
 * subject privately), the close (counts only with at least 5 ballots) and the reading of self-assessments.
 */
import { UserError, type Context, type MemberInfo } from '../../bot/feature.ts';
import { shortLabel } from '../../bot/people.ts';
import { partyRoles } from '../../bot/policy.ts';
import { membersByIds, membersOfUnit, privateChatsOfMembers, unitName } from '../../bot/roster.ts';
import { localParts } from '../../bot/time.ts';
import type { ChatRef } from '../../bot/types.ts';
import { exemptIds } from '../care/api.ts';
import { closeSecretGrading, gradingButtons, openSecretGrading, type PollsRuntime } from '../polls/api.ts';
import { createReview, currentSelfAssessments, GRADES, setStatus, setSubjectPoll, setSubjectResult, subjectsOf, type Review } from './store.ts';

/** A member's private chat where the platform sends private messages, or undefined. */
function reachable(ctx: Context, chats: readonly ChatRef[] | undefined): ChatRef | undefined {
  return (chats ?? []).find((c) => ctx.capabilitiesOf(c.platform)?.privateMessages);
}

/** Opens the review of `unitId` for `raw` year (default this year) and asks each subject privately. */
export async function openReview(ctx: Context, unitId: number, raw: string | undefined): Promise<void> {
  const year = raw === undefined ? localParts(ctx.now(), ctx.timeZone).year : Number(raw);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new UserError('review.review.badYear', { value: (raw ?? '').slice(0, 20) });
  const unit = (await unitName(ctx.db, unitId)) ?? '';
  const exempt = await exemptIds(ctx.db, unitId, ctx.now(), ctx.timeZone);
  const members = (await membersOfUnit(ctx.db, unitId, partyRoles())).filter((m) => !exempt.has(m.id));
  if (members.length === 0) throw new UserError('review.review.noMembers', { unit });
  const review = await createReview(ctx.db, { unitId, year, openedById: ctx.member.id, now: ctx.now(), memberIds: members.map((m) => m.id) });
  if (!review) throw new UserError('review.review.exists', { unit, year, id: (await existingId(ctx, unitId, year)) ?? 0 });
  await ctx.audit('review.open', `#${review.id} ${year} unit ${unitId} members ${members.length}`);
  const unreachable = sendEach(ctx, members, await privateChatsOfMembers(ctx.db, members.map((m) => m.id)), () => ctx.t('review.review.askSelf', { year }));
  const left = exempt.size > 0 ? ctx.t('review.review.exemptNote', { count: exempt.size }) : '';
  const lines = [ctx.t('review.review.opened', { unit, year, id: review.id, count: members.length, exempt: left })];
  if (unreachable.length > 0) lines.push(ctx.t('review.review.unreachable', { names: unreachable.join('、') }));
  ctx.reply(lines.join('\n'));
}

async function existingId(ctx: Context, unitId: number, year: number): Promise<number | null> {
  return (await ctx.db.review.findUnique({ where: { unitId_year: { unitId, year } }, select: { id: true } }))?.id ?? null;
}

/** Sends each member their text privately; returns the names of those who cannot be reached. */
function sendEach(ctx: Context, members: readonly MemberInfo[], chats: Map<number, ChatRef[]>, text: (m: MemberInfo) => string): string[] {
  const unreachable: string[] = [];
  for (const m of members) {
    const chat = reachable(ctx, chats.get(m.id));
    if (chat) ctx.send(chat, text(m));
    else unreachable.push(shortLabel(m));
  }
  return unreachable;
}

/** The subjects of a review as members, in member-id order. */
async function subjectMembers(ctx: Context, review: Review): Promise<MemberInfo[]> {
  const subjects = await subjectsOf(ctx.db, review.id);
  const found = await membersByIds(ctx.db, subjects.map((s) => s.memberId));
  return subjects.flatMap((s) => found.get(s.memberId) ?? []);
}

/** The secretary reads the current self-assessments, and who has not written one. */
export async function showSelfAssessments(ctx: Context, review: Review): Promise<void> {
  const members = await subjectMembers(ctx, review);
  const texts = await currentSelfAssessments(ctx.db, review.id);
  const lines = [ctx.t('review.review.selfHeader', { id: review.id, done: texts.size, total: members.length })];
  for (const m of members) {
    const s = texts.get(m.id);
    if (s) lines.push(ctx.t('review.review.selfLine', { who: shortLabel(m), text: s.text }));
  }
  const missing = members.filter((m) => !texts.has(m.id)).map(shortLabel);
  if (missing.length > 0) lines.push(ctx.t('review.review.selfMissing', { names: missing.join('、') }));
  ctx.reply(lines.join('\n'));
}

/** The grade labels in order (the options of each grading). */
function gradeLabels(ctx: Pick<Context, 't'>): string[] {
  return GRADES.map((g) => ctx.t(`review.grade.${g}`));
}

/**
 * Opens the anonymous 民主测评: one secret grading per subject (the subject cannot grade themself),
 * and to every subject privately a ballot for each other subject, with buttons where the platform
 * has them (each a `/vote #P k`), else the text form.
 */
export async function openRating(ctx: Context, review: Review): Promise<void> {
  if (!(await setStatus(ctx.db, review.id, 'self', 'rating', ctx.now()))) throw new UserError('review.review.notSelfStage', { id: review.id });
  const members = await subjectMembers(ctx, review);
  const options = gradeLabels(ctx);
  const chat = { id: ctx.chat.id, platform: ctx.chat.ref.platform, chatId: ctx.chat.ref.chatId, title: ctx.chat.ref.title ?? ctx.chat.ref.chatId };
  const polls = new Map<number, number>();
  for (const m of members) {
    const question = ctx.t('review.review.ballot', { review: review.id, who: shortLabel(m), how: '' }).trim();
    const pollId = await openSecretGrading(ctx, { question, options, unitId: review.unitId, excludedMemberId: m.id, createdById: ctx.member.id, chat });
    await setSubjectPoll(ctx.db, review.id, m.id, pollId);
    polls.set(m.id, pollId);
  }
  const chats = await privateChatsOfMembers(ctx.db, members.map((m) => m.id));
  const unreachable: string[] = [];
  for (const voter of members) {
    const target = reachable(ctx, chats.get(voter.id));
    if (!target) unreachable.push(shortLabel(voter));
    else for (const m of members) if (m.id !== voter.id) ctx.send(target, ballot(ctx, review, m, polls.get(m.id)!, options, target));
  }
  await ctx.audit('review.rating', `#${review.id} gradings ${members.length}`);
  const lines = [ctx.t('review.review.ratingOpened', { id: review.id, count: members.length - 1 })];
  if (unreachable.length > 0) lines.push(ctx.t('review.review.unreachable', { names: unreachable.join('、') }));
  ctx.reply(lines.join('\n'));
}

/** One ballot: buttons where the target's platform has them, else how to answer by text. */
function ballot(ctx: Context, review: Review, m: MemberInfo, pollId: number, options: readonly string[], target: ChatRef) {
  const buttons = ctx.capabilitiesOf(target.platform)?.buttons === true;
  const how = buttons ? ctx.t('review.review.howButtons') : ctx.t('review.review.howText', { id: pollId });
  const text = ctx.t('review.review.ballot', { review: review.id, who: shortLabel(m), how });
  return buttons ? { kind: 'text' as const, text, buttons: gradingButtons(pollId, options) } : { kind: 'text' as const, text };
}

/**
 * Where the close sends the per-member results: the secretary's own private chat (民主测评 results are
 * for the 支委会, never a group). Null when the secretary has none the bot can write to.
 */
async function resultsChat(ctx: Context): Promise<ChatRef | null> {
  if (ctx.chat.ref.kind === 'private') return ctx.chat.ref;
  const chats = (await privateChatsOfMembers(ctx.db, [ctx.member.id])).get(ctx.member.id) ?? [];
  return reachable(ctx, chats.filter((c) => c.platform === ctx.chat.ref.platform)) ?? reachable(ctx, chats) ?? null;
}

/**
 * Closes the review: each grading is closed (its ballots land now), and the counts are kept and
 * shown only for subjects with at least 5 ballots (the others read 不足5票), to the secretary
 * privately; a group hears only that the review closed.
 */
export async function closeReview(ctx: Context, review: Review, runtime: PollsRuntime): Promise<void> {
  if (review.status === 'self') throw new UserError('review.review.notRating', { id: review.id });
  const target = await resultsChat(ctx);
  if (!target) throw new UserError('review.review.closeNeedsPrivate', { id: review.id });
  if (!(await setStatus(ctx.db, review.id, 'rating', 'closed', ctx.now()))) throw new UserError('review.review.closed', { id: review.id });
  const lines = [ctx.t('review.review.resultsHeader', { id: review.id, year: review.year }), ...(await closeGradings(ctx, review, runtime))];
  lines.push(ctx.t('review.review.resultsFoot', { id: review.id }));
  await ctx.audit('review.close', `#${review.id}`);
  if (target === ctx.chat.ref) return ctx.reply(lines.join('\n'));
  ctx.send(target, lines.join('\n'));
  ctx.reply(ctx.t('review.review.closedPrivately', { id: review.id }));
}

/** Closes each subject's grading and keeps its result; returns one line per subject. */
async function closeGradings(ctx: Context, review: Review, runtime: PollsRuntime): Promise<string[]> {
  const subjects = await subjectsOf(ctx.db, review.id);
  const found = await membersByIds(ctx.db, subjects.map((s) => s.memberId));
  const lines: string[] = [];
  for (const s of subjects) {
    const result = s.pollId === null ? null : await closeSecretGrading(ctx, s.pollId, runtime);
    const ballots = result?.ballots ?? 0;
    const counts = result?.counts ?? null;
    await setSubjectResult(ctx.db, review.id, s.memberId, ballots, counts);
    const m = found.get(s.memberId);
    const who = m ? shortLabel(m) : `M${s.memberId}`;
    if (!counts) lines.push(ctx.t('review.review.resultTooFew', { who, ballots }));
    else lines.push(ctx.t('review.review.resultLine', { who, ballots, excellent: counts[0]!, qualified: counts[1]!, basic: counts[2]!, unqualified: counts[3]! }));
  }
  return lines;
}
