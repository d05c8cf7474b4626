/**
 * Bare-answer parsing: what a member may type instead of a full command while the bot waits for
 * their answer ("1", "Ａ", "选A", "我选B", "95分", "九十五", "对"). Every parser here reads the WHOLE
 * message: a sentence that merely contains an answer ("A股今天涨了", "我觉得95分太高") is not an
 * answer and yields undefined. All functions are pure and synchronous; the text is folded with
 * `normalizeForParsing` first, so full-width forms and a trailing 。 are fine.
 *
 * Decisions:
 * - Choices: a letter (A = the first option, case-insensitive), a number 1…N, a Chinese numeral
 *   一…, or a circled digit ①…⑳; optional words around it: 选 / 我选 / 选择 / 我选的是 / 答案 /
 *   答案是 / 答 / 选项 / 第 … 个 / 项 / 号; optional wrapping (A) 【A】 [A] 「A」 and a trailing `)`
 *   `,` `!`. Out of range → undefined.
 * - Multi-choice: numbers separated by spaces, `,` `，` `、` `;` `/` `+` 和 与 及, or a run of letters
 *   (`AC`). A digit run is one number (`13` is thirteen, not 1 and 3). Duplicates are dropped, the
 *   result is sorted; any token out of range or unreadable rejects the whole answer.
 * - Scores are integers 0-100: `95.5` is rejected (rating polls count whole points so mean and
 *   median stay comparable and the ballot is unambiguous). Accepted: digits (any width), Chinese
 *   numerals (九十五, 一百, 零, 十, 七十八, positional 九五), with optional 分 and 打/给/评/评分/打分,
 *   and 满分 = 100.
 * - True/false: 对/正确/是/真/√/✓/✔/✅/T/true/yes/y → true; 错/错误/不对/否/不是/假/×/✗/✘/❌/X/F/false/
 *   no/n → false. Because the quiz shows a true/false question as "A. 正确  B. 错误", the choice forms
 *   work too: A or 1 → true, B or 2 → false. `0` is NOT accepted (it would mean false as a bit but
 *   nothing as an option number).
 */

import { normalizeForParsing } from './normalize.ts';
import type { AnswerClaim } from './feature.ts';

/** Lowest score of a rating poll. */
export const SCORE_MIN = 0;
/** Highest score of a rating poll. */
export const SCORE_MAX = 100;

/** Chinese digits (everyday and financial forms). 两 is 2 before a unit or standing alone. */
const CN_DIGITS: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 壹: 1, 二: 2, 贰: 2, 两: 2, 三: 3, 叁: 3, 四: 4, 肆: 4,
  五: 5, 伍: 5, 六: 6, 陆: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9,
};

/** Chinese units below 万. */
const CN_UNITS: Readonly<Record<string, number>> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };

/**
 * Reads an integer written in Chinese numerals: 零, 十, 十五, 二十, 七十八, 一百, 一百零五, 一百五
 * (=150), 两千, 一万五 (=15000), 三亿, financial forms (壹佰), and positional digit strings
 * (二〇二六 = 2026, 九五 = 95). Returns undefined for anything else (ASCII digits included: see
 * `parseInteger`), for a negative sign or a decimal point. Whole-string match; no trimming.
 */
export function parseChineseNumber(text: string): number | undefined {
  if (text === '' || text.length > 32) return undefined;
  if (!/[十拾百佰千仟万萬亿億]/.test(text)) return parsePositional(text);
  return parseWithUnits(text);
}

/**
 * Reads a non-negative integer written with digits (any width) or Chinese numerals, e.g. `12`,
 * `１２`, `十二`. For counts in commands (`题数`, `目标五`). Undefined when it is not one.
 */
export function parseInteger(text: string): number | undefined {
  const s = normalizeForParsing(text);
  if (/^\d{1,15}$/.test(s)) return Number(s);
  return parseChineseNumber(s);
}

/** Digit-by-digit Chinese numerals (二〇二六). 两 only alone. */
function parsePositional(s: string): number | undefined {
  if (s === '两') return 2;
  let value = 0;
  for (const ch of s) {
    const d = CN_DIGITS[ch];
    if (d === undefined || ch === '两') return undefined;
    value = value * 10 + d;
  }
  return value;
}

/** Numerals with units; splits at 亿 and 万 and reads each section below 10 000. */
function parseWithUnits(s: string): number | undefined {
  const yi = splitOnce(s, /[亿億]/);
  if (yi !== undefined) {
    const hi = parseBelowYi(yi[0]);
    const lo = yi[1] === '' ? 0 : lowSection(yi[1], 10_000_000, parseBelowYi);
    return hi === undefined || hi === 0 || lo === undefined ? undefined : hi * 100_000_000 + lo;
  }
  return parseBelowYi(s);
}

/** A number below 1 亿: `[section 万] [section]`. */
function parseBelowYi(s: string): number | undefined {
  const wan = splitOnce(s, /[万萬]/);
  if (wan === undefined) return parseSection(s);
  const hi = parseSection(wan[0]);
  const lo = wan[1] === '' ? 0 : lowSection(wan[1], 1000, parseSection);
  return hi === undefined || hi === 0 || lo === undefined || lo >= 10_000 ? undefined : hi * 10_000 + lo;
}

/** The part after 万/亿: one bare digit is colloquial shorthand (一万五 = 15000); else a full section. */
function lowSection(s: string, shorthandUnit: number, parse: (s: string) => number | undefined): number | undefined {
  const d = CN_DIGITS[s];
  if (s.length === 1 && d !== undefined && d !== 0) return d * shorthandUnit;
  return parse(s);
}

/** Splits at the first match of `re` (which must not occur again); undefined when absent. */
function splitOnce(s: string, re: RegExp): [string, string] | undefined {
  const m = re.exec(s);
  if (m === null) return undefined;
  const rest = s.slice(m.index + m[0].length);
  if (re.test(rest)) return undefined; // a second 万 (or 亿) is malformed; caught as undefined below
  return [s.slice(0, m.index), rest];
}

/** A section below 10 000 with units 千百十, 零 for gaps, and the colloquial 一百五 = 150. */
function parseSection(s: string): number | undefined {
  if (s === '') return undefined;
  if (!/[十拾百佰千仟]/.test(s)) {
    // No unit: a lone digit, possibly after 零 (the "零五" of 一万零五).
    const stripped = s.replace(/^[零〇]+/, '');
    if (stripped === '') return 0;
    if (stripped.length === 1) return CN_DIGITS[stripped];
    return undefined;
  }
  let total = 0;
  let digit: number | undefined;
  let lastUnit = 10_000;
  let zeroSeen = false;
  for (const ch of s) {
    const d = CN_DIGITS[ch];
    if (d !== undefined) {
      if (digit !== undefined) return undefined; // two digits in a row: 二三十
      if (d === 0) {
        zeroSeen = true;
        continue;
      }
      digit = d;
      continue;
    }
    const u = CN_UNITS[ch];
    if (u === undefined || u >= lastUnit) return undefined;
    if (digit === undefined) {
      if (u !== 10) return undefined; // 百 / 千 need a digit; 十 alone means 一十
      digit = 1;
    }
    total += digit * u;
    lastUnit = u;
    digit = undefined;
    zeroSeen = false;
  }
  if (digit !== undefined) total += zeroSeen || lastUnit === 10 ? digit : (digit * lastUnit) / 10;
  return total;
}

/** Circled numbers ①…⑳ (U+2460…U+2473). */
function circled(s: string): number | undefined {
  if (s.length !== 1) return undefined;
  const c = s.charCodeAt(0);
  return c >= 0x2460 && c <= 0x2473 ? c - 0x2460 + 1 : undefined;
}

/** Words that may precede an answer: 选项 / 选 / 我选 / 选择 / 我选的是 / 答案 / 答案是 / 答. */
const CHOICE_PREFIX = /^(?:我)?(?:选项|选择?(?:的是)?|答案(?:是|为)?|答)[ ]?[:,]?[ ]?/;

/** Folds the text for answer parsing: normalised, trailing `!` / `~` removed. */
function answerText(text: string): string {
  return normalizeForParsing(text).replace(/[!~]+$/, '').trimEnd();
}

/**
 * One option token to a 1-based number: a letter (A = 1), digits, a Chinese numeral or a circled
 * digit. Undefined when it is none of these.
 */
function optionNumber(token: string): number | undefined {
  if (/^[A-Za-z]$/.test(token)) return token.toLowerCase().charCodeAt(0) - 0x60;
  if (/^\d{1,3}$/.test(token)) return Number(token);
  return circled(token) ?? parseChineseNumber(token);
}

/** Validates an option count (an integer 1-26). */
function checkOptionCount(optionCount: number): void {
  if (!Number.isInteger(optionCount) || optionCount < 1 || optionCount > 26) {
    throw new RangeError(`optionCount must be an integer from 1 to 26, got ${optionCount}`);
  }
}

/**
 * Reads a single-choice answer (the whole message). Returns the 0-based option index, or undefined
 * when the text is not an answer or is out of range.
 * @param optionCount number of options shown (1-26); a RangeError otherwise
 */
export function parseChoice(text: string, optionCount: number): number | undefined {
  checkOptionCount(optionCount);
  let s = answerText(text).replace(CHOICE_PREFIX, '');
  const ordinal = /^第[ ]?(.+?)[ ]?(?:个|项|个选项)?$/.exec(s);
  if (ordinal !== null) s = ordinal[1] ?? '';
  else s = s.replace(/[ ]?(?:项|号|选项)$/, '');
  const wrapped = /^(?:\((.+)\)|\[(.+)\]|【(.+)】|「(.+)」)$/.exec(s);
  if (wrapped !== null) s = wrapped.slice(1).find((g) => g !== undefined) ?? '';
  else s = s.replace(/[),]$/, '');
  const n = optionNumber(s.trim());
  return n !== undefined && n >= 1 && n <= optionCount ? n - 1 : undefined;
}

/**
 * Reads a multi-choice answer (the whole message): `1 3`, `1,3`, `1，3`, `1、3`, `AC`, `选A C`.
 * Returns sorted, de-duplicated 0-based indexes, or undefined when any part is not an option.
 * @param optionCount number of options shown (1-26); a RangeError otherwise
 */
export function parseChoices(text: string, optionCount: number): readonly number[] | undefined {
  checkOptionCount(optionCount);
  const s = answerText(text).replace(CHOICE_PREFIX, '');
  if (s === '' || s.length > 200) return undefined;
  const picked = new Set<number>();
  for (const token of s.split(/[ ,;/+\n和与及]+/)) {
    if (token === '') continue;
    const parts = /^[A-Za-z]+$/.test(token) ? [...token] : [token];
    for (const part of parts) {
      const n = optionNumber(part);
      if (n === undefined || n < 1 || n > optionCount) return undefined;
      picked.add(n - 1);
    }
  }
  if (picked.size === 0) return undefined;
  return [...picked].sort((a, b) => a - b);
}

/**
 * Reads a 0-100 rating score (the whole message): `95`, `９５`, `95分`, `九十五`, `九十五分`, `一百`,
 * `零`, `打95分`, `满分`. Integers only; undefined for `101`, `-1`, `95.5`, `很好`.
 */
export function parseScore(text: string): number | undefined {
  let s = answerText(text);
  if (s === '满分') return SCORE_MAX;
  s = s.replace(/^(?:我)?(?:评分|打分|打|给|评)[ ]?[:]?[ ]?/, '').replace(/[ ]?分$/, '');
  let n: number | undefined;
  if (/^\d{1,3}$/.test(s)) n = Number(s);
  else n = parseChineseNumber(s);
  return n !== undefined && n >= SCORE_MIN && n <= SCORE_MAX ? n : undefined;
}

/** Words meaning "true" (after normalisation, lower-cased). */
const TRUE_WORDS = new Set(['对', '对的', '对了', '正确', '是', '是的', '真', '√', '✓', '✔', '✅', '☑', 't', 'true', 'yes', 'y']);
/** Words meaning "false" (after normalisation, lower-cased). */
const FALSE_WORDS = new Set(['错', '错的', '错了', '错误', '不对', '否', '不是', '假', '×', '✗', '✘', '✕', '❌', 'x', 'f', 'false', 'no', 'n']);

/**
 * Reads a true/false answer (the whole message). True for 对/正确/是/√/T/A/1…, false for
 * 错/错误/否/×/F/B/2…; undefined otherwise (including `0`). See the module comment.
 */
export function parseTrueFalse(text: string): boolean | undefined {
  const s = answerText(text).replace(/\uFE0F/g, '');
  const word = s.replace(CHOICE_PREFIX, '').toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  const choice = parseChoice(s, 2);
  return choice === undefined ? undefined : choice === 0;
}

/** What to do with a bare answer, given every feature's claims (see `settleAnswerClaims`). */
export type AnswerDecision =
  | { readonly kind: 'run'; readonly run: () => Promise<void> }
  | { readonly kind: 'ask'; readonly options: readonly { readonly label: string; readonly command: string }[]; readonly secret: boolean }
  | { readonly kind: 'reply'; readonly text: string }
  | { readonly kind: 'none' };

/**
 * The claim rule for a bare answer: what the person has NOT answered yet wins. One item awaiting
 * them takes it; two or more (a quiz question and a poll in one chat) mean the bot asks which one,
 * naming the explicit command of each, and records nothing; none awaiting but one already answered
 * gives that item's "already answered" reply; no claim at all lets other plain-text handlers try.
 */
export function settleAnswerClaims(claims: readonly AnswerClaim[]): AnswerDecision {
  const awaiting = claims.filter((c) => c.kind === 'awaiting');
  if (awaiting.length === 1) return { kind: 'run', run: awaiting[0]!.run };
  if (awaiting.length > 1) return { kind: 'ask', options: awaiting.map((c) => ({ label: c.label, command: c.command })), secret: awaiting.some((c) => c.secret === true) };
  const answered = claims.find((c) => c.kind === 'answered');
  return answered ? { kind: 'reply', text: answered.reply } : { kind: 'none' };
}

/**
 * True when the text reads as a bare answer to something (`A`, `2`, `95分`, `对`), whatever is
 * open: the bot then says nothing awaits an answer, rather than greeting.
 */
export function looksLikeAnswer(text: string): boolean {
  return parseChoices(text, 26) !== undefined || parseScore(text) !== undefined || parseTrueFalse(text) !== undefined;
}
