/**
 * The suggestions rules, pure: how long a suggestion and a reply may be, which words mean which
 * status, how `/suggestions …` reads, the one-line excerpt, and what a status change does to the
 * reply. No database, no clock.
 */
import type { SuggestionStatus } from './store.ts';

/** Longest suggestion kept (characters). */
export const MAX_SUGGESTION = 500;
/** Longest reply kept (characters). */
export const MAX_REPLY = 300;
/** Suggestions shown by one /suggestions. */
export const LIST_LIMIT = 30;

/** Status words accepted by `/suggestions #N <word>`, in both languages. */
const STATUS_WORDS: Readonly<Record<string, SuggestionStatus>> = {
  accept: 'accepted',
  accepted: 'accepted',
  采纳: 'accepted',
  已采纳: 'accepted',
  done: 'done',
  办结: 'done',
  已办结: 'done',
  完成: 'done',
  已办: 'done',
  decline: 'declined',
  declined: 'declined',
  不采纳: 'declined',
  婉拒: 'declined',
  open: 'open',
  reopen: 'open',
  待研究: 'open',
  重开: 'open',
};

const OPEN_WORDS = new Set(['open', '待研究', '待办', '未办']);
const ALL_WORDS = new Set(['all', '全部']);

/** What `/suggestions …` asks for: the list (all or only the open ones) or one status change. */
export type SuggestionsRequest =
  | { readonly action: 'list'; readonly onlyOpen: boolean }
  | { readonly action: 'change'; readonly id: number; readonly status: SuggestionStatus; readonly reply: string };

/** The status a word names (either language, any case), or undefined. */
export function statusOfWord(word: string): SuggestionStatus | undefined {
  return Object.hasOwn(STATUS_WORDS, word.toLowerCase()) ? STATUS_WORDS[word.toLowerCase()] : undefined;
}

/**
 * Reads `/suggestions [open|all]` and `/suggestions #N <status> [reply]`: `tokens` are the words,
 * `raw` the text as typed (the reply keeps its own punctuation); `id` the parsed `#N` (null when the
 * first word is no id). Null when the change is malformed or its reply too long.
 */
export function readSuggestionsRequest(tokens: readonly string[], raw: string, id: number | null): SuggestionsRequest | null {
  const [first, second, ...rest] = tokens;
  if (first === undefined) return { action: 'list', onlyOpen: false };
  const word = first.toLowerCase();
  if (tokens.length === 1 && OPEN_WORDS.has(word)) return { action: 'list', onlyOpen: true };
  if (tokens.length === 1 && ALL_WORDS.has(word)) return { action: 'list', onlyOpen: false };
  const status = second === undefined ? undefined : statusOfWord(second);
  // The reply as typed: the raw text after the id and the status word.
  const reply = rest.length ? raw.trim().replace(/^\S+\s+\S+\s*/u, '').trim() : '';
  if (id === null || status === undefined || [...reply].length > MAX_REPLY) return null;
  return { action: 'change', id, status, reply };
}

/** A suggestion's text cut to `max` characters for one line (white space folded). */
export function excerpt(text: string, max = 40): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}

/** The reply a suggestion keeps after a change: the new one, else none when reopened (the old answer no longer stands), else the old one. */
export function replyAfterChange(current: string | null, status: SuggestionStatus, reply: string): string | null {
  return reply || (status === 'open' ? null : current);
}
