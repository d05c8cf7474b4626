/**
 * The quiz feature's database functions: the ONLY code that touches its tables (Quiz,
 * QuizQuestion, QuizAnswer, QuizPrompt, QuizDay, QuizMistake, QuizDailySub, QuizBank,
 * QuizBankItem). Other features call the exported functions (e.g. `quizParticipation` for /report).
 * Every function runs in the caller's transaction.
 */
import { z } from 'zod';
import type { Tx } from '../../bot/feature.ts';
import type { ChatRef, Platform } from '../../bot/types.ts';
import { membersOfUnit } from '../../bot/roster.ts';
import { exemptDuring } from '../care/api.ts';
import type { Bank, Question, QuestionType } from './banks.ts';
import { addDays } from './util.ts';
import { partyRoles } from '../../bot/policy.ts';

/** A quiz's status: running, finished after its last question, or stopped by a secretary. */
export const QuizStatus = z.enum(['running', 'finished', 'stopped']);
/** A personal question's kind: the daily question, or a review of the 错题本. */
export const PromptKind = z.enum(['daily', 'review']);
/** A personal question's status. */
export const PromptStatus = z.enum(['open', 'answered', 'expired']);
const OptionOrder = z.array(z.number().int().min(0).max(25));
const QuestionTypeSchema = z.enum(['single', 'truefalse']);
const Options = z.array(z.string());

/** A quiz as the engine reads it. */
export interface QuizRow {
  readonly id: number;
  readonly chatId: number;
  readonly chat: ChatRef;
  readonly unitId: number | null;
  readonly startedById: number;
  readonly bankId: string;
  readonly bankName: string;
  readonly questionCount: number;
  readonly openSeconds: number;
  readonly status: z.infer<typeof QuizStatus>;
  readonly current: number;
  readonly createdAt: Date;
}

/** One question of a quiz. */
export interface QuizQuestionRow {
  readonly id: number;
  readonly quizId: number;
  readonly position: number;
  readonly questionKey: string;
  /** Shown option i is the bank's option `optionOrder[i]`. */
  readonly optionOrder: readonly number[];
  readonly openedAt: Date | null;
  readonly closesAt: Date | null;
  readonly closedAt: Date | null;
}

/** A member's answer to a quiz question. */
export interface QuizAnswerRow {
  readonly questionId: number;
  readonly memberId: number;
  readonly choice: number;
  readonly correct: boolean;
  readonly elapsedMs: number;
  readonly points: number;
  readonly credited: number;
}

/** A personal question waiting for (or given) an answer. */
export interface PromptRow {
  readonly id: number;
  readonly memberId: number;
  readonly kind: z.infer<typeof PromptKind>;
  readonly questionKey: string;
  readonly optionOrder: readonly number[];
  readonly day: string;
  readonly chat: ChatRef;
  readonly status: z.infer<typeof PromptStatus>;
}

/** An entry of the 错题本. */
export interface MistakeRow {
  readonly id: number;
  readonly memberId: number;
  readonly questionKey: string;
  readonly baseDay: string;
  readonly stage: number;
  readonly dueDay: string;
  readonly rights: number;
  readonly resolved: boolean;
}

type RawQuiz = {
  id: number; chatId: number; chatPlatform: string; chatExternalId: string; chatKind: string; chatTitle: string;
  unitId: number | null; startedById: number; bankId: string; bankName: string; questionCount: number;
  openSeconds: number; status: string; current: number; createdAt: Date;
};

function toQuiz(r: RawQuiz): QuizRow {
  return {
    id: r.id,
    chatId: r.chatId,
    chat: { platform: r.chatPlatform as Platform, chatId: r.chatExternalId, kind: r.chatKind === 'private' ? 'private' : 'group', title: r.chatTitle },
    unitId: r.unitId,
    startedById: r.startedById,
    bankId: r.bankId,
    bankName: r.bankName,
    questionCount: r.questionCount,
    openSeconds: r.openSeconds,
    status: QuizStatus.parse(r.status),
    current: r.current,
    createdAt: r.createdAt,
  };
}

function toQuestionRow(r: { id: number; quizId: number; position: number; questionKey: string; optionOrder: string; openedAt: Date | null; closesAt: Date | null; closedAt: Date | null }): QuizQuestionRow {
  return { ...r, optionOrder: OptionOrder.parse(JSON.parse(r.optionOrder)) };
}

// ---------------------------------------------------------------------------------------------
// Quizzes

/** What `createQuiz` stores. */
export interface NewQuiz {
  readonly chatId: number;
  readonly chat: ChatRef;
  readonly unitId: number | null;
  readonly startedById: number;
  readonly bankId: string;
  readonly bankName: string;
  readonly openSeconds: number;
  readonly now: Date;
}

/**
 * Creates quiz #N with its questions. `pick(id)` chooses the questions once the id is known (the
 * shuffle is seeded by it): question keys and their shown option order.
 */
export async function createQuiz(
  tx: Tx,
  data: NewQuiz,
  pick: (quizId: number) => { questionKey: string; optionOrder: readonly number[] }[],
): Promise<{ quiz: QuizRow; questions: QuizQuestionRow[] }> {
  const row = await tx.quiz.create({
    data: {
      chatId: data.chatId,
      chatPlatform: data.chat.platform,
      chatExternalId: data.chat.chatId,
      chatKind: data.chat.kind,
      chatTitle: (data.chat.title ?? data.chat.chatId).slice(0, 200),
      unitId: data.unitId,
      startedById: data.startedById,
      bankId: data.bankId,
      bankName: data.bankName,
      questionCount: 0,
      openSeconds: data.openSeconds,
      createdAt: data.now,
    },
  });
  const picked = pick(row.id);
  const questions: QuizQuestionRow[] = [];
  for (const [position, p] of picked.entries()) {
    const q = await tx.quizQuestion.create({
      data: { quizId: row.id, position, questionKey: p.questionKey, optionOrder: JSON.stringify(p.optionOrder) },
    });
    questions.push(toQuestionRow(q));
  }
  const updated = await tx.quiz.update({ where: { id: row.id }, data: { questionCount: picked.length } });
  return { quiz: toQuiz(updated), questions };
}

/** Quiz #id, or null. */
export async function getQuiz(tx: Tx, id: number): Promise<QuizRow | null> {
  const r = await tx.quiz.findUnique({ where: { id } });
  return r ? toQuiz(r) : null;
}

/** The running quiz of a chat (at most one), or null. */
export async function runningQuizInChat(tx: Tx, chatId: number): Promise<QuizRow | null> {
  const r = await tx.quiz.findFirst({ where: { chatId, status: 'running' }, orderBy: { id: 'desc' } });
  return r ? toQuiz(r) : null;
}

/** The question at `position` of a quiz, or null. */
export async function quizQuestion(tx: Tx, quizId: number, position: number): Promise<QuizQuestionRow | null> {
  const r = await tx.quizQuestion.findUnique({ where: { quizId_position: { quizId, position } } });
  return r ? toQuestionRow(r) : null;
}

/**
 * Marks a question open (and the quiz's current position). Returns false when it was already
 * opened (a re-run of the task): nothing changes then.
 */
export async function markQuestionOpen(tx: Tx, q: QuizQuestionRow, openedAt: Date, closesAt: Date): Promise<boolean> {
  const { count } = await tx.quizQuestion.updateMany({ where: { id: q.id, openedAt: null }, data: { openedAt, closesAt } });
  if (count === 0) return false;
  await tx.quiz.update({ where: { id: q.quizId }, data: { current: q.position } });
  return true;
}

/** Marks a question closed; false when it was closed already (only one closer wins). */
export async function markQuestionClosed(tx: Tx, questionId: number, closedAt: Date): Promise<boolean> {
  const { count } = await tx.quizQuestion.updateMany({ where: { id: questionId, closedAt: null, openedAt: { not: null } }, data: { closedAt } });
  return count === 1;
}

/** Ends a running quiz (finished or stopped); false when it was not running. */
export async function endQuiz(tx: Tx, quizId: number, status: 'finished' | 'stopped', now: Date): Promise<boolean> {
  const { count } = await tx.quiz.updateMany({ where: { id: quizId, status: 'running' }, data: { status, finishedAt: now } });
  return count === 1;
}

/** A member's answer to a question, or null. */
export async function findAnswer(tx: Tx, questionId: number, memberId: number): Promise<QuizAnswerRow | null> {
  return tx.quizAnswer.findUnique({ where: { questionId_memberId: { questionId, memberId } } });
}

/** Stores a member's first answer to a question. */
export async function addAnswer(tx: Tx, a: QuizAnswerRow & { answeredAt: Date }): Promise<void> {
  await tx.quizAnswer.create({ data: a });
}

/** Answers to one question, oldest first. */
export async function answersToQuestion(tx: Tx, questionId: number): Promise<QuizAnswerRow[]> {
  return tx.quizAnswer.findMany({ where: { questionId }, orderBy: { id: 'asc' } });
}

/** Every answer of a quiz (for its ranking). */
export async function answersOfQuiz(tx: Tx, quizId: number): Promise<QuizAnswerRow[]> {
  return tx.quizAnswer.findMany({ where: { question: { quizId } }, orderBy: { id: 'asc' } });
}

// ---------------------------------------------------------------------------------------------
// Points per day, streaks and totals

/** A member's points and answers on a local day. */
export async function dayRecord(tx: Tx, memberId: number, day: string): Promise<{ points: number; answers: number; correct: number }> {
  const r = await tx.quizDay.findUnique({ where: { memberId_day: { memberId, day } } });
  return { points: r?.points ?? 0, answers: r?.answers ?? 0, correct: r?.correct ?? 0 };
}

/**
 * Credits points for one answer on a day, within the daily cap. Returns the points actually
 * credited (0 once the cap is reached). The answer counts toward the streak either way.
 */
export async function creditAnswer(tx: Tx, memberId: number, day: string, points: number, correct: boolean, cap: number): Promise<number> {
  const current = await dayRecord(tx, memberId, day);
  const credited = Math.max(0, Math.min(points, cap - current.points));
  await tx.quizDay.upsert({
    where: { memberId_day: { memberId, day } },
    create: { memberId, day, points: credited, answers: 1, correct: correct ? 1 : 0 },
    update: { points: { increment: credited }, answers: { increment: 1 }, correct: { increment: correct ? 1 : 0 } },
  });
  return credited;
}

/** Local days (newest first, at most `limit`) on which a member answered at least one question. */
export async function answerDays(tx: Tx, memberId: number, limit = 400): Promise<string[]> {
  const rows = await tx.quizDay.findMany({ where: { memberId, answers: { gt: 0 } }, orderBy: { day: 'desc' }, take: limit, select: { day: true } });
  return rows.map((r) => r.day);
}

/** Total credited points per member (all time), for the given members; absent ones have 0. */
export async function totalPoints(tx: Tx, memberIds: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (memberIds.length === 0) return out;
  for (let i = 0; i < memberIds.length; i += 500) {
    const rows = await tx.quizDay.groupBy({ by: ['memberId'], where: { memberId: { in: memberIds.slice(i, i + 500) } }, _sum: { points: true } });
    for (const r of rows) out.set(r.memberId, r._sum.points ?? 0);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Personal questions (每日一题, reviews)

type RawPrompt = { id: number; memberId: number; kind: string; questionKey: string; optionOrder: string; day: string; platform: string; chatExternalId: string; status: string };

function toPrompt(r: RawPrompt): PromptRow {
  return {
    id: r.id,
    memberId: r.memberId,
    kind: PromptKind.parse(r.kind),
    questionKey: r.questionKey,
    optionOrder: OptionOrder.parse(JSON.parse(r.optionOrder)),
    day: r.day,
    chat: { platform: r.platform as Platform, chatId: r.chatExternalId, kind: 'private' },
    status: PromptStatus.parse(r.status),
  };
}

/** What `createPrompt` stores. */
export interface NewPrompt {
  readonly memberId: number;
  readonly kind: z.infer<typeof PromptKind>;
  readonly questionKey: string;
  readonly optionOrder: readonly number[];
  readonly day: string;
  readonly chat: ChatRef;
  readonly now: Date;
}

/**
 * Stores a personal question sent to a member in a chat. Any other open personal question of that
 * member in that chat expires (one awaited answer per person and chat), and so does an open daily
 * question of an earlier day anywhere when this is a daily one.
 */
export async function createPrompt(tx: Tx, p: NewPrompt): Promise<PromptRow> {
  await tx.quizPrompt.updateMany({
    where: { memberId: p.memberId, platform: p.chat.platform, chatExternalId: p.chat.chatId, status: 'open' },
    data: { status: 'expired' },
  });
  if (p.kind === 'daily') {
    await tx.quizPrompt.updateMany({ where: { memberId: p.memberId, kind: 'daily', status: 'open', day: { lt: p.day } }, data: { status: 'expired' } });
  }
  const r = await tx.quizPrompt.create({
    data: {
      memberId: p.memberId,
      kind: p.kind,
      questionKey: p.questionKey,
      optionOrder: JSON.stringify(p.optionOrder),
      day: p.day,
      platform: p.chat.platform,
      chatExternalId: p.chat.chatId,
      sentAt: p.now,
    },
  });
  return { ...toPrompt(r), chat: p.chat };
}

/** The open personal question of a member in a chat, or null. */
export async function openPromptIn(tx: Tx, memberId: number, chat: ChatRef): Promise<PromptRow | null> {
  const r = await tx.quizPrompt.findFirst({
    where: { memberId, platform: chat.platform, chatExternalId: chat.chatId, status: 'open' },
    orderBy: { id: 'desc' },
  });
  return r ? { ...toPrompt(r), chat } : null;
}

/** True when a daily question was already sent to this member for this day. */
export async function dailySentOn(tx: Tx, memberId: number, day: string): Promise<boolean> {
  return (await tx.quizPrompt.count({ where: { memberId, kind: 'daily', day } })) > 0;
}

/**
 * Records the answer to a personal question. The same question sent to the member's other private
 * chats (one per platform) is closed too. Returns false when it was not open any more.
 */
export async function answerPromptRow(tx: Tx, prompt: PromptRow, correct: boolean, now: Date): Promise<boolean> {
  const { count } = await tx.quizPrompt.updateMany({
    where: { id: prompt.id, status: 'open' },
    data: { status: 'answered', correct, answeredAt: now },
  });
  if (count === 0) return false;
  await tx.quizPrompt.updateMany({
    where: { memberId: prompt.memberId, kind: prompt.kind, day: prompt.day, questionKey: prompt.questionKey, status: 'open' },
    data: { status: 'expired' },
  });
  return true;
}

/** Records the points credited for an answered personal question. */
export async function setPromptCredited(tx: Tx, promptId: number, credited: number): Promise<void> {
  await tx.quizPrompt.update({ where: { id: promptId }, data: { credited } });
}

/** Question keys a member has ever answered (quizzes and personal questions), for fresh picks. */
export async function answeredKeys(tx: Tx, memberId: number): Promise<Set<string>> {
  const fromQuiz = await tx.quizAnswer.findMany({ where: { memberId }, select: { question: { select: { questionKey: true } } } });
  const fromPrompts = await tx.quizPrompt.findMany({ where: { memberId, status: 'answered' }, select: { questionKey: true } });
  return new Set([...fromQuiz.map((a) => a.question.questionKey), ...fromPrompts.map((p) => p.questionKey)]);
}

/** The last day each question was sent to a member as the daily question, since `sinceDay`. */
export async function dailyHistory(tx: Tx, memberId: number, sinceDay: string): Promise<Map<string, string>> {
  const rows = await tx.quizPrompt.findMany({ where: { memberId, kind: 'daily', day: { gte: sinceDay } }, select: { questionKey: true, day: true } });
  const last = new Map<string, string>();
  for (const r of rows) if ((last.get(r.questionKey) ?? '') < r.day) last.set(r.questionKey, r.day);
  return last;
}

// ---------------------------------------------------------------------------------------------
// 错题本

/** Days after the mistake at which reviews fall due: 1, 3, 7, then every 7 days. */
export const REVIEW_OFFSETS: readonly number[] = [1, 3, 7];

/** Right answers in reviews that resolve a mistake. */
export const RIGHTS_TO_RESOLVE = 2;

/** Days after the base day at which review number `stage` (0-based) is due. */
export function reviewOffset(stage: number): number {
  return REVIEW_OFFSETS[stage] ?? REVIEW_OFFSETS[REVIEW_OFFSETS.length - 1]! + 7 * (stage - REVIEW_OFFSETS.length + 1);
}

function toMistake(r: { id: number; memberId: number; questionKey: string; baseDay: string; stage: number; dueDay: string; rights: number; resolvedAt: Date | null }): MistakeRow {
  return { id: r.id, memberId: r.memberId, questionKey: r.questionKey, baseDay: r.baseDay, stage: r.stage, dueDay: r.dueDay, rights: r.rights, resolved: r.resolvedAt !== null };
}

/**
 * Records a wrong answer (outside a review): the question enters the 错题本, or its schedule starts
 * again from today (a resolved one is reopened with its count of right answers back at 0).
 */
export async function recordWrong(tx: Tx, memberId: number, questionKey: string, today: string, now: Date): Promise<MistakeRow> {
  const existing = await tx.quizMistake.findUnique({ where: { memberId_questionKey: { memberId, questionKey } } });
  const schedule = { baseDay: today, stage: 0, dueDay: addDays(today, reviewOffset(0)) };
  const r = existing
    ? await tx.quizMistake.update({
        where: { id: existing.id },
        data: { ...schedule, ...(existing.resolvedAt ? { rights: 0, resolvedAt: null } : {}) },
      })
    : await tx.quizMistake.create({ data: { memberId, questionKey, ...schedule, createdAt: now } });
  return toMistake(r);
}

/**
 * Records a review answer of an open mistake: a right one counts toward the two that resolve it;
 * either way the next review is due at the next step of the schedule (1, 3, 7 days after the
 * mistake, then weekly), never earlier than tomorrow. Returns the updated row (null if none open).
 */
export async function recordReview(tx: Tx, memberId: number, questionKey: string, correct: boolean, today: string, now: Date): Promise<MistakeRow | null> {
  const m = await tx.quizMistake.findUnique({ where: { memberId_questionKey: { memberId, questionKey } } });
  if (!m || m.resolvedAt) return null;
  const rights = m.rights + (correct ? 1 : 0);
  const stage = m.stage + 1;
  const scheduled = addDays(m.baseDay, reviewOffset(stage));
  const tomorrow = addDays(today, 1);
  const r = await tx.quizMistake.update({
    where: { id: m.id },
    data: { rights, stage, dueDay: scheduled > tomorrow ? scheduled : tomorrow, resolvedAt: rights >= RIGHTS_TO_RESOLVE ? now : null },
  });
  return toMistake(r);
}

/** The open mistake of a member for a question, or null. */
export async function openMistake(tx: Tx, memberId: number, questionKey: string): Promise<MistakeRow | null> {
  const r = await tx.quizMistake.findUnique({ where: { memberId_questionKey: { memberId, questionKey } } });
  return r && !r.resolvedAt ? toMistake(r) : null;
}

/** Open mistakes due on or before `today`, the longest waiting first. */
export async function dueMistakes(tx: Tx, memberId: number, today: string): Promise<MistakeRow[]> {
  const rows = await tx.quizMistake.findMany({ where: { memberId, resolvedAt: null, dueDay: { lte: today } }, orderBy: [{ dueDay: 'asc' }, { id: 'asc' }] });
  return rows.map(toMistake);
}

/** All open mistakes of a member, next due first. */
export async function openMistakes(tx: Tx, memberId: number): Promise<MistakeRow[]> {
  const rows = await tx.quizMistake.findMany({ where: { memberId, resolvedAt: null }, orderBy: [{ dueDay: 'asc' }, { id: 'asc' }] });
  return rows.map(toMistake);
}

// ---------------------------------------------------------------------------------------------
// Daily question subscriptions

/** Turns the daily question on or off for a member. */
export async function setDaily(tx: Tx, memberId: number, enabled: boolean, now: Date): Promise<void> {
  await tx.quizDailySub.upsert({ where: { memberId }, create: { memberId, enabled, updatedAt: now }, update: { enabled, updatedAt: now } });
}

/** Whether a member receives the daily question: their own choice, else their unit's default. */
export async function dailyEnabled(tx: Tx, memberId: number, unitDefault = false): Promise<boolean> {
  return (await tx.quizDailySub.findUnique({ where: { memberId } }))?.enabled ?? unitDefault;
}

/**
 * Members who receive the daily question, by id: those who turned it on, and in the units in
 * `defaultUnits` (their `/settings 每日一题 开`) every Party member who has not turned it off.
 */
export async function dailySubscribers(tx: Tx, defaultUnits: ReadonlySet<number> = new Set()): Promise<number[]> {
  const rows = await tx.quizDailySub.findMany({ select: { memberId: true, enabled: true } });
  const chosen = new Map(rows.map((r) => [r.memberId, r.enabled]));
  const ids = new Set(rows.filter((r) => r.enabled).map((r) => r.memberId));
  for (const unitId of defaultUnits) {
    for (const m of await membersOfUnit(tx, unitId, partyRoles())) if (chosen.get(m.id) !== false) ids.add(m.id);
  }
  return [...ids].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// Imported banks

/** Key of an imported question: `import-<bank>-<row>`. */
export function importedKey(bankId: number, row: number): string {
  return `import-${bankId}-${row}`;
}

/** The bank id and row of an imported question key, or undefined for a file bank's key. */
export function parseImportedKey(key: string): { bankId: number; row: number } | undefined {
  const m = /^import-(\d{1,9})-(\d{1,9})$/.exec(key);
  return m ? { bankId: Number(m[1]), row: Number(m[2]) } : undefined;
}

type RawItem = { bankId: number; row: number; type: string; question: string; options: string; answer: number; explanation: string; source: string };

function toQuestion(r: RawItem): Question {
  const type: QuestionType = QuestionTypeSchema.parse(r.type);
  return {
    key: importedKey(r.bankId, r.row),
    bankId: `import-${r.bankId}`,
    type,
    text: r.question,
    options: Options.parse(JSON.parse(r.options)),
    answer: r.answer,
    explanation: r.explanation,
    source: r.source,
  };
}

/** One question of an imported bank, or undefined. */
export async function importedQuestion(tx: Tx, key: string): Promise<Question | undefined> {
  const k = parseImportedKey(key);
  if (!k) return undefined;
  const r = await tx.quizBankItem.findUnique({ where: { bankId_row: { bankId: k.bankId, row: k.row } } });
  return r ? toQuestion(r) : undefined;
}

/** An imported bank by its folded name, with its questions; undefined when there is none. */
export async function importedBankByName(tx: Tx, foldedName: string): Promise<Bank | undefined> {
  const b = await tx.quizBank.findUnique({ where: { foldedName }, include: { items: { orderBy: { row: 'asc' } } } });
  if (!b) return undefined;
  return { id: `import-${b.id}`, name: b.name, aliases: [], description: b.name, questions: b.items.map(toQuestion) };
}

/** Imported banks with their question counts, oldest first. */
export async function importedBanks(tx: Tx): Promise<{ id: number; name: string; count: number }[]> {
  const rows = await tx.quizBank.findMany({ orderBy: { id: 'asc' }, include: { _count: { select: { items: true } } } });
  return rows.map((r) => ({ id: r.id, name: r.name, count: r._count.items }));
}

/** One accepted CSV row, ready to store. */
export interface ImportItem {
  readonly row: number;
  readonly type: QuestionType;
  readonly question: string;
  readonly options: readonly string[];
  readonly answer: number;
  readonly explanation: string;
  readonly source: string;
}

/**
 * The questions of the imported banks a unit's members draw from: banks imported in one of
 * `unitIds` (the member's unit and the units above it) and banks imported with no unit.
 */
export async function importedQuestionsFor(tx: Tx, unitIds: readonly number[]): Promise<Question[]> {
  const rows = await tx.quizBankItem.findMany({
    where: { bank: { OR: [{ unitId: null }, { unitId: { in: [...unitIds] } }] } },
    orderBy: [{ bankId: 'asc' }, { row: 'asc' }],
  });
  return rows.map(toQuestion);
}

/** Stores an imported bank with its questions; returns its id. The caller checks the name is free. */
export async function createImportedBank(
  tx: Tx,
  bank: { name: string; foldedName: string; createdById: number; unitId: number | null; now: Date },
  items: readonly ImportItem[],
): Promise<number> {
  const b = await tx.quizBank.create({
    data: { name: bank.name, foldedName: bank.foldedName, createdById: bank.createdById, unitId: bank.unitId, createdAt: bank.now },
  });
  await tx.quizBankItem.createMany({
    data: items.map((it) => ({ bankId: b.id, row: it.row, type: it.type, question: it.question, options: JSON.stringify(it.options), answer: it.answer, explanation: it.explanation, source: it.source })),
  });
  return b.id;
}

// ---------------------------------------------------------------------------------------------
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
