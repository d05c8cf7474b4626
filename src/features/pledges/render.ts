/**
 * The texts of pledges, built from prompts (`prompts/<locale>/pledges.yaml`): a pledge's title
 * line, its progress line with the bar, lists, the roll-up and check-in replies. Short lines that
 * read well on a phone; no platform knowledge here.
 */
import type { Translate } from '../../bot/feature.ts';
import { localDate, type IsoDate } from './dates.ts';
import { isOverdue, outcomeOf, progressBar, type PledgeView } from './rules.ts';

/** Names needed to show pledges: owners and units by id. */
export interface Names {
  readonly members: ReadonlyMap<number, { readonly name: string }>;
  readonly units: ReadonlyMap<number, { readonly name: string }>;
}

/** Longest wording shown in a list line (the detail view shows it whole). */
const LIST_TEXT_MAX = 40;

/** Cuts a text to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  const chars = [...text.replace(/\n/g, ' ')];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** Who a pledge is by: the member's name, or the unit for branch and township pledges. */
export function ownerLabel(t: Translate, p: PledgeView, names: Names): string {
  if (p.scope === 'member') return names.members.get(p.ownerId)?.name ?? t('pledges.common.someone');
  return t('pledges.common.unitOwner', { unit: names.units.get(p.unitId)?.name ?? '?' });
}

/** `#3 张三：帮扶困难户` (the wording clipped for lists unless `full`). */
export function titleLine(t: Translate, p: PledgeView, names: Names, full = false): string {
  return t('pledges.common.title', { id: p.id, owner: ownerLabel(t, p, names), text: full ? p.text : clip(p.text, LIST_TEXT_MAX) });
}

/** `5户` or `5`: a number with the pledge's measure word. */
function withUnit(n: number, p: PledgeView): string {
  return `${n}${p.unitWord}`;
}

/** `12-31` this year, `2027-03-31` otherwise. */
export function shortDate(date: IsoDate, today: IsoDate): string {
  return date.slice(0, 4) === today.slice(0, 4) ? date.slice(5) : date;
}

/**
 * The progress line: the bar (or the number of check-ins when there is no target), then the due
 * date, and marks: beyond target, done, overdue, withdrawn.
 */
export function progressLine(t: Translate, p: PledgeView, today: IsoDate): string {
  const parts: string[] = [];
  if (p.target !== null) {
    parts.push(progressBar(p.progress, p.target, p.unitWord));
    if (p.progress > p.target) parts.push(t('pledges.common.beyond', { extra: withUnit(p.progress - p.target, p) }));
  } else {
    parts.push(p.checkins > 0 ? t('pledges.common.noTargetProgress', { count: p.checkins, total: withUnit(p.progress, p) }) : t('pledges.common.noCheckins'));
  }
  if (p.status === 'withdrawn') parts.push(t('pledges.common.withdrawn'));
  else if (outcomeOf(p) === 'done') parts.push(t('pledges.common.done'));
  else if (p.dueDate !== null) parts.push(t('pledges.common.due', { date: shortDate(p.dueDate, today) }));
  if (isOverdue(p, today)) parts.push(t('pledges.common.overdue'));
  return parts.join(' · ');
}

/** Two lines per pledge: title, then the indented progress line. */
export function pledgeBlock(t: Translate, p: PledgeView, names: Names, today: IsoDate): string {
  return `${titleLine(t, p, names)}\n  ${progressLine(t, p, today)}`;
}

/** The share bar of the roll-up, always 10 cells: `▓▓▓▓▓▓▓░░░`. */
export function shareBar(part: number, total: number): string {
  const filled = total === 0 ? 0 : Math.min(10, Math.floor((part * 10) / total));
  return `${'▓'.repeat(filled)}${'░'.repeat(10 - filled)}`;
}

/** A whole percentage, rounded down (so 99.6% is not shown as 100%). */
export function percent(part: number, total: number): number {
  return total === 0 ? 0 : Math.floor((part * 100) / total);
}

/** `11-02` of the local day of an instant, or the "never" word. */
export function dayOf(t: Translate, d: Date | null, timeZone: string, today: IsoDate): string {
  return d ? shortDate(localDate(d, timeZone), today) : t('pledges.common.never');
}
