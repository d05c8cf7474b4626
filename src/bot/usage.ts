/**
 * The reply to a malformed command, for an older member on a phone: what is wrong first, in one
 * line; then one example taken from the command's usage text; then where the whole form is
 * (`/help 命令`). The full usage text is what `/help 命令` shows.
 */
import type { CommandSpec, Translate } from './feature.ts';

/**
 * The examples written in a usage text: each `/command …` or `#命令 …` after 例如：, 例： or
 * `e.g.`, up to the next ， ； （ `, ` or line end; `A 或 B` / `A or B` are two examples. A usage
 * without such a word whose first line starts with a concrete command (no `[…]` or `|`) is its
 * own example.
 */
export function usageExamples(usage: string): string[] {
  const out: string[] = [];
  for (const m of usage.matchAll(/(?:例如[：:]|例[：:]|e\.g\. )((?:\/|#)[^，；;\n（]+)/g)) {
    for (const ex of m[1]!.split(/, .*$/)[0]!.split(/ 或 | or /)) out.push(ex.replace(/ \(.*$/, '').trim());
  }
  if (out.length > 0) return out;
  // A usage written as examples only (`/duty，或 /duty 东村`): its first one.
  const first = usage.split('\n')[0]!.split(/[；;]|，或|，|, | or /)[0]!.trim();
  return /^[/#]\S/.test(first) && !/[[\]|]/.test(first) ? [first] : [];
}

/**
 * The usage reply: `problem` (a line saying what is wrong; default "格式不对。"), one example
 * (the first of the usage, else its first line) and the pointer to `/help <name>`.
 */
export function usageReply(t: Translate, spec: CommandSpec<unknown>, problem?: string): string {
  const usage = t(spec.usageKey);
  const example = usageExamples(usage)[0];
  return [
    problem ?? t('core.error.usage'),
    example ? t('core.error.example', { example }) : usage.split('\n')[0]!,
    t('core.error.more', { name: spec.aliases[0] ?? spec.name }),
  ].join('\n');
}
