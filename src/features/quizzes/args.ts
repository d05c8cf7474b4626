/**
 * Argument schemas of the quiz commands (zod over the router's `ArgInput`):
 * - `/quiz [题库] [题数] [N秒]`, `/quiz daily on|off`, `/quiz import 名称 …`, `/quiz stop [#N]`,
 *   `/quiz banks`;
 * - `/answer [#N] [qK] 答案`;
 * - `/rank [全镇]`.
 */
import { z } from 'zod';
import { argInput, idToken } from '../../bot/args.ts';
import { parseInteger } from '../../bot/answers.ts';
import { MAX_OPEN_SECONDS, MIN_OPEN_SECONDS } from './rules/quiz.ts';

/** Most questions one quiz may have. */
export const MAX_QUIZ_QUESTIONS = 20;

/** Longest bank name. */
export const MAX_BANK_NAME = 40;

/** What `/quiz` asks for. */
export type QuizArgs =
  | { readonly action: 'start'; readonly bank?: string; readonly count?: number; readonly seconds?: number }
  | { readonly action: 'daily'; readonly enabled?: boolean }
  | { readonly action: 'import'; readonly name: string; readonly csv?: string; readonly file?: string }
  | { readonly action: 'stop'; readonly id?: number }
  | { readonly action: 'banks' };

const DAILY_WORDS = new Set(['daily', '每日一题', '每日', '每天']);
const IMPORT_WORDS = new Set(['import', '导入']);
const STOP_WORDS = new Set(['stop', '结束', '停止']);
const BANKS_WORDS = new Set(['banks', 'list', '题库', '列表', '题库列表']);
const ON_WORDS = new Set(['on', '开', '开启', '打开', '订阅']);
const OFF_WORDS = new Set(['off', '关', '关闭', '取消', '退订']);

/** A CSV file name in the imports folder: no folders, ends in .csv. */
const CSV_FILE = /^[\p{L}\p{N}_.-]{1,80}\.csv$/iu;

/** `/quiz …` (see the module comment). */
export const quizArgs = argInput.transform((a, ctx): QuizArgs => {
  const fail = (message: string): never => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER as never;
  };
  const first = (a.tokens[0] ?? '').toLowerCase();
  if (DAILY_WORDS.has(first)) {
    const word = (a.tokens[1] ?? '').toLowerCase();
    if (a.tokens.length > 2) return fail('daily takes on or off');
    if (!word) return { action: 'daily' };
    if (ON_WORDS.has(word)) return { action: 'daily', enabled: true };
    if (OFF_WORDS.has(word)) return { action: 'daily', enabled: false };
    return fail('daily takes on or off');
  }
  if (STOP_WORDS.has(first)) {
    if (a.tokens.length > 2) return fail('stop takes an optional id');
    if (a.tokens.length === 1) return { action: 'stop' };
    const id = idToken.safeParse(a.tokens[1]);
    return id.success ? { action: 'stop', id: id.data } : fail('bad id');
  }
  if (BANKS_WORDS.has(first) && a.tokens.length === 1) return { action: 'banks' };
  if (IMPORT_WORDS.has(first)) return importArgs(a.raw, fail);

  let count: number | undefined;
  let seconds: number | undefined;
  const nameParts: string[] = [];
  for (const token of a.tokens) {
    const sec = /^(.+?)(?:秒钟?|s|sec)$/i.exec(token);
    const secValue = sec ? parseInteger(sec[1]!) : undefined;
    if (secValue !== undefined) {
      if (seconds !== undefined || secValue < MIN_OPEN_SECONDS || secValue > MAX_OPEN_SECONDS) return fail('seconds out of range');
      seconds = secValue;
      continue;
    }
    const n = parseInteger(token.replace(/[题道]$/, ''));
    if (n !== undefined) {
      if (count !== undefined || n < 1 || n > MAX_QUIZ_QUESTIONS) return fail('count out of range');
      count = n;
      continue;
    }
    nameParts.push(token);
  }
  const bank = nameParts.join(' ');
  if ([...bank].length > MAX_BANK_NAME) return fail('bank name too long');
  return { action: 'start', ...(bank ? { bank } : {}), ...(count !== undefined ? { count } : {}), ...(seconds !== undefined ? { seconds } : {}) };
});

/**
 * True when `/quiz <name>` would start a quiz on a bank of that name: the name is no sub-command
 * word (daily, import, …) and no part of it reads as a question count or a time limit. Imported
 * banks must have such a name, or nobody could start them.
 */
export function isStartableBankName(name: string): boolean {
  const tokens = name.split(/\s+/).filter(Boolean);
  const parsed = quizArgs.safeParse({ text: tokens.join(' '), tokens, raw: name });
  return parsed.success && parsed.data.action === 'start' && parsed.data.bank === tokens.join(' ') && parsed.data.count === undefined && parsed.data.seconds === undefined;
}

/**
 * `/quiz import 名称` + a line break + the pasted CSV, `/quiz import 名称 文件.csv` (a file in
 * the bot's imports folder), or `/quiz import 名称` alone as the caption of a CSV file sent with it
 * (neither `csv` nor `file` set: the handler takes the attachment). Read from the raw text: the
 * CSV keeps its line breaks and full-width punctuation exactly as typed.
 */
function importArgs(raw: string, fail: (m: string) => never): QuizArgs {
  const rest = raw.replace(/^\S+[ \t]*/, '');
  const nl = rest.indexOf('\n');
  const head = (nl < 0 ? rest : rest.slice(0, nl)).trim();
  const body = nl < 0 ? '' : rest.slice(nl + 1);
  if (body.trim()) {
    const name = head.normalize('NFKC').trim();
    if (!name || [...name].length > MAX_BANK_NAME) return fail('bank name 1-40 characters');
    return { action: 'import', name, csv: body };
  }
  const parts = head.split(/\s+/).filter(Boolean);
  const last = parts.at(-1) ?? '';
  const namesFile = /\.csv$/i.test(last);
  if (namesFile && (parts.length < 2 || !CSV_FILE.test(last) || last.includes('..'))) return fail('a file in the imports folder: a plain name ending in .csv, after the bank name');
  const file = namesFile ? parts.pop() : undefined;
  const name = parts.join(' ').normalize('NFKC');
  if (!name || [...name].length > MAX_BANK_NAME) return fail('import needs a bank name and a CSV (pasted on the next lines, a file name, or a file sent with it)');
  return file ? { action: 'import', name, file } : { action: 'import', name };
}

/** What `/answer` carries: an optional quiz id and question number, and the answer text. */
export interface AnswerArgs {
  readonly id?: number;
  /** 0-based question position, when the answer names it (`q2`, `第2题`). */
  readonly position?: number;
  readonly text: string;
}

/** `/answer [#N] [qK|第K题] 答案`. */
export const answerArgs = argInput.transform((a, ctx): AnswerArgs => {
  const tokens = [...a.tokens];
  let id: number | undefined;
  let position: number | undefined;
  if (tokens[0] !== undefined && /^#\d/.test(tokens[0])) {
    const parsed = idToken.safeParse(tokens.shift());
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: 'bad id' });
      return z.NEVER;
    }
    id = parsed.data;
  } else if (tokens.length >= 2 && /^\d{1,9}$/.test(tokens[0] ?? '')) {
    id = Number(tokens.shift());
  }
  const q = /^(?:q(\d{1,2})|第(.{1,3})题)$/i.exec(tokens[0] ?? '');
  if (q) {
    const n = q[1] !== undefined ? Number(q[1]) : parseInteger(q[2]!);
    if (n === undefined || n < 1 || n > MAX_QUIZ_QUESTIONS) {
      ctx.addIssue({ code: 'custom', message: 'bad question number' });
      return z.NEVER;
    }
    position = n - 1;
    tokens.shift();
  }
  const text = tokens.join(' ');
  if (!text || text.length > 20) {
    ctx.addIssue({ code: 'custom', message: 'answer expected' });
    return z.NEVER;
  }
  return { ...(id !== undefined ? { id } : {}), ...(position !== undefined ? { position } : {}), text };
});

const TOWNSHIP_WORDS = new Set(['全镇', '全乡', '乡镇', '全部', 'township', 'all']);

/** `/rank` or `/rank 全镇`. */
export const rankArgs = argInput.transform((a, ctx) => {
  const word = (a.tokens[0] ?? '').toLowerCase();
  if (!word) return { scope: 'unit' as const };
  if (TOWNSHIP_WORDS.has(word) && a.tokens.length === 1) return { scope: 'township' as const };
  ctx.addIssue({ code: 'custom', message: 'rank takes nothing or 全镇' });
  return z.NEVER;
});
