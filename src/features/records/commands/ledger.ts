/**
 * `/ledger [年份]` and `/ledger 导出 [年份]`: the 台账 as one phone screen (gaps first, then a row of
 * marks per kind), the township's table of every branch, a CSV of every minutes record in the
 * paper layout, and `/ledger 频次 类型 每月|每季度|每年|不要求` (admins) to set a unit's own frequency.
 */
import { reviewLedgerLine } from '../../review/api.ts';
import { z } from 'zod';
import { argInput } from '../../../bot/args.ts';
import { command, UserError, type Context } from '../../../bot/feature.ts';
import type { QueuedMessage } from '../../../bot/types.ts';
import { hasRole, PARTY_MEMBER, seesUnitIn } from '../../../bot/policy.ts';
import { listUnits, membersByIds, unitName } from '../../../bot/roster.ts';
import { formatStamp } from '../../../bot/time.ts';
import { requireUnit } from '../../meetings/api.ts';
import { FREQUENCY_WORDS, findKind, setUnitFrequency, type Frequency, type MeetingKind } from '../../meetings/api.ts';
import { getMeeting } from '../../meetings/api.ts';
import { csvFile } from '../../report/api.ts';
import { pageMessage } from '../page.ts';
import { saveExcuse, type MinutesAttachment } from '../store.ts';
import { currentYear, unitLedger, type Ledger, type LedgerRow } from '../ledger.ts';
import { parsePeriod, type PeriodStatus } from '../rules.ts';

/** Parsed arguments of /ledger. */
export type LedgerArgs =
  | { readonly action: 'show' | 'export'; readonly year: number | null }
  | { readonly action: 'frequency'; readonly kind: string; readonly frequency: Frequency }
  | { readonly action: 'excuse'; readonly kind: string; readonly period: string; readonly reason: string };

const EXPORT_WORDS = new Set(['导出', 'export', 'csv']);
const FREQUENCY_COMMAND = new Set(['频次', 'frequency']);
const EXCUSE_COMMAND = new Set(['说明', 'excuse', 'note']);

/** Longest reason of an excuse note (characters). */
export const MAX_REASON = 200;

/** Zod schema of /ledger's arguments. */
const ledgerArgs = argInput.transform((a, ctx): LedgerArgs => {
  const fail = () => {
    ctx.addIssue({ code: 'custom', message: '[年份] [导出]' });
    return z.NEVER;
  };
  const tokens = [...a.tokens];
  if (EXCUSE_COMMAND.has((tokens[0] ?? '').toLowerCase())) {
    // The reason is everything after the period, as typed (spaces kept).
    const m = /^\s*\S+\s+(\S+)\s+(\S+)\s+([\s\S]+)$/.exec(a.raw);
    const reason = m?.[3]?.trim() ?? '';
    if (!m || !reason || [...reason].length > MAX_REASON || [...m[1]!].length > 20) return fail();
    return { action: 'excuse', kind: m[1]!, period: m[2]!, reason };
  }
  if (FREQUENCY_COMMAND.has((tokens[0] ?? '').toLowerCase())) {
    const f = FREQUENCY_WORDS[(tokens[2] ?? '').toLowerCase()];
    if (tokens.length !== 3 || !f || [...tokens[1]!].length > 20) return fail();
    return { action: 'frequency', kind: tokens[1]!, frequency: f };
  }
  let action: 'show' | 'export' = 'show';
  let year: number | null = null;
  for (const t of tokens) {
    const y = /^(\d{4})年?$/.exec(t);
    if (EXPORT_WORDS.has(t.toLowerCase()) && action === 'show') action = 'export';
    else if (y && year === null && Number(y[1]) >= 2000 && Number(y[1]) <= 2100) year = Number(y[1]);
    else return fail();
  }
  return { action, year };
});

const MARK: Readonly<Record<PeriodStatus, string>> = { held: '✓', noMinutes: '△', excused: '○', missing: '✗', pending: '·' };

function periodName(ctx: Context, row: LedgerRow, index: number): string {
  if (row.frequency === 'monthly') return ctx.t('records.ledger.month', { n: index });
  if (row.frequency === 'quarterly') return ctx.t('records.ledger.quarter', { n: index });
  return ctx.t('records.ledger.wholeYear');
}

function percent(x: number | null): string {
  return x === null ? '—' : `${Math.round(x * 100)}%`;
}

/** The ledger on one screen: the headline, the gaps, the unrecorded, then one row of marks per kind. */
export function ledgerText(ctx: Context, unit: string, l: Ledger): string {
  const lines = [ctx.t('records.ledger.head', { unit, year: l.year, held: l.held, required: l.required, rate: percent(l.completeness) })];
  const named = (status: PeriodStatus) =>
    l.rows
      .map((r) => ({ r, cells: r.cells.filter((c) => c.status === status) }))
      .filter((x) => x.cells.length)
      .map((x) => `${x.r.kind.name} ${x.cells.map((c) => periodName(ctx, x.r, c.index)).join('、')}`);
  const missing = named('missing');
  const noMinutes = named('noMinutes');
  if (missing.length) lines.push(ctx.t('records.ledger.missing', { list: missing.join('；') }));
  if (noMinutes.length) lines.push(ctx.t('records.ledger.noMinutes', { list: noMinutes.join('；') }));
  if (!missing.length && !noMinutes.length) lines.push(ctx.t('records.ledger.noGaps'));
  const notes = l.rows.flatMap((r) => r.cells.filter((c) => c.note).map((c) => `${r.kind.name} ${periodName(ctx, r, c.index)}：${c.note}`));
  if (notes.length) lines.push(ctx.t('records.ledger.notes', { list: notes.join('；') }));
  for (const r of l.rows) {
    const marks = r.cells.map((c) => (r.frequency === 'yearly' ? MARK[c.status] : `${c.index}${MARK[c.status]}`)).join(' ');
    lines.push(ctx.t('records.ledger.row', { kind: r.kind.name, frequency: ctx.t(`records.frequency.${r.frequency}`), note: r.kind.note ? `，${r.kind.note}` : '', marks }));
  }
  lines.push(ctx.t('records.ledger.legend'));
  return lines.join('\n');
}

/** The township's table: each branch under it with its completeness, lowest first. */
async function townshipText(ctx: Context, unitId: number, year: number, kinds: readonly MeetingKind[]): Promise<string | null> {
  const units = await listUnits(ctx.db);
  const own = units.find((u) => u.id === unitId);
  if (!own || own.kind !== 'township') return null;
  const branches = units.filter((u) => u.parentId === unitId);
  const rows: { name: string; l: Ledger }[] = [];
  for (const b of branches) rows.push({ name: b.name, l: await unitLedger(ctx.db, b.id, year, kinds, ctx.timeZone, ctx.now()) });
  rows.sort((a, b) => (a.l.completeness ?? 2) - (b.l.completeness ?? 2) || a.name.localeCompare(b.name, 'zh-CN'));
  const lines = [ctx.t('records.ledger.townshipHead', { unit: own.name, year, count: rows.length })];
  for (const { name, l } of rows) {
    const missing = l.rows.reduce((n, r) => n + r.cells.filter((c) => c.status === 'missing').length, 0);
    lines.push(ctx.t('records.ledger.townshipLine', { name, held: l.held, required: l.required, rate: percent(l.completeness), missing }));
  }
  return lines.join('\n');
}

/** `/ledger 说明 类型 期间 理由` (admins): marks a period of a kind excused, with the reason shown in the ledger. */
async function excuseHandler(ctx: Context, unitId: number, args: Extract<LedgerArgs, { action: 'excuse' }>, kinds: readonly MeetingKind[]): Promise<void> {
  if (!hasRole(ctx.member, 'admin')) throw new UserError('records.ledger.excuseAdminOnly');
  const kind = findKind(kinds, args.kind);
  if (!kind) throw new UserError('meetings.meeting.unknownKind', { kind: args.kind, kinds: kinds.map((k) => k.name).join('、') });
  const period = parsePeriod(args.period, currentYear(ctx.now(), ctx.timeZone));
  if (!period || period.year < 2000 || period.year > 2100) throw new UserError('records.ledger.badPeriod', { period: args.period });
  const replaced = await saveExcuse(ctx.db, { unitId, kind: kind.key, ...period, reason: args.reason, byId: ctx.member.id, now: ctx.now() });
  await ctx.audit('ledger.excuse', `unit ${unitId} ${kind.key} ${period.year}-${period.month}+${period.months}`);
  const name = periodLabel(ctx, period);
  ctx.reply(ctx.t(replaced ? 'records.ledger.excuseReplaced' : 'records.ledger.excuseSet', { kind: kind.name, year: period.year, period: name, reason: args.reason }));
}

/** A note's months for people: `2月`, `第1季度`, `全年`, or `2月至4月`. */
function periodLabel(ctx: Context, p: { month: number; months: number }): string {
  if (p.months === 12) return ctx.t('records.ledger.wholeYear');
  if (p.months === 3 && p.month % 3 === 1) return ctx.t('records.ledger.quarter', { n: (p.month + 2) / 3 });
  return ctx.t('records.ledger.month', { n: p.month });
}

/** /ledger: show, export, set a frequency or note an excuse. */
async function ledgerHandler(ctx: Context, args: LedgerArgs, kinds: readonly MeetingKind[]): Promise<void> {
  const unitId = requireUnit(ctx);
  if (args.action === 'frequency') {
    if (!hasRole(ctx.member, 'admin')) throw new UserError('records.ledger.adminOnly');
    const kind = findKind(kinds, args.kind);
    if (!kind) throw new UserError('meetings.meeting.unknownKind', { kind: args.kind, kinds: kinds.map((k) => k.name).join('、') });
    await setUnitFrequency(ctx.db, { unitId, kind: kind.key, frequency: args.frequency, byId: ctx.member.id, now: ctx.now() });
    await ctx.audit('ledger.frequency', `unit ${unitId} ${kind.key} ${args.frequency}`);
    ctx.reply(ctx.t('records.ledger.frequencySet', { kind: kind.name, frequency: ctx.t(`records.frequency.${args.frequency}`) }));
    return;
  }
  if (args.action === 'excuse') {
    await excuseHandler(ctx, unitId, args, kinds);
    return;
  }
  if (!(await seesUnitIn(ctx.db, ctx.member, unitId))) throw new UserError('records.minutes.otherUnit');
  const year = args.year ?? currentYear(ctx.now(), ctx.timeZone);
  const unit = (await unitName(ctx.db, unitId)) ?? '';
  const ledger = await unitLedger(ctx.db, unitId, year, kinds, ctx.timeZone, ctx.now());
  if (args.action === 'export') {
    const csv = await ledgerCsv(ctx, unit, ledger);
    await ctx.audit('ledger.export', `unit ${unitId} ${year} (${csv.rows.length - 1} rows)`);
    ctx.reply(csv.message);
    replyPages(ctx, (kind) => ctx.t('records.ledger.pageTitle', { unit, year, kind }), csv.rows);
    return;
  }
  const township = await townshipText(ctx, unitId, year, kinds);
  // 民主评议党员 is a yearly item of the 台账 kept by the review slice.
  ctx.reply(township ?? `${ledgerText(ctx, unit, ledger)}\n${await reviewLedgerLine(ctx, unitId, year)}`);
}

/** The CSV columns, in the order of a paper 台账. */
export const CSV_COLUMNS = ['类型', '会议', '时间', '地点', '主持人', '记录人', '应到', '实到', '缺席及原因', '议题', '决议', '补录', '附件'] as const;

/** One attachment in the CSV: `kind:platform:ref [name]`, then `sha256=… path` once stored, or why it is not. */
function attachmentCell(a: MinutesAttachment): string {
  const head = `${a.kind}:${a.platform}:${a.ref}${a.name ? ` ${a.name}` : ''}`;
  if (a.sha256) return `${head} sha256=${a.sha256} ${a.path ?? ''}`.trim();
  return a.problem ? `${head} (${a.problem})` : head;
}

/** Every minutes record of the ledger, one row each, kind by kind. */
async function ledgerCsv(ctx: Context, unit: string, l: Ledger): Promise<{ message: QueuedMessage; rows: string[][] }> {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const r of l.rows) {
    for (const c of r.cells) {
      if (!c.minutes.length) {
        const status = c.note ? ctx.t('records.status.noted', { reason: c.note }) : ctx.t(`records.status.${c.status}`);
        if (c.status !== 'pending') rows.push([r.kind.name, periodName(ctx, r, c.index), '', '', '', '', '', '', '', status, '', '', '']);
        continue;
      }
      for (const m of c.minutes) {
        const meeting = await getMeeting(ctx.db, m.meetingId);
        const names = await membersByIds(ctx.db, [m.hostId, m.recorderId]);
        rows.push([
          r.kind.name, meeting?.title ?? `#${m.meetingId}`, formatStamp(m.startsAt, ctx.timeZone), meeting?.place ?? '',
          names.get(m.hostId)?.name ?? '', names.get(m.recorderId)?.name ?? '', String(m.expected), String(m.present), m.absences,
          m.topics, m.decisions, m.late ? formatStamp(m.enteredAt, ctx.timeZone) : '',
          m.attachments.map(attachmentCell).join('\n'),
        ]);
      }
    }
  }
  const message = csvFile({ fileName: `${unit}-${l.year}-台账`, rows }, ctx.t('records.ledger.exported', { unit, year: l.year, count: rows.length - 1 }));
  return { message, rows: rows.slice(1) };
}

/**
 * The printable pages of the CSV's rows (without 会议, 补录, 附件), one per kind (the first cell),
 * each rendered by the outbox when it is sent, after this transaction commits; a short text
 * instead of a page whose rendering fails.
 */
function replyPages(ctx: Context, title: (kind: string) => string, rows: readonly string[][]): void {
  const cells = rows.map((r) => [r[0]!, ...r.slice(2, 11)]);
  for (const kind of new Set(cells.map((r) => r[0]!))) {
    ctx.reply(pageMessage(title(kind), cells.filter((r) => r[0] === kind), ctx.t('records.ledger.pageFailed')));
  }
}

/** The /ledger command; `kinds` are the meeting kinds of prompts/meeting-kinds.yaml. */
export function ledgerCommand(kinds: readonly MeetingKind[]) {
  return command({
    name: 'ledger',
    aliases: ['台账'],
    minRole: PARTY_MEMBER,
    summaryKey: 'records.ledger.summary',
    usageKey: 'records.ledger.usage',
    args: ledgerArgs,
    handler: (ctx, args) => ledgerHandler(ctx, args, kinds),
  });
}
