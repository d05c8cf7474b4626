/**
 * The command grammar: turns the text of a chat message into a command (canonical name + argument
 * text), an unknown command, or ordinary text (chat, or a possible bare answer). Pure and
 * synchronous; the command registry is reached only through `options.resolve`.
 *
 * Accepted forms (after `normalizeForParsing`, so full-width `／ｈｅｌｐ`, `＃帮助`, `＠先锋` and
 * Chinese separators work the same):
 * - `/name args` — ASCII names, matched case-insensitively; `/中文名 args` too.
 * - `/name@botname args` — only when `botname` is one of `botUsernames` (case-insensitive); a
 *   command addressed to another bot (`/help@otherbot`) is ordinary text, i.e. ignored.
 * - `#中文名 args` — the form for platforms without a slash menu (`#help` works as well).
 * - `@先锋 名称 args`, `@先锋 /name args`, `@先锋 #名称 args` — a mention of the bot (one of
 *   `botNames` or `@botUsername`, or the platform's `mentionsBot` + `textWithoutMention`) followed
 *   at once by a command name.
 * - Between the name and the arguments: spaces, a line break, or one separator `,` `:` `;` `|`
 *   (the folded `，` `：` `；` `｜` `、`), e.g. `#打卡：+1 走访`, `/pledge，帮扶`.
 *
 * Decisions:
 * - A name is a run of ASCII letters/digits/underscore, or a run of Han characters; it must end at
 *   a space, a separator, a digit, `#`, `+`, `@`, a change of script (`/pledge帮扶`) or the end. No prefix guessing:
 *   `#打卡走访` is not `#打卡 走访` (hashtags such as `#帮助中心` must stay hashtags).
 * - `/foo` with no such command is `unknown_command`. `#foo` / `#话题` with no such command is a
 *   hashtag, i.e. `text` — unless the message is addressed to the bot (a mention, or
 *   `options.addressed` for a private chat with the bot), where it is `unknown_command`.
 * - `@先锋 你好` (a mention followed by a word that is no command) is `text` with `addressed: true`;
 *   the router may offer help. Its `text` has the mention removed, so `@先锋 A` can be a bare answer.
 * - A name longer than 32 characters is never a command (the longest bot command platforms allow), so `/` + 10 kB of
 *   letters is text, not an unknown command echoing 10 kB back.
 * - A Chinese word anywhere but at the very start (after an optional mention) is never a command.
 *   In a private chat with the bot (`options.addressed`) a leading name needs no sigil: `帮助`.
 */

import { normalizeForParsing, stripInvisible } from './normalize.ts';

/** How to parse: who the bot is and how command names are looked up. */
export interface ParseOptions {
  /**
   * Looks up a command name or alias (already lower-cased when ASCII) in the command registry and
   * returns its canonical ASCII name, or undefined when there is no such command.
   */
  readonly resolve: (name: string) => string | undefined;
  /** The bot's platform usernames without `@` (e.g. `xianfeng_bot`); case-insensitive. */
  readonly botUsernames?: readonly string[];
  /** Display names people @-mention the bot by; default `['先锋']`. */
  readonly botNames?: readonly string[];
  /** The platform says this message mentions the bot (the platform marks the mention). */
  readonly mentionsBot?: boolean;
  /** The text with the bot's mention removed, when the platform can tell. */
  readonly textWithoutMention?: string;
  /**
   * The message is addressed to the bot anyway (a private chat with it): an unknown `#word` is then
   * an unknown command rather than a hashtag.
   */
  readonly addressed?: boolean;
}

/** A recognised command. */
export interface ParsedCommand {
  readonly kind: 'command';
  /** Canonical ASCII command name, as `resolve` returned it. */
  readonly name: string;
  /** Everything after the name and its separator, normalised (half-width, single spaces, trimmed). */
  readonly argText: string;
  /** The same arguments as typed (only invisible characters removed, trimmed), for free text. */
  readonly rawArgText: string;
  /** The message text exactly as received. */
  readonly raw: string;
}

/** Something that looked like a command but names none: `/foo`, or `@先锋 #不存在`. */
export interface ParsedUnknownCommand {
  readonly kind: 'unknown_command';
  /** The name as typed after `/` or `#` (normalised, ASCII lower-cased). */
  readonly word: string;
}

/** Ordinary chat, a hashtag, a command for another bot, or a possible bare answer. */
export interface ParsedText {
  readonly kind: 'text';
  /** The normalised text, with a leading mention of the bot removed. */
  readonly text: string;
  /** True when the message @-mentioned the bot or `options.addressed` was set. */
  readonly addressed: boolean;
}

/** The result of `parseMessage`. */
export type ParsedMessage = ParsedCommand | ParsedUnknownCommand | ParsedText;

/** Default display names of the bot for the `@先锋 …` form. */
export const DEFAULT_BOT_NAMES: readonly string[] = ['先锋'];

/** Longest command name accepted (bot commands are at most 32 characters). */
const MAX_NAME_LENGTH = 32;

/** A command name at the start of a string: ASCII word or Han word. */
const NAME_AT_START = /^(?:[A-Za-z0-9_]+|\p{Script=Han}+)/u;

/** What may directly follow a command name (tested on one character; '' is the end of text). */
const NAME_END = /^(?:$|[ \n,:;|#+@0-9])/;

/** Starts with a Han character. */
const HAN_CHAR = /^\p{Script=Han}/u;

/** One separator (with spaces around it) between a command name and its arguments. */
const NAME_ARG_SEPARATOR = /^[ \n]*(?:[,:;|][ \n]*)?/;

/** Raw-text separators: the ASCII ones and their full-width / Chinese forms. */
const RAW_NAME_ARG_SEPARATOR = /^\s*(?:[,:;|，：；｜、]\s*)?/u;

/** Raw-text command head: optional sigil (any width), a name (any width) and an optional `@bot`. */
const RAW_HEAD = /^[/#／＃]?(?:[A-Za-z0-9_Ａ-Ｚａ-ｚ０-９＿]+|\p{Script=Han}+)(?:[@＠][A-Za-z0-9_Ａ-Ｚａ-ｚ０-９＿]+)?/u;

/**
 * Parses one chat message. Never throws on any text; linear in the text's length.
 * @param text the message text as received from the platform
 */
export function parseMessage(text: string, options: ParseOptions): ParsedMessage {
  const forcedAddress = options.addressed === true;
  let body: string;
  let mentioned = false;

  if (options.mentionsBot === true && options.textWithoutMention !== undefined) {
    body = normalizeForParsing(options.textWithoutMention);
    mentioned = true;
  } else {
    body = normalizeForParsing(text);
    const rest = stripLeadingMention(body, options);
    if (rest !== undefined) {
      body = rest;
      mentioned = true;
    } else if (options.mentionsBot === true) {
      // The platform says the bot is mentioned, but not at the start in a form we know.
      mentioned = true;
    }
  }
  const addressed = mentioned || forcedAddress;
  const asText: ParsedText = { kind: 'text', text: body, addressed };

  const sigil = body[0];
  if (sigil === '/' || sigil === '#') {
    return parseSigilForm(body, sigil, text, options, addressed) ?? asText;
  }
  // Mention form with a bare name: `@先锋 打卡 +1`. Only when the mention was at the start.
  // A mention, or a private chat with the bot: a leading Chinese name is a command (`帮助`, `打卡 +1`).
  if (addressed && body !== '') {
    const word = readName(body);
    if (word !== undefined) {
      const name = options.resolve(word.toLowerCase());
      if (name !== undefined) return command(name, body.slice(word.length), text, options);
    }
  }
  return asText;
}

/** `/name[@bot] args` or `#name args`; undefined means "not a command: plain text". */
function parseSigilForm(
  body: string,
  sigil: '/' | '#',
  raw: string,
  options: ParseOptions,
  addressed: boolean,
): ParsedMessage | undefined {
  const afterSigil = body.slice(1);
  const word = readName(afterSigil);
  if (word === undefined) return undefined;
  let rest = afterSigil.slice(word.length);

  if (rest.startsWith('@')) {
    // `/help@xianfeng_bot`: a command addressed to a named bot (groups with several bots).
    const target = /^@([A-Za-z0-9_]+)/.exec(rest);
    if (target === null || sigil !== '/') return undefined;
    const targetName = (target[1] ?? '').toLowerCase();
    const ours = (options.botUsernames ?? []).some((u) => u.replace(/^@/, '').toLowerCase() === targetName);
    if (!ours) return undefined;
    rest = rest.slice(target[0].length);
    if (!NAME_END.test(rest)) return undefined;
  }

  const folded = word.toLowerCase();
  const name = options.resolve(folded);
  if (name !== undefined) return command(name, rest, raw, options);
  if (sigil === '/' || addressed) return { kind: 'unknown_command', word: folded };
  return undefined;
}

/** Builds the command result from the text following the name (and `@bot`). */
function command(name: string, rest: string, raw: string, options: ParseOptions): ParsedCommand {
  const argText = rest.replace(NAME_ARG_SEPARATOR, '');
  return { kind: 'command', name, argText, rawArgText: rawArgs(raw, options), raw };
}

/**
 * Reads a command name at the start of `s`: an ASCII word or a Han word of at most 32 characters,
 * ended by a name boundary (`NAME_END`) or a change of script (`/pledge帮扶`, `#打卡abc`).
 * Undefined when there is none.
 */
function readName(s: string): string | undefined {
  const m = NAME_AT_START.exec(s);
  if (m === null) return undefined;
  const word = m[0];
  if (word.length > MAX_NAME_LENGTH) return undefined;
  const next = s.charAt(word.length);
  if (NAME_END.test(next)) return word;
  const wordIsHan = HAN_CHAR.test(word);
  if (wordIsHan ? /^[A-Za-z_]$/.test(next) : HAN_CHAR.test(next)) return word;
  return undefined;
}

/**
 * If `body` starts with `@<bot name or username>` followed by a boundary, returns the rest (with a
 * following separator removed); otherwise undefined.
 */
function stripLeadingMention(body: string, options: ParseOptions): string | undefined {
  if (!body.startsWith('@')) return undefined;
  const names = botNameList(options);
  const after = body.slice(1);
  const lowerHead = after.slice(0, 64).toLowerCase();
  for (const n of names) {
    if (!lowerHead.startsWith(n.toLowerCase())) continue;
    const rest = after.slice(n.length);
    if (rest === '' || /^[ \n,:;|/#]/.test(rest)) return rest.replace(NAME_ARG_SEPARATOR, '');
  }
  return undefined;
}

/**
 * The arguments as typed: the original text with invisible characters removed and the leading
 * mention, sigil, name, `@bot` and separator cut off. `argText` is the parsed form; this one keeps
 * the person's own punctuation for free text that is stored and shown again.
 */
function rawArgs(raw: string, options: ParseOptions): string {
  const fromPlatform = options.mentionsBot === true && options.textWithoutMention !== undefined;
  let s = stripInvisible(fromPlatform ? (options.textWithoutMention ?? '') : raw);
  if (!fromPlatform && (s.startsWith('@') || s.startsWith('＠'))) {
    const lower = s.slice(1, 65).toLowerCase();
    const name = botNameList(options).find((n) => lower.startsWith(n.toLowerCase()));
    if (name !== undefined) s = s.slice(1 + name.length).replace(RAW_NAME_ARG_SEPARATOR, '');
  }
  const head = RAW_HEAD.exec(s);
  if (head !== null) s = s.slice(head[0].length);
  s = s.replace(RAW_NAME_ARG_SEPARATOR, '').trim();
  let end = s.length;
  while (end > 0 && /[\s.。．｡]/u.test(s.charAt(end - 1))) end--;
  return s.slice(0, end);
}

/** Bot names and usernames without `@`, longest first (so `先锋小助手` wins over `先锋`). */
function botNameList(options: ParseOptions): string[] {
  return [...(options.botNames ?? DEFAULT_BOT_NAMES), ...(options.botUsernames ?? [])]
    .map((n) => n.replace(/^@/, ''))
    .filter((n) => n !== '')
    .sort((a, b) => b.length - a.length);
}
