/**
 * Argument schemas of the polls commands (zod over the router's `ArgInput`). They check the form;
 * limits with their own clear message (too many options, a close time in the past) are checked by
 * the handlers.
 *
 * Flags may stand anywhere after the command and are written `--name` (also `—name` / `——name`,
 * what a Chinese keyboard makes of `--`), ASCII or Chinese:
 * `--anon` 匿名, `--multi` 多选, `--hide` 隐藏, `--close 24h` 截止, `--min 5` 最少,
 * `--members` 党员, `--masses` 群众, `--all` 全体 (who may vote; default: members, or everyone in a
 * masses chat), `--formal` 表决 and `--quorum 2/3` 到会 (a formal vote: polls/formal/). `--close` takes `24h`, `30m`, `2d`, `20:00`, `2026-12-01` or `2026-12-01 20:00`.
 */
import { z } from 'zod';
import { argInput, idToken, leadingId } from '../../bot/args.ts';
import { normalizeForParsing } from '../../bot/normalize.ts';
import type { Audience } from './store.ts';

/** The flags of /poll and /rate. */
export interface PollFlags {
  readonly anon: boolean;
  readonly multi: boolean;
  readonly hide: boolean;
  /** The raw value of `--close` (one or two tokens joined by a space). */
  readonly close?: string;
  readonly min?: number;
  readonly audience?: Audience;
  /** `--formal` 表决: only full members vote, under 条例第十一条 (polls/formal/). */
  readonly formal?: boolean;
  /** The raw value of `--quorum` (formal votes). */
  readonly quorum?: string;
}

const FLAG_NAMES: Record<string, keyof PollFlags | `audience:${Audience}`> = {
  anon: 'anon',
  匿名: 'anon',
  multi: 'multi',
  多选: 'multi',
  hide: 'hide',
  隐藏: 'hide',
  close: 'close',
  截止: 'close',
  min: 'min',
  最少: 'min',
  members: 'audience:members',
  党员: 'audience:members',
  masses: 'audience:masses',
  群众: 'audience:masses',
  all: 'audience:all',
  全体: 'audience:all',
  formal: 'formal',
  表决: 'formal',
  quorum: 'quorum',
  到会: 'quorum',
};

const FLAG = /^(?:--|[—–]{1,2})(.+)$/;
const DATE = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/;
const TIME = /^\d{1,2}:\d{2}$/;

/**
 * Splits tokens into flags and the rest; an error (a short reason) when a flag is unknown or lacks
 * its value. Flags are recognised on the folded form of a token (full-width `－－ａｎｏｎ` works);
 * the rest is returned as typed.
 */
export function extractFlags(tokens: readonly string[]): { flags: PollFlags; rest: string[] } | { error: string } {
  const flags: { -readonly [K in keyof PollFlags]: PollFlags[K] } = { anon: false, multi: false, hide: false };
  const rest: string[] = [];
  const folded = tokens.map((t) => normalizeForParsing(t));
  for (let i = 0; i < tokens.length; i++) {
    const m = FLAG.exec(folded[i]!);
    if (!m) {
      rest.push(tokens[i]!);
      continue;
    }
    const [nameRaw, inlineValue] = m[1]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const name = FLAG_NAMES[nameRaw.toLowerCase()];
    if (!name) return { error: `unknown flag ${folded[i]!.slice(0, 20)}` };
    if (name === 'close') {
      let value = inlineValue ?? folded[++i];
      if (!value) return { error: '--close needs a time' };
      if (DATE.test(value) && TIME.test(folded[i + 1] ?? '')) value = `${value} ${folded[++i]}`;
      flags.close = value;
    } else if (name === 'min') {
      const value = inlineValue ?? folded[++i] ?? '';
      if (!/^\d{1,4}$/.test(value)) return { error: '--min needs a number' };
      flags.min = Number(value);
    } else if (name === 'quorum') {
      const value = inlineValue ?? folded[++i];
      if (!value) return { error: '--quorum needs a share, e.g. 2/3' };
      flags.quorum = value;
    } else if (name === 'formal') {
      flags.formal = true;
    } else if (name.startsWith('audience:')) {
      flags.audience = name.slice('audience:'.length) as Audience;
    } else {
      flags[name as 'anon' | 'multi' | 'hide'] = true;
    }
  }
  return { flags, rest };
}

/** The arguments as typed, split on any white space (the question and options keep their punctuation). */
function rawTokens(raw: string): string[] {
  return raw.split(/\s+/u).filter((t) => t !== '');
}

/** `/poll 问题 | 选项1 | 选项2 [| …] [flags]` → question, options (as typed), flags. */
export const pollArgs = argInput.transform((a, ctx) => {
  const r = extractFlags(rawTokens(a.raw));
  if ('error' in r) {
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  }
  const parts = r.rest.join(' ').split(/[|｜]/).map((p) => p.trim());
  const question = parts[0] ?? '';
  const options = parts.slice(1).filter((p) => p !== '');
  // A formal vote may leave out its options (赞成 | 反对 | 弃权 by default).
  if (!question || (options.length < 1 && !r.flags.formal && r.flags.quorum === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'a question and options separated by |' });
    return z.NEVER;
  }
  return { question, options, flags: r.flags };
});

/** `/rate 对象 [flags]` → subject (as typed), flags (`--multi` makes no sense for a rating). */
export const rateArgs = argInput.transform((a, ctx) => {
  const r = extractFlags(rawTokens(a.raw));
  if ('error' in r || r.flags.multi) {
    ctx.addIssue({ code: 'custom', message: 'error' in r ? r.error : '--multi is for choice polls' });
    return z.NEVER;
  }
  const subject = r.rest.join(' ').trim();
  if (!subject || /[|｜]/.test(subject)) {
    ctx.addIssue({ code: 'custom', message: 'who or what is rated' });
    return z.NEVER;
  }
  return { subject, flags: r.flags };
});

/** `/vote #N …`: the id and the rest as tokens (read against the poll by the handler). */
export const voteArgs = leadingId(argInput.transform((a) => ({ text: a.text, tokens: a.tokens })));

/** `/results #N`, `/close #N`, `/turnout #N`, `/export #N`: just the id (anything after it is ignored). */
export const pollIdArgs = argInput.transform((a, ctx) => {
  const id = idToken.safeParse(a.tokens[0] ?? '');
  if (!id.success) {
    ctx.addIssue({ code: 'custom', message: 'id expected' });
    return z.NEVER;
  }
  return { id: id.data };
});

/** Words after `/results #N` that ask for the chart picture too. */
export const CHART_WORDS = new Set(['图', '图表', '结果图', 'chart']);

/** `/results #N [图]`: the id, and whether the chart picture is asked for. */
export const resultsArgs = argInput.transform((a, ctx) => {
  const id = idToken.safeParse(a.tokens[0] ?? '');
  if (!id.success) {
    ctx.addIssue({ code: 'custom', message: 'id expected' });
    return z.NEVER;
  }
  return { id: id.data, chart: a.tokens.slice(1).some((w) => CHART_WORDS.has(w.toLowerCase())) };
});

/** Words that make `/vote #N check CODE` a receipt check. */
export const CHECK_WORDS = new Set(['check', '核对', '查', '查询', '验证', '回执']);
