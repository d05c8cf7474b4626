/**
 * The roster CSV of `/roster import`: one person per row, columns 姓名, 单位, 身份, 入党日期 (a
 * first row starting 姓名 is a header and skipped; tab-separated text pasted from a spreadsheet
 * works too). Pure: text in, rows (with their line) or refusals (with reasons as prompt keys
 * under `members.roster.reason.`) out. The units are checked by the handler, which knows them.
 */
import { parse } from 'csv-parse/sync';
import { cleanDisplayName } from '../../bot/names.ts';
import { isPartyMember } from '../../bot/policy.ts';
import type { PromptKey } from '../../bot/prompt-keys.ts';
import type { Role } from '../../bot/types.ts';

/** The name of a refusal reason: its prompt is `members.roster.reason.<name>`. */
export type RosterReasonKey = ReasonOf<PromptKey>;
type ReasonOf<P> = P extends `members.roster.reason.${infer K}` ? K : never;

/** Most rows in one import, and the largest text. */
export const MAX_ROSTER_ROWS = 500;
export const MAX_ROSTER_BYTES = 200_000;

/** Role words of the 身份 column. */
const ROLE_WORDS: Record<string, Exclude<Role, 'admin'>> = {
  书记: 'secretary', 支部书记: 'secretary', secretary: 'secretary',
  党员: 'member', 正式党员: 'member', member: 'member',
  预备党员: 'probationary', probationary: 'probationary',
  群众: 'masses', masses: 'masses',
};

/** A row that reads well (its unit still to be checked). */
export interface RosterRow {
  readonly line: number;
  readonly name: string;
  readonly unit: string;
  readonly role: Exclude<Role, 'admin'>;
  readonly joinedPartyOn: Date | null;
}

/** A refused row: its line, its name if any, and why (prompt keys with variables). */
export interface RefusedRosterRow {
  readonly line: number;
  readonly reasons: readonly { key: RosterReasonKey; vars?: Record<string, string | number> }[];
}

/** The text as a whole cannot be read: a prompt key under `members.roster.format.`. */
export class RosterFormatError extends Error {
  constructor(readonly key: 'tooBig' | 'unreadable' | 'noRows' | 'tooMany', readonly vars: Record<string, string | number> = {}) {
    super(key);
    this.name = 'RosterFormatError';
  }
}

/** `2019-07-01`, `2019/7/1`, `2019.7.1`, `2019年7月1日` as a UTC date (a day, no time), or undefined. */
export function parseJoinDate(cell: string): Date | undefined {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(cell.normalize('NFKC').trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && y >= 1921 ? date : undefined;
}

function readRow(cells: readonly string[], line: number, today: Date): RosterRow | RefusedRosterRow {
  const reasons: RefusedRosterRow['reasons'][number][] = [];
  if (cells.length < 3 || cells.length > 4) return { line, reasons: [{ key: 'columns', vars: { count: cells.length } }] };
  const [rawName, rawUnit, rawRole, rawDate = ''] = cells as [string, string, string, string?];
  const name = cleanDisplayName(rawName);
  if (!name) reasons.push({ key: 'nameEmpty' });
  else if ([...rawName.trim()].length > 20) reasons.push({ key: 'nameLong', vars: { max: 20 } });
  const unit = rawUnit.normalize('NFKC').trim();
  if (!unit) reasons.push({ key: 'unitEmpty' });
  const role = ROLE_WORDS[rawRole.normalize('NFKC').trim().toLowerCase()];
  if (!role) reasons.push({ key: 'role', vars: { role: rawRole || '—' } });
  let joinedPartyOn: Date | null = null;
  if (rawDate.trim()) {
    const date = parseJoinDate(rawDate);
    if (!date || date > today) reasons.push({ key: 'date', vars: { date: rawDate } });
    else joinedPartyOn = date;
  } else if (role && isPartyMember({ role })) reasons.push({ key: 'dateMissing' });
  if (reasons.length || !role) return { line, reasons };
  return { line, name, unit, role, joinedPartyOn };
}

/** Reads a roster CSV; throws RosterFormatError when the whole text is unreadable. `today` bounds the dates. */
export function parseRosterCsv(text: string, today: Date): { rows: RosterRow[]; refused: RefusedRosterRow[] } {
  if (Buffer.byteLength(text, 'utf8') > MAX_ROSTER_BYTES) throw new RosterFormatError('tooBig', { max: `${MAX_ROSTER_BYTES / 1000} kB` });
  const firstLine = text.replace(/^\uFEFF/, '').split('\n').find((l) => l.trim() !== '') ?? '';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info: true` each record comes with its position; the typings do not say so.
    records = parse(text, { bom: true, delimiter: firstLine.includes('\t') ? '\t' : ',', relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof records;
  } catch (err) {
    throw new RosterFormatError('unreadable', { line: (err as { lines?: number }).lines ?? 1 });
  }
  const all = records.map(({ record, info }) => ({ cells: record, line: info.lines })).filter((r) => r.cells.some((c) => c !== ''));
  if (all.length && /^(姓名|名字|name)$/i.test(all[0]!.cells[0] ?? '')) all.shift();
  if (all.length === 0) throw new RosterFormatError('noRows');
  if (all.length > MAX_ROSTER_ROWS) throw new RosterFormatError('tooMany', { count: all.length, max: MAX_ROSTER_ROWS });
  const rows: RosterRow[] = [];
  const refused: RefusedRosterRow[] = [];
  const seen = new Map<string, number>();
  for (const { cells, line } of all) {
    const r = readRow(cells, line, today);
    if (!('name' in r)) refused.push(r);
    else if (seen.has(`${r.unit}\n${r.name}`)) refused.push({ line, reasons: [{ key: 'duplicate', vars: { line: seen.get(`${r.unit}\n${r.name}`)! } }] });
    else {
      seen.set(`${r.unit}\n${r.name}`, line);
      rows.push(r);
    }
  }
  return { rows, refused };
}
