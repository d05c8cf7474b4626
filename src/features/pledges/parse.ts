/**
 * Reading what people type after /pledge, /checkin and /pledges. Forgiving on purpose (older
 * members, Chinese keyboards): `目标5`, `目标:5`, `目标５户`, `目标五户`, `目标 5 户`; `截止2026-12-31`,
 * `截止2026/12/31`, `截止 2026年12月31日`, `截止12月31日`; `+3`, `+三`, `+2户`. Pure functions over
 * the normalised argument text; the zod schemas of `args.ts` wrap them. This file reads /pledge and
 * holds the readers the others share; `parse-checkin.ts` reads /checkin, `parse-pledges.ts` /pledges.
 *
 * A parse either succeeds, fails as a usage mistake (the router shows the usage), or fails with a
 * specific refusal (`problem`: a prompt key and its variables), e.g. an impossible date, so the
 * reply can say exactly what is wrong.
 */
import { parseInteger } from '../../bot/answers.ts';
import { readDate, type IsoDate } from './dates.ts';
import type { PromptKey } from '../../bot/prompt-keys.ts';
import { promptKey, type KeySuffix } from '../../bot/prompt-key.ts';

/** A refusal with its own message (prompt key under `pledges.error.` and variables). */
export interface Problem {
  readonly problem: { readonly key: PromptKey; readonly vars: Record<string, string | number> };
}

/** A due date as typed: complete, or month and day only (the year is chosen with today's date). */
export type DueInput = { readonly kind: 'date'; readonly date: IsoDate } | { readonly kind: 'monthDay'; readonly month: number; readonly day: number };

/** The measurable parts of a pledge, each optional (an edit changes only what it names). */
export interface PledgeFields {
  /** The pledge's wording; empty when not given (an edit that keeps the wording). */
  readonly text: string;
  readonly target?: number;
  /** Measure word after the target (户, 个, 次, 公里), or ''. */
  readonly unitWord?: string;
  readonly due?: DueInput;
}

/** Who a new pledge speaks for. */
export type PledgeScope = 'member' | 'branch' | 'township';

/** All pledge scopes, for zod checks of stored rows. */
export const PLEDGE_SCOPES: readonly PledgeScope[] = ['member', 'branch', 'township'];

/** What /pledge asks for. */
export type PledgeCommand =
  | { readonly action: 'create'; readonly scope: PledgeScope; readonly fields: PledgeFields }
  | { readonly action: 'edit'; readonly id: number; readonly fields: PledgeFields }
  | { readonly action: 'withdraw'; readonly id: number; readonly reason: string }
  | { readonly action: 'done'; readonly id: number };

/** What /checkin asks for. */
export type CheckinCommand =
  | { readonly action: 'add'; readonly id?: number; readonly amount: number; readonly note: string }
  | { readonly action: 'undo'; readonly id?: number };

/** What /pledges asks for. */
export type PledgesCommand =
  | { readonly action: 'list' }
  | { readonly action: 'mine' }
  | { readonly action: 'branches' }
  | { readonly action: 'detail'; readonly id: number }
  | { readonly action: 'exemptions' }
  | { readonly action: 'exempt'; readonly name: string; readonly reason: string; readonly until?: IsoDate }
  | { readonly action: 'unexempt'; readonly name: string }
  | { readonly action: 'remindSettings' }
  | { readonly action: 'remind'; readonly staleDays: number; readonly escalateDays?: number };

/** Longest pledge wording, in characters. */
export const MAX_PLEDGE_TEXT = 200;
/** Longest check-in note, in characters. */
export const MAX_NOTE = 200;
/** Largest target a pledge may set. */
export const MAX_TARGET = 100_000;
/** Largest progress one check-in may add. */
export const MAX_STEP = 1000;
/** Longest exemption reason, in characters. */
export const MAX_REASON = 20;

/** Measure words that may stand as their own token after the target number (`目标 5 户`). */
export const MEASURE_WORDS = new Set([
  '户', '个', '次', '项', '人', '人次', '件', '场', '家', '名', '篇', '期', '条', '处', '公里', '米', '亩',
  '元', '万元', '小时', '天', '本', '座', '所', '台', '套', '棵', '株', '批', '村', '组', '课', '堂',
]);

const ID = /^#?(\d{1,9})$/;
/** Chinese numerals a number may be written in (`三`, `十二`, `贰拾`). */
export const CN_NUMERAL = '零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟';
const NUMBER_THEN_UNIT = new RegExp(`^(\\d{1,9}|[${CN_NUMERAL}]{1,12})([^\\d${CN_NUMERAL}].{0,5})?$`, 'u');
const TARGET_WORD = /^(?:目标|指标|target)(?:是|为)?[:=]?(.*)$/iu;
const DUE_WORD_CN = /^(?:截止|截至|截止日期|截止时间|期限|到期|完成时间)(?:到|于|日期|为)?[:=]?(.*)$/u;
const DUE_WORD_EN = /^(?:due|deadline|by)[:=]?(.*)$/iu;
const SCOPE_FLAG = /^(?:--|——|—|-)(branch|支部|township|党委|镇党委|镇|乡党委)$/iu;
const MONTH_DAY = /^(\d{1,2})[-/.月](\d{1,2})日?$/;
const NUMBER_START = new RegExp(`^[\\d${CN_NUMERAL}]`, 'u');

/** Code-point length (an emoji counts once). */
export function charLength(s: string): number {
  return [...s].length;
}

/**
 * The tokens as the person typed them (`、` and full-width forms kept), aligned with the
 * normalised `tokens`; the normalised tokens themselves when the two do not line up. Wording,
 * notes and reasons are stored and shown as typed; keywords are read from the normalised form.
 */
export function typedTokens(tokens: readonly string[], raw: string | undefined): readonly string[] {
  if (raw === undefined) return tokens;
  const typed = raw.split(/\s+/u).filter((t) => t !== '');
  return typed.length === tokens.length ? typed : tokens;
}

/** Reads an id `N` or `#N` (N ≥ 1), or undefined. */
export function readId(token: string | undefined): number | undefined {
  const m = ID.exec(token ?? '');
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 ? n : undefined;
}

/** Reads `5`, `5户`, `五户`, `十二` into a number and a measure word; undefined when it is not one. */
function readAmount(text: string): { n: number; unit: string } | undefined {
  const m = NUMBER_THEN_UNIT.exec(text);
  if (!m) return undefined;
  const n = parseInteger(m[1]!);
  if (n === undefined) return undefined;
  const unit = (m[2] ?? '').trim();
  if (/[\s#+@|]/.test(unit)) return undefined;
  return { n, unit };
}

/** A specific refusal: the prompt key `pledges.error.<key>` and its variables. */
export function problem(key: KeySuffix<'pledges.error.'>, vars: Record<string, string | number> = {}): Problem {
  return { problem: { key: promptKey('pledges.error.', key), vars } };
}

/** Reads a due date token: a full date, or a month and day. */
function readDue(text: string): DueInput | Problem {
  const full = readDate(text);
  if (full.ok) return { kind: 'date', date: full.date };
  if (full.reason === 'impossible') return problem('dateImpossible', { date: text });
  const md = MONTH_DAY.exec(text);
  if (md) {
    const month = Number(md[1]);
    const day = Number(md[2]);
    // Checked against a leap year here; the real year is chosen (and checked again) later.
    if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(2024, month, 0)).getUTCDate()) {
      return problem('dateImpossible', { date: text });
    }
    return { kind: 'monthDay', month, day };
  }
  return problem('dateFormat', { date: text });
}

/**
 * Reads pledge fields from tokens: target and due-date keywords anywhere (each at most once), the
 * rest is the wording (possibly empty: the caller decides whether that is allowed).
 */
export function readPledgeFields(tokens: readonly string[], asTyped?: readonly string[]): PledgeFields | Problem {
  const words: string[] = [];
  const typed = asTyped && asTyped.length === tokens.length ? asTyped : tokens;
  let target: { n: number; unit: string } | undefined;
  let due: DueInput | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const t = TARGET_WORD.exec(token);
    if (t) {
      let rest = t[1]!;
      const inline = rest !== '';
      const next = tokens[i + 1];
      if (!inline && next !== undefined && NUMBER_START.test(next)) rest = next;
      const amount = rest === '' ? undefined : readAmount(rest);
      const numeric = NUMBER_START.test(rest);
      if (amount === undefined || charLength(amount.unit) > 4) {
        // `目标明确` is wording; `目标abc` after a colon or `目标5x5` is a mistake worth naming.
        if (numeric || /[:=]/.test(token)) return problem('targetFormat', { text: (rest || token).slice(0, 20) });
        words.push(typed[i]!);
        continue;
      }
      if (!inline) i++;
      if (target) return problem('twoTargets');
      if (amount.unit === '' && i + 1 < tokens.length && MEASURE_WORDS.has(tokens[i + 1]!)) amount.unit = tokens[++i]!;
      if (amount.n < 1 || amount.n > MAX_TARGET) return problem('targetRange', { max: MAX_TARGET });
      target = amount;
      continue;
    }
    const cn = DUE_WORD_CN.exec(token);
    const en = cn ? undefined : DUE_WORD_EN.exec(token);
    if (cn || en) {
      let rest = (cn ?? en)![1]!;
      const inline = rest !== '';
      const next = tokens[i + 1];
      if (!inline && next !== undefined && /^\d/.test(next)) rest = next;
      if (!/^\d/.test(rest)) {
        // `截至目前`, `by hand`: ordinary words. `截止` with nothing after it is a mistake.
        if (cn && !inline && next === undefined) return problem('dateFormat', { date: token });
        words.push(typed[i]!);
        continue;
      }
      if (!inline) i++;
      if (due) return problem('twoDates');
      const d = readDue(rest);
      if ('problem' in d) return d;
      due = d;
      continue;
    }
    words.push(typed[i]!);
  }
  const text = words.join(' ').trim();
  if (charLength(text) > MAX_PLEDGE_TEXT) return problem('textTooLong', { max: MAX_PLEDGE_TEXT });
  return {
    text,
    ...(target ? { target: target.n, unitWord: target.unit } : {}),
    ...(due ? { due } : {}),
  };
}

/** A separator (folded from `，` `：` `；` `、`) right before a target or due-date keyword. */
const CLAUSE_BREAK = /[,;](?=目标|指标|截止|截至|期限|到期|完成时间|target|due|deadline)/iu;

/**
 * Splits `帮扶困难户,目标5,截止2026-12-31` (typed with Chinese commas) into its clauses, so the
 * target and due date are read as if spaces separated them.
 */
function splitClauses(tokens: readonly string[]): string[] {
  return tokens.flatMap((t) => t.split(CLAUSE_BREAK)).filter((t) => t !== '');
}

const EDIT_WORDS = /^(?:edit|修改|改)$/iu;
const WITHDRAW_WORDS = /^(?:withdraw|撤回|撤销|取消)$/iu;
const DONE_WORDS = /^(?:done|complete|完成|已完成)$/iu;

/**
 * Reads /pledge arguments. Returns the command, a `Problem`, or undefined for a usage mistake
 * (no wording, a subcommand without an id).
 */
export function parsePledgeArgs(words: readonly string[], raw?: string): PledgeCommand | Problem | undefined {
  const tokens = splitClauses(words);
  const typed = typedTokens(tokens, raw);
  const [first, second, ...rest] = tokens;
  if (first === undefined) return undefined;
  const subId = readId(second);
  if (EDIT_WORDS.test(first) || WITHDRAW_WORDS.test(first) || DONE_WORDS.test(first)) {
    if (subId === undefined) {
      // `/pledge 修改村规民约` is a pledge; `/pledge 修改` alone or `修改 abc` is a usage mistake.
      if (second === undefined || /^#/.test(second)) return undefined;
    } else if (EDIT_WORDS.test(first)) {
      const fields = readPledgeFields(rest, typed.slice(2));
      if ('problem' in fields) return fields;
      if (!fields.text && fields.target === undefined && fields.due === undefined) return undefined;
      return { action: 'edit', id: subId, fields };
    } else if (WITHDRAW_WORDS.test(first)) {
      const reason = typed.slice(2).join(' ').trim();
      if (charLength(reason) > MAX_NOTE) return problem('textTooLong', { max: MAX_NOTE });
      return { action: 'withdraw', id: subId, reason };
    } else {
      return { action: 'done', id: subId };
    }
  }
  let scope: PledgeScope = 'member';
  const remaining: string[] = [];
  const remainingTyped: string[] = [];
  for (const [i, token] of tokens.entries()) {
    const flag = SCOPE_FLAG.exec(token);
    if (flag) {
      const word = flag[1]!.toLowerCase();
      const s: PledgeScope = word === 'branch' || word === '支部' ? 'branch' : 'township';
      if (scope !== 'member' && scope !== s) return problem('twoScopes');
      scope = s;
      continue;
    }
    remaining.push(token);
    remainingTyped.push(typed[i]!);
  }
  const fields = readPledgeFields(remaining, remainingTyped);
  if ('problem' in fields) return fields;
  if (!fields.text) return undefined;
  return { action: 'create', scope, fields };
}

/** True when a parse result is a specific refusal. */
export function isProblem(x: unknown): x is Problem {
  return typeof x === 'object' && x !== null && 'problem' in x;
}
