/**
 * How suggestions read in chat: the list for secretaries (a header, one line per suggestion, its
 * reply, "more"), and the notice that tells the sender of a status change.
 */
import type { BaseContext } from '../../bot/context.ts';
import { formatLocalDate } from '../../bot/time.ts';
import { excerpt } from './rules.ts';
import type { SuggestionInfo } from './store.ts';

/** What rendering uses of the context: the translator, the language and the time zone. */
type RenderContext = Pick<BaseContext, 't' | 'locale' | 'timeZone'>;

/** What the list shows: the unit's name, the rows shown, how many in all and how many open. */
export interface SuggestionList {
  readonly unit: string;
  readonly rows: readonly SuggestionInfo[];
  readonly total: number;
  readonly open: number;
  readonly onlyOpen: boolean;
  /** The sender's name of each row (by member id). */
  readonly nameOf: (memberId: number) => string;
}

/** The /suggestions list as lines (a non-empty list). */
export function listLines(env: RenderContext, list: SuggestionList): string[] {
  const { unit, total, open, rows } = list;
  const lines = [
    list.onlyOpen ? env.t('suggestions.suggestions.headerOpen', { unit, total }) : env.t('suggestions.suggestions.header', { unit, total, open }),
  ];
  for (const s of rows) {
    lines.push(
      env.t('suggestions.suggestions.line', {
        id: s.id,
        status: env.t(`suggestions.status.${s.status}`),
        text: excerpt(s.text, 60),
        name: list.nameOf(s.memberId),
        date: formatLocalDate(s.createdAt, env.timeZone, env.locale),
      }),
    );
    if (s.reply) lines.push(env.t('suggestions.suggestions.replyLine', { reply: excerpt(s.reply, 80) }));
  }
  if (total > rows.length) lines.push(env.t('suggestions.suggestions.more', { shown: rows.length }));
  return lines;
}

/** The reply line of a notice ("回复：…" on a line of its own), or nothing. */
function replyLine(env: RenderContext, s: SuggestionInfo): string {
  return s.reply ? `\n${env.t('suggestions.notify.reply', { reply: s.reply })}` : '';
}

/** The private notice of a status change, to the sender. */
export function privateNotice(env: RenderContext, s: SuggestionInfo): string {
  const status = env.t(`suggestions.status.${s.status}`);
  return env.t('suggestions.notify.changed', { id: s.id, text: excerpt(s.text), status }) + replyLine(env, s);
}

/** The notice of a status change in the group the sender wrote from, naming them. */
export function groupNotice(env: RenderContext, s: SuggestionInfo, name: string): string {
  const status = env.t(`suggestions.status.${s.status}`);
  return env.t('suggestions.notify.inGroup', { name, id: s.id, text: excerpt(s.text), status }) + replyLine(env, s);
}
