/**
 * The pure parsers of the task commands: they split what was typed into typed parts and never
 * touch the database. They forgive how people type: Chinese or ASCII commas and 、 between units,
 * `截止2026-12-31`, `截止 12月31日`, `+20%`, `+20`, `完成`.
 */
import { z } from 'zod';
import { argInput, idToken } from '../../bot/args.ts';
import type { ArgInput } from '../../bot/feature.ts';
import { isPersonToken } from '../../bot/people.ts';

/** Longest task title or progress note kept (characters). */
export const MAX_TASK_TEXT = 200;
/** Longest weekly report kept (characters). */
export const MAX_WEEKLY_TEXT = 1000;

/** `/assign @someone 包 单位、单位` or `/assign @班子成员 包 @中层干部`. */
export type AssignArgs = { readonly cadre: string; readonly units: readonly string[]; readonly people: readonly string[] };

/** Splits a list of units written with 、，, or spaces. */
export function splitNames(text: string): string[] {
  return text.split(/[、，,;；\s]+/u).map((s) => s.trim()).filter(Boolean);
}

/** Parses `/assign`; the cadre token may be missing when the message replies to the cadre. */
export const assignArgs = argInput.transform((a, ctx): AssignArgs => {
  const m = /^(\S+)?\s*包\s*(.+)$/u.exec(a.text.trim());
  const cadre = m?.[1] ?? '';
  const targets = splitNames(m?.[2] ?? '');
  if (!m || targets.length === 0 || (cadre && !isPersonToken(cadre))) {
    ctx.addIssue({ code: 'custom', message: 'expected @someone 包 单位' });
    return z.NEVER;
  }
  const people = targets.filter(isPersonToken);
  return { cadre, units: targets.filter((t) => !isPersonToken(t)), people };
});

/** `/duty [@someone|单位]`. */
export const dutyArgs = argInput.transform((a) => ({ target: a.text.trim() }));

/** `/task 内容 [@负责人] [单位…|全镇] [截止YYYY-MM-DD]`. */
export interface TaskArgs {
  readonly title: string;
  readonly owner?: string;
  /** Unit names; `全镇` = every branch; empty = the chat's unit. */
  readonly units: readonly string[];
  /** As typed after 截止 (parsed into a date by the handler, which knows the clock). */
  readonly due?: string;
}

/**
 * Splits `/task`: the trailing `截止…` is the deadline, `@…`/`M<n>` the owner, and the words after
 * the title that name units (each checked by the handler) are its units. The title is what is left
 * before them; a unit list is introduced by a space, e.g. `/task 秸秆禁烧巡查 @李四 东村、西村 截止2026-12-31`.
 */
export function parseTask(a: ArgInput, isUnit: (name: string) => boolean): TaskArgs | null {
  let text = a.text.trim();
  let due: string | undefined;
  const d = /\s*截止\s*(\S+)\s*$/u.exec(text);
  if (d) {
    due = d[1];
    text = text.slice(0, d.index).trim();
  }
  const tokens = text.split(' ').filter(Boolean);
  let owner: string | undefined;
  const units: string[] = [];
  while (tokens.length > 1) {
    const last = tokens[tokens.length - 1]!;
    if (!owner && isPersonToken(last)) owner = tokens.pop();
    else if (splitNames(last).every((n) => n === '全镇' || isUnit(n))) units.unshift(...splitNames(tokens.pop()!));
    else break;
  }
  const title = tokens.join(' ').trim();
  if (!title || [...title].length > MAX_TASK_TEXT) return null;
  return { title, owner, units, due };
}

/** `/progress #N 说明 [+K%|完成]`: the note, and the new percentage (+K adds, 完成 = 100). */
export interface ProgressArgs {
  readonly id: number;
  readonly note: string;
  readonly add?: number;
  readonly done: boolean;
}

/** Parses `/progress`; a bare `/progress #N 完成` is fine, a note is otherwise required. */
export const progressArgs = argInput.transform((a, ctx): ProgressArgs => {
  const [first, ...rest] = a.tokens;
  const id = idToken.safeParse(first ?? '');
  let words = [...rest];
  let add: number | undefined;
  let done = false;
  const last = words[words.length - 1];
  const pct = last === undefined ? null : /^\+(\d{1,3})%?$/.exec(last);
  if (pct) {
    add = Number(pct[1]);
    words = words.slice(0, -1);
  } else if (last === '完成' || last === '已完成' || last?.toLowerCase() === 'done') {
    done = true;
    words = words.slice(0, -1);
  }
  const note = words.join(' ').trim();
  if (!id.success || (add !== undefined && (add < 1 || add > 100)) || (!note && !done) || [...note].length > MAX_TASK_TEXT) {
    ctx.addIssue({ code: 'custom', message: 'expected #N 说明 [+K%|完成]' });
    return z.NEVER;
  }
  return { id: id.data, note, add, done };
});

/** `/tasks [单位|我的|逾期]`. */
export type TasksFilter = { readonly kind: 'here' } | { readonly kind: 'mine' } | { readonly kind: 'overdue' } | { readonly kind: 'unit'; readonly name: string };

/** Parses `/tasks`. */
export const tasksArgs = argInput.transform((a): TasksFilter => {
  const w = a.text.trim();
  if (!w) return { kind: 'here' };
  if (['我的', 'mine', 'my'].includes(w.toLowerCase())) return { kind: 'mine' };
  if (['逾期', 'overdue', '超期'].includes(w.toLowerCase())) return { kind: 'overdue' };
  return { kind: 'unit', name: w };
});

/** `/weekly 内容`: the report as typed (line breaks kept). */
export const weeklyArgs = argInput.transform((a) => a.raw.trim()).pipe(z.string().min(1).max(MAX_WEEKLY_TEXT));
