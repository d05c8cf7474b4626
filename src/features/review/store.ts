/**
 * The review slice's database functions: the only code that touches Review, ReviewSubject,
 * ReviewSelfAssessment and ReviewDecision. No rating is ever stored here (ratings are the polls
 * slice's anonymous ballots); a subject keeps only its grading's poll id and, after close, the
 * counts per grade when there were at least 5 ballots.
 */
import { z } from 'zod';
import type { Tx } from '../../bot/feature.ts';

/** A review's stage. */
export const ReviewStatus = z.enum(['self', 'rating', 'closed']);
/** The four grades of 民主评议 (党员教育管理工作条例第十八条), in order. */
export const GRADES = ['excellent', 'qualified', 'basic', 'unqualified'] as const;
/** A grade. */
export type Grade = (typeof GRADES)[number];
const GradeSchema = z.enum(GRADES);

/** A review as the slice works with it. */
export interface Review {
  readonly id: number;
  readonly unitId: number;
  readonly year: number;
  readonly status: z.infer<typeof ReviewStatus>;
  readonly openedAt: Date;
}

/** A member under review. */
export interface Subject {
  readonly memberId: number;
  readonly pollId: number | null;
  readonly ballots: number | null;
  readonly counts: readonly number[] | null;
}

const Counts = z.array(z.number().int().min(0)).length(GRADES.length);

/** Opens a review with its subjects; null when the unit already has one for that year. */
export async function createReview(tx: Tx, r: { unitId: number; year: number; openedById: number; now: Date; memberIds: readonly number[] }): Promise<Review | null> {
  if (await tx.review.findUnique({ where: { unitId_year: { unitId: r.unitId, year: r.year } } })) return null;
  const row = await tx.review.create({ data: { unitId: r.unitId, year: r.year, openedById: r.openedById, openedAt: r.now } });
  for (const memberId of r.memberIds) await tx.reviewSubject.create({ data: { reviewId: row.id, memberId } });
  return toReview(row);
}

function toReview(r: { id: number; unitId: number; year: number; status: string; openedAt: Date }): Review {
  return { id: r.id, unitId: r.unitId, year: r.year, status: ReviewStatus.parse(r.status), openedAt: r.openedAt };
}

/** A review by id, or null. */
export async function getReview(tx: Tx, id: number): Promise<Review | null> {
  const row = await tx.review.findUnique({ where: { id } });
  return row ? toReview(row) : null;
}

/** A unit's review of a year, or null. */
export async function reviewOf(tx: Tx, unitId: number, year: number): Promise<Review | null> {
  const row = await tx.review.findUnique({ where: { unitId_year: { unitId, year } } });
  return row ? toReview(row) : null;
}

/** The reviews not closed whose subjects include `memberId`, newest first. */
export async function openReviewsOf(tx: Tx, memberId: number): Promise<Review[]> {
  const ids = (await tx.reviewSubject.findMany({ where: { memberId }, select: { reviewId: true } })).map((s) => s.reviewId);
  const rows = await tx.review.findMany({ where: { id: { in: ids }, status: { not: 'closed' } }, orderBy: { id: 'desc' } });
  return rows.map(toReview);
}

/** Moves a review to a stage (once: false when it was not in `from`). */
export async function setStatus(tx: Tx, id: number, from: Review['status'], to: Review['status'], now: Date): Promise<boolean> {
  const data = to === 'rating' ? { status: to, ratingAt: now } : { status: to, closedAt: now };
  return (await tx.review.updateMany({ where: { id, status: from }, data })).count === 1;
}

/** The subjects of a review, by member id. */
export async function subjectsOf(tx: Tx, reviewId: number): Promise<Subject[]> {
  const rows = await tx.reviewSubject.findMany({ where: { reviewId }, orderBy: { memberId: 'asc' } });
  return rows.map((r) => ({ memberId: r.memberId, pollId: r.pollId, ballots: r.ballots, counts: r.counts === null ? null : Counts.parse(JSON.parse(r.counts)) }));
}

/** The review whose 民主测评 grading is poll #pollId, or null for any other poll. */
export async function reviewOfPoll(tx: Tx, pollId: number): Promise<number | null> {
  return (await tx.reviewSubject.findFirst({ where: { pollId }, select: { reviewId: true } }))?.reviewId ?? null;
}

/** Links a subject to its grading poll. */
export async function setSubjectPoll(tx: Tx, reviewId: number, memberId: number, pollId: number): Promise<void> {
  await tx.reviewSubject.update({ where: { reviewId_memberId: { reviewId, memberId } }, data: { pollId } });
}

/** Keeps a subject's result at close (counts only when shown: at least 5 ballots). */
export async function setSubjectResult(tx: Tx, reviewId: number, memberId: number, ballots: number, counts: readonly number[] | null): Promise<void> {
  await tx.reviewSubject.update({ where: { reviewId_memberId: { reviewId, memberId } }, data: { ballots, counts: counts ? JSON.stringify(counts) : null } });
}

/** Records a self-assessment: a new version, the earlier one marked superseded. Returns the version. */
export async function saveSelfAssessment(tx: Tx, reviewId: number, memberId: number, text: string, now: Date): Promise<number> {
  const last = await tx.reviewSelfAssessment.findFirst({ where: { reviewId, memberId }, orderBy: { version: 'desc' } });
  if (last) await tx.reviewSelfAssessment.update({ where: { id: last.id }, data: { supersededAt: now } });
  const version = (last?.version ?? 0) + 1;
  await tx.reviewSelfAssessment.create({ data: { reviewId, memberId, text, version, enteredAt: now } });
  return version;
}

/** The current self-assessments of a review, by member id. */
export async function currentSelfAssessments(tx: Tx, reviewId: number): Promise<Map<number, { text: string; version: number }>> {
  const rows = await tx.reviewSelfAssessment.findMany({ where: { reviewId, supersededAt: null } });
  return new Map(rows.map((r) => [r.memberId, { text: r.text, version: r.version }]));
}

/** Records (or replaces) the 支委会's decision for a member; returns the earlier grade, if any. */
export async function saveDecision(tx: Tx, d: { reviewId: number; memberId: number; grade: Grade; byId: number; now: Date }): Promise<Grade | null> {
  const key = { reviewId_memberId: { reviewId: d.reviewId, memberId: d.memberId } };
  const before = await tx.reviewDecision.findUnique({ where: key });
  await tx.reviewDecision.upsert({ where: key, create: { reviewId: d.reviewId, memberId: d.memberId, grade: d.grade, byId: d.byId, decidedAt: d.now }, update: { grade: d.grade, byId: d.byId, decidedAt: d.now } });
  return before ? GradeSchema.parse(before.grade) : null;
}

/** The decisions of a review, by member id. */
export async function decisionsOf(tx: Tx, reviewId: number): Promise<Map<number, Grade>> {
  const rows = await tx.reviewDecision.findMany({ where: { reviewId } });
  return new Map(rows.map((r) => [r.memberId, GradeSchema.parse(r.grade)]));
}

/** The reviews of these units in a year. */
export async function reviewsOfUnits(tx: Tx, unitIds: readonly number[], year: number): Promise<Review[]> {
  const rows = await tx.review.findMany({ where: { unitId: { in: [...unitIds] }, year } });
  return rows.map(toReview);
}
