/**
 * The quiz feature's message texts, all through the prompts (`quizzes.*` keys): questions (native
 * quiz polls with a numbered-text fallback), the answer and explanation after each question, the
 * ranking at the end, personal questions and their results, leaderboards.
 */
import type { Translate } from '../../bot/feature.ts';
import type { ChatRef, OutgoingMessage } from '../../bot/types.ts';
import type { BaseContext } from '../../bot/context.ts';
import { replyHint } from '../../bot/reply-hint.ts';
import type { Question } from './banks/model.ts';

/** The letter shown before option `i` (0 → A). */
export function letter(i: number): string {
  return String.fromCharCode(65 + i);
}

/** The options as shown, in the shown order (true/false: 正确, 错误 — never shuffled). */
export function shownOptions(t: Translate, q: Question, order: readonly number[]): string[] {
  if (q.type === 'truefalse') return [t('quizzes.option.true'), t('quizzes.option.false')];
  return order.map((i) => q.options[i] ?? '?');
}

/** `A. 十六岁` lines. */
function optionLines(t: Translate, q: Question, order: readonly number[]): string[] {
  return shownOptions(t, q, order).map((o, i) => `${letter(i)}. ${o}`);
}

/** How to answer a question by typing (in `chat`: `@先锋 A` where groups show the bot only @-mentions). */
function answerHint(ctx: HintContext, chat: Pick<ChatRef, 'platform' | 'kind'>, q: Question): string {
  return q.type === 'truefalse' ? replyHint(ctx, chat, 'quizzes.hint.truefalse') : replyHint(ctx, chat, 'quizzes.hint.single', { last: letter(q.options.length - 1) });
}

/** What a hint uses of the context. */
type HintContext = Pick<BaseContext, 't' | 'capabilitiesOf' | 'botName'>;

/** Index of the correct option in the shown order. */
export function shownCorrectIndex(q: Question, order: readonly number[]): number {
  return q.type === 'truefalse' ? q.answer : order.indexOf(q.answer);
}

/** Identifies one question of a quiz. */
export interface QuestionSlot {
  readonly quizId: number;
  /** 0-based. */
  readonly position: number;
  readonly total: number;
  readonly openSeconds: number;
}

/** The command a native answer to a quiz question becomes (followed by the 1-based option). */
export function answerCommandOf(slot: Pick<QuestionSlot, 'quizId' | 'position'>): string {
  return `/answer #${slot.quizId} q${slot.position + 1}`;
}

/** The key under which the native poll of a quiz question is remembered. */
export function nativeKeyOf(slot: Pick<QuestionSlot, 'quizId' | 'position'>): string {
  return `quiz:${slot.quizId}:${slot.position + 1}`;
}

/**
 * A quiz question: a native quiz poll where the platform has one (non-anonymous, so answers come
 * back as `/answer #N qK k`), numbered text with a hint for bare answers elsewhere.
 */
export function quizQuestionMessage(ctx: HintContext, chat: Pick<ChatRef, 'platform' | 'kind'>, slot: QuestionSlot, q: Question, order: readonly number[]): OutgoingMessage {
  const { t } = ctx;
  const vars = { id: slot.quizId, n: slot.position + 1, total: slot.total, seconds: slot.openSeconds };
  const fallbackText = [t('quizzes.question.header', vars), q.text, ...optionLines(t, q, order), answerHint(ctx, chat, q)].join('\n');
  return {
    kind: 'quiz',
    question: t('quizzes.question.native', { ...vars, text: q.text }),
    options: shownOptions(t, q, order),
    correctIndex: shownCorrectIndex(q, order),
    explanation: q.explanation,
    openSeconds: slot.openSeconds,
    answerCommand: answerCommandOf(slot),
    nativeKey: nativeKeyOf(slot),
    fallbackText,
  };
}

/** The correct answer, the explanation and its source. */
export function revealLines(t: Translate, q: Question, order: readonly number[]): string[] {
  const i = shownCorrectIndex(q, order);
  return [
    t('quizzes.reveal.answer', { answer: `${letter(i)}. ${shownOptions(t, q, order)[i] ?? ''}` }),
    t('quizzes.reveal.explanation', { text: q.explanation }),
    t('quizzes.reveal.source', { source: q.source }),
  ];
}

/** Names shown after a question (the rest are counted, not listed). */
const MAX_NAMES = 10;

/** After a question closes: who got it right, the answer and the explanation. */
export function questionResultText(
  t: Translate,
  slot: QuestionSlot,
  q: Question,
  order: readonly number[],
  result: { answered: number; rightNames: readonly string[] },
): string {
  const head = t('quizzes.result.header', { id: slot.quizId, n: slot.position + 1, total: slot.total });
  const right = result.rightNames.length;
  let who: string;
  if (result.answered === 0) who = t('quizzes.result.nobody');
  else if (right === 0) who = t('quizzes.result.noneRight', { answered: result.answered });
  else {
    const shown = result.rightNames.slice(0, MAX_NAMES).join('、');
    const more = right > MAX_NAMES ? t('quizzes.result.more', { count: right - MAX_NAMES }) : '';
    who = t('quizzes.result.right', { right, answered: result.answered, names: shown + more });
  }
  return [head, ...revealLines(t, q, order), who].join('\n');
}

/** One line of a quiz's final ranking. */
export interface QuizRankLine {
  readonly rank: number;
  readonly name: string;
  readonly correct: number;
  readonly points: number;
}

/** Lines of a quiz's final ranking (a long list is clutter in a group; the rest are counted). */
const MAX_RANKING_LINES = 10;

/** The ranking at the end of a quiz: the first ten, then how many more took part. */
export function quizRankingText(
  t: Translate,
  quiz: { id: number; questionCount: number; stopped: boolean },
  lines: readonly QuizRankLine[],
  capped: boolean,
): string {
  const head = t(quiz.stopped ? 'quizzes.ranking.stopped' : 'quizzes.ranking.header', { id: quiz.id });
  if (lines.length === 0) return [head, t('quizzes.ranking.empty')].join('\n');
  const body = lines.slice(0, MAX_RANKING_LINES).map((l) =>
    t('quizzes.ranking.line', { rank: l.rank, name: l.name, correct: l.correct, total: quiz.questionCount, points: l.points }),
  );
  if (lines.length > MAX_RANKING_LINES) body.push(t('quizzes.ranking.more', { count: lines.length - MAX_RANKING_LINES, total: lines.length }));
  return [head, ...body, ...(capped ? [t('quizzes.ranking.capped')] : [])].join('\n');
}

/** A personal question (每日一题 or a review), answered by a bare answer in that chat. */
export function personalQuestionText(
  ctx: HintContext,
  chat: Pick<ChatRef, 'platform' | 'kind'>,
  kind: 'daily' | 'review',
  bankName: string,
  q: Question,
  order: readonly number[],
  remaining: number,
): string {
  const { t } = ctx;
  const head = kind === 'daily' ? t('quizzes.daily.header', { bank: bankName }) : t('quizzes.review.header', { bank: bankName, remaining });
  return [head, q.text, ...optionLines(t, q, order), answerHint(ctx, chat, q)].join('\n');
}
