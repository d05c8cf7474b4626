/** Quiz participation and per-member answer counts over a period, for /report and other slices. */
import type { Tx } from '../../../bot/feature.ts';
import { membersOfUnit } from '../../../bot/roster.ts';
import { partyRoles } from '../../../bot/policy.ts';
import { exemptDuring } from '../../care/api.ts';

// For other features

/** Quiz participation of a unit over a period, for /report. */
export interface QuizParticipation {
  /** Members of the unit (admin, secretary, member roles) now. */
  readonly members: number;
  /** Of them, those who answered at least one question (group quiz, daily question or review). */
  readonly participants: number;
  /** Answers they gave, and how many were right. */
  readonly answers: number;
  readonly correct: number;
  /** Group quizzes started in the unit's chats. */
  readonly quizzes: number;
}

/** One member's answers over a period (group quizzes and personal questions together). */
export interface MemberQuizStats {
  readonly answers: number;
  readonly correct: number;
  /** Points credited for those answers (after the daily cap). */
  readonly points: number;
}

/** Answers, right answers and credited points per member in `[from, to)`; members with none are absent. */
export async function memberQuizStats(tx: Tx, memberIds: readonly number[], from: Date, to: Date): Promise<Map<number, MemberQuizStats>> {
  const out = new Map<number, { answers: number; correct: number; points: number }>();
  for (let i = 0; i < memberIds.length; i += 500) {
    const ids = memberIds.slice(i, i + 500);
    const quizAnswers = await tx.quizAnswer.findMany({
      where: { memberId: { in: ids }, answeredAt: { gte: from, lt: to } },
      select: { memberId: true, correct: true, credited: true },
    });
    const promptAnswers = await tx.quizPrompt.findMany({
      where: { memberId: { in: ids }, status: 'answered', answeredAt: { gte: from, lt: to } },
      select: { memberId: true, correct: true, credited: true },
    });
    for (const a of [...quizAnswers, ...promptAnswers]) {
      const e = out.get(a.memberId) ?? { answers: 0, correct: 0, points: 0 };
      e.answers++;
      e.correct += a.correct === true ? 1 : 0;
      e.points += a.credited;
      out.set(a.memberId, e);
    }
  }
  return out;
}

/**
 * Quiz participation of a unit's members in `[from, to)` (instants; the caller picks the period),
 * for `/report`: how many members answered, how many answers, how many right, how many quizzes.
 */
export async function quizParticipation(tx: Tx, unitId: number, from: Date, to: Date): Promise<QuizParticipation> {
  const everyone = await membersOfUnit(tx, unitId, partyRoles());
  // Exempt members (条例第二十三条) are in neither the count nor the whole. The period's bounds are
  // local midnights, so their UTC day is the local day before at worst: the exemption's last day is kept.
  const exempt = await exemptDuring(tx, everyone.map((m) => m.id), from, to, 'UTC');
  const members = everyone.filter((m) => !exempt.has(m.id));
  const quizzes = await tx.quiz.count({ where: { unitId, createdAt: { gte: from, lt: to } } });
  const stats = [...(await memberQuizStats(tx, members.map((m) => m.id), from, to)).values()];
  return {
    members: members.length,
    participants: stats.length,
    answers: stats.reduce((n, s) => n + s.answers, 0),
    correct: stats.reduce((n, s) => n + s.correct, 0),
    quizzes,
  };
}
