/**
 * How secret an inbound event's text is, decided BEFORE the inbox first writes it: a secret
 * ballot or a receipt code must never reach a row, so it cannot be redacted afterwards (the old
 * bytes of an UPDATE outlive it in free pages, the WAL and dead row versions).
 *
 * - `secret`: everything said to the bot in a private chat (ballots, receipt codes, join codes),
 *   every button press and native poll answer (they are votes), every command marked `secret`
 *   (`/vote`), and every unknown command with a digit in it (`/vot #2 1`, a mistyped vote). Its
 *   event is stored redacted; if it cannot be answered in time, its sender is asked to send it again.
 * - `bare`: short group text that could be a bare answer (`95分`, `Ａ`, `选B`, `九十五`). Stored
 *   redacted; a late one is dropped silently (in a group it counted for nothing secret anyway).
 * - `open`: everything else, stored as received (so it can be processed after a crash).
 */
import type { ParsedMessage } from './grammar.ts';
import type { Incoming } from './types.ts';

/** See the file comment. */
export type Secrecy = 'open' | 'secret' | 'bare';

/** Longest text considered a possible bare answer. */
const MAX_BARE = 30;

/** Characters a bare answer is made of: digits, letters, Chinese numerals, 选/分, spaces, separators. */
const BARE_ANSWER = /^[\s0-9A-Za-z０-９Ａ-Ｚａ-ｚ零〇一二三四五六七八九十百两选分票,，、.。:：;；!！~～-]+$/u;

/**
 * The secrecy of an event. `parsed` is the grammar's reading of a text event (undefined for
 * buttons and native answers); `isSecretCommand` says whether a command name is marked secret.
 */
export function secrecyOf(incoming: Incoming, parsed: ParsedMessage | undefined, isSecretCommand: (name: string) => boolean = () => false): Secrecy {
  if (incoming.chat.kind === 'private') return 'secret';
  if (incoming.content.type !== 'text' || parsed === undefined) return 'secret';
  if (parsed.kind === 'command') return isSecretCommand(parsed.name) ? 'secret' : 'open';
  if (parsed.kind === 'unknown_command') return /[0-9０-９]/.test(incoming.content.text) ? 'secret' : 'open';
  const text = parsed.text.trim();
  return text.length > 0 && text.length <= MAX_BARE && BARE_ANSWER.test(text) ? 'bare' : 'open';
}
