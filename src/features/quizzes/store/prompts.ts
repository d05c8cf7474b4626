/** Personal questions (每日一题, reviews of the 错题本) sent to one member, and what they have answered. */
import type { Tx } from '../../../bot/feature.ts';
import type { ChatRef, Platform } from '../../../bot/types.ts';
import { OptionOrder, PromptKind, PromptStatus, type PromptRow } from './rows.ts';

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

/** What `createPrompt` stores: the prompt's fields but its id and status (it starts open), and when. */
export type NewPrompt = Omit<PromptRow, 'id' | 'status'> & { readonly now: Date };

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
