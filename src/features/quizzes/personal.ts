/**
 * Personal questions: the daily question (每日一题) sent privately to members who opted in, and
 * the reviews of the 错题本 (`/mistakes`). Each waits for that member's bare answer in that chat;
 * the answer is scored (a flat number of points, within the daily cap), revealed with its
 * explanation and source, and moves the member's review schedule.
 *
 * Decisions:
 * - The daily question is a due mistake when the member has one (the oldest due first), otherwise
 *   a question the member has not met: drawn from every file bank and the imported banks of the
 *   member's unit (and the units above it), leaving out questions the member ever answered or was
 *   ever sent as a daily question. Once none is left, the unanswered one sent longest ago comes
 *   back first, never one sent within the last 365 days while another remains. The draw is seeded
 *   by member and day, so a re-run picks the same one.
 * - It goes to every private chat of the member on a platform that allows private messages; the
 *   first answer (in any of them) counts and closes the others. It stays open until answered or
 *   until the next day's daily question replaces it.
 * - Answering a question that is in the 错题本 and due (daily or review) counts as a review.
 */
import type { BaseContext } from '../../bot/context.ts';
import type { ChatRef } from '../../bot/types.ts';
import type { Translate } from '../../bot/feature.ts';
import { getMember, privateChatsOf } from '../../bot/roster.ts';
import { exemptAmong, holdDailyReminders } from '../care/api.ts';
import type { Question } from './banks/model.ts';
import type { Catalog } from './catalog.ts';
import { optionOrderFor, readAnswer } from './rules/questions.ts';
import type { QuizSettings } from './rules/quiz.ts';
import { RIGHTS_TO_RESOLVE } from './rules/reviews.ts';
import { personalQuestionText, revealLines } from './render.ts';
import { dailySubscribers } from './store/daily.ts';
import { dueMistakes, openMistake, recordReview, recordWrong } from './store/mistakes.ts';
import { creditAnswer } from './store/points.ts';
import { answeredKeys, answerPromptRow, createPrompt, dailyHistory, dailySentOn, setPromptCredited } from './store/prompts.ts';
import type { PromptRow } from './store/rows.ts';
import { localDay, seededRandom, seededShuffle } from './util.ts';
import { unitsWithSettingOn } from '../settings/api.ts';

/** Days within which a question sent as the daily question is not sent again while others remain. */
export const DAILY_NO_REPEAT_DAYS = 365;

/** Formats a local day `YYYY-MM-DD` for people: `11月28日` / `Nov 28`. */
export function showDay(t: Translate, day: string): string {
  const [, m, d] = day.split('-');
  return t('quizzes.day', { month: Number(m), day: Number(d) });
}

/**
 * Presents the member's next due review in `chat` (and awaits the answer there). Returns false
 * when nothing is due. Mistakes whose question no longer exists are skipped.
 */
export async function presentNextReview(env: BaseContext, catalog: Catalog, memberId: number, chat: ChatRef): Promise<boolean> {
  const today = localDay(env.now(), env.timeZone);
  const due = await dueMistakes(env.db, memberId, today);
  for (const [i, m] of due.entries()) {
    const q = await catalog.question(env.db, m.questionKey);
    if (!q) continue;
    const order = optionOrderFor(q, `review:${memberId}:${q.key}:${m.stage}`);
    await createPrompt(env.db, { memberId, kind: 'review', questionKey: q.key, optionOrder: order, day: today, chat, now: env.now() });
    env.send(chat, personalQuestionText(env, chat, 'review', await catalog.bankName(env.db, q), q, order, due.length - i));
    return true;
  }
  return false;
}

/** Picks a member's daily question (see the module comment). */
async function pickDaily(env: BaseContext, catalog: Catalog, memberId: number, today: string): Promise<Question | undefined> {
  for (const m of await dueMistakes(env.db, memberId, today)) {
    const q = await catalog.question(env.db, m.questionKey);
    if (q) return q;
  }
  const member = await getMember(env.db, memberId);
  const all = await catalog.dailyPool(env.db, member?.unitId ?? null);
  if (all.length === 0) return undefined;
  const answered = await answeredKeys(env.db, memberId);
  const sent = await dailyHistory(env.db, memberId, EVER);
  const open = all.filter((q) => !answered.has(q.key));
  const unseen = open.filter((q) => !sent.has(q.key));
  if (unseen.length > 0) return unseen[Math.floor(seededRandom(`daily:${memberId}:${today}`)() * unseen.length)];
  // None unseen: the one sent longest ago, first among the unanswered ones not sent within a year.
  const yearAgo = dayBefore(today, DAILY_NO_REPEAT_DAYS);
  const stale = open.filter((q) => (sent.get(q.key) ?? '') < yearAgo);
  return longestAgo(stale.length > 0 ? stale : all, sent, `daily:${memberId}:${today}`);
}

/** A day before any history: `dailyHistory(…, EVER)` returns every daily question ever sent. */
const EVER = '0000-01-01';

/** The question of `pool` sent longest ago (never-sent ones first), ties drawn by the seed. */
function longestAgo(pool: readonly Question[], sent: ReadonlyMap<string, string>, seed: string): Question {
  return seededShuffle(pool, seed).reduce((best, q) => ((sent.get(q.key) ?? '') < (sent.get(best.key) ?? '') ? q : best));
}

/** The local day `days` before `day` (both `YYYY-MM-DD`). */
function dayBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The daily job: sends today's question to every member who opted in (or whose unit made it the
 * default with `/settings 每日一题 开`, unless they turned it off) and has not had it yet,
 * in each of their private chats where the platform allows private messages. Returns how many
 * members were sent one.
 */
export async function sendDailyQuestions(env: BaseContext, catalog: Catalog): Promise<number> {
  const today = localDay(env.now(), env.timeZone);
  let sent = 0;
  const subscribers = await dailySubscribers(env.db, await unitsWithSettingOn(env.db, 'dailyQuestion'));
  const exempt = await exemptAmong(env.db, subscribers, env.now(), env.timeZone);
  // An exempt 流动党员's contact hears of the question in the morning digest instead (once a day).
  await holdDailyReminders(env.db, [...exempt], env.now(), env.timeZone, () => env.t('quizzes.daily.heldForContact'));
  for (const memberId of subscribers) {
    if (exempt.has(memberId) || (await dailySentOn(env.db, memberId, today))) continue;
    const chats = (await privateChatsOf(env.db, memberId)).filter((c) => env.capabilitiesOf(c.platform)?.privateMessages === true);
    if (chats.length === 0) continue;
    const q = await pickDaily(env, catalog, memberId, today);
    if (!q) return sent;
    const order = optionOrderFor(q, `daily:${memberId}:${today}`);
    const bank = await catalog.bankName(env.db, q);
    for (const chat of chats) {
      await createPrompt(env.db, { memberId, kind: 'daily', questionKey: q.key, optionOrder: order, day: today, chat, now: env.now() });
      env.send(chat, { kind: 'text', text: personalQuestionText(env, chat, 'daily', bank, q, order, 0), priority: 'low' });
    }
    sent++;
  }
  return sent;
}

/**
 * Records a member's bare answer to their open personal question in this chat and replies with
 * the result. Returns false (nothing recorded) when the text is not an answer to it.
 */
export async function answerPersonal(env: BaseContext, catalog: Catalog, settings: QuizSettings, prompt: PromptRow, text: string): Promise<boolean> {
  const q = await catalog.question(env.db, prompt.questionKey);
  if (!q) return false;
  const shown = readAnswer(q, text);
  if (shown === undefined) return false;
  const now = env.now();
  const today = localDay(now, env.timeZone);
  const correct = prompt.optionOrder[shown] === q.answer;
  if (!(await answerPromptRow(env.db, prompt, correct, now))) return false;
  const credited = await creditAnswer(env.db, prompt.memberId, today, correct ? settings.personalPoints : 0, correct, settings.dailyCap);
  await setPromptCredited(env.db, prompt.id, credited);

  const lines = [env.t(correct ? 'quizzes.personal.right' : 'quizzes.personal.wrong'), ...revealLines(env.t, q, prompt.optionOrder)];
  if (correct) {
    lines.push(credited > 0 ? env.t('quizzes.personal.points', { points: credited }) : env.t('quizzes.personal.capped', { cap: settings.dailyCap }));
  }
  const mistake = await openMistake(env.db, prompt.memberId, q.key);
  if (mistake && (prompt.kind === 'review' || mistake.dueDay <= today)) {
    const after = await recordReview(env.db, prompt.memberId, q.key, correct, today, now);
    if (after?.resolved) lines.push(env.t('quizzes.review.resolved'));
    else if (after) lines.push(env.t('quizzes.review.next', { rights: after.rights, need: RIGHTS_TO_RESOLVE, day: showDay(env.t, after.dueDay) }));
  } else if (!correct) {
    const m = await recordWrong(env.db, prompt.memberId, q.key, today, now);
    lines.push(env.t('quizzes.review.added', { day: showDay(env.t, m.dueDay) }));
  }
  env.send(prompt.chat, lines.join('\n'));
  if (prompt.kind === 'review' && !(await presentNextReview(env, catalog, prompt.memberId, prompt.chat))) {
    env.send(prompt.chat, env.t('quizzes.mistakes.allDone'));
  }
  return true;
}
