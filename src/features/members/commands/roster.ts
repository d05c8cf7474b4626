/**
 * `/roster import` + the CSV pasted on the next lines, or sent as a file with the command as its
 * caption (the adapter read and decoded it: UTF-8 or GB18030). Each good row whose unit the
 * importer manages (the policy) becomes a roster member — or updates the current member of that
 * unit with that name — and, unless they already have an account, gets a join code. The codes go
 * privately to the importer, as a message the outbox forgets once delivered; the chat gets the
 * row report. Nothing is written when no row is good.
 */
import { argInput } from '../../../bot/args.ts';
import { command, UsageError, UserError, type Context } from '../../../bot/feature.ts';
import { mayEnrol, unitTree } from '../../../bot/policy.ts';
import { activeMemberNamed, addRosterMember, listUnits, privateChatsOf, updateRosterMember } from '../../../bot/roster.ts';
import type { ChatRef } from '../../../bot/types.ts';
import { issueJoinCode, JOIN_CODE_DAYS } from '../join-codes.ts';
import { parseRosterCsv, RosterFormatError, type RefusedRosterRow, type RosterRow } from '../roster-csv.ts';

/** Refused rows shown in the report. */
const SHOWN_REFUSED = 30;

const rosterArgs = argInput.transform((a) => {
  const rest = a.raw.trimStart(); // the text after the command's name
  const nl = rest.indexOf('\n');
  const head = (nl < 0 ? rest : rest.slice(0, nl)).trim().toLowerCase();
  return { action: head.split(/\s+/)[0] ?? '', csv: nl < 0 ? '' : rest.slice(nl + 1) };
}).refine((a) => a.action === 'import' || a.action === '导入');

/** The CSV of the command: pasted after it, or the file sent with it. */
function csvText(ctx: Context, pasted: string): string {
  if (pasted.trim()) return pasted;
  const c = ctx.incoming.content;
  const doc = c.type === 'text' ? c.attachments?.find((x) => x.kind === 'file') : undefined;
  if (doc?.text !== undefined) return doc.text;
  if (doc?.textError === 'tooBig') throw new UserError('members.roster.format.tooBig', { max: '200 kB' });
  if (doc) throw new UserError('members.roster.unreadable', { file: doc.name ?? '' });
  throw new UsageError();
}

/** Where the join codes go: this private chat, or the importer's own on this platform when it can send privately. */
async function codesTarget(ctx: Context): Promise<ChatRef> {
  if (ctx.chat.ref.kind === 'private') return ctx.chat.ref;
  const own = (await privateChatsOf(ctx.db, ctx.member.id)).find((c) => c.platform === ctx.chat.ref.platform);
  if (own && ctx.capabilities.privateMessages) return own;
  throw new UserError('members.roster.needPrivate');
}

/** Splits rows by whether their unit exists and the importer may enrol their role there. */
async function checkUnits(ctx: Context, rows: readonly RosterRow[]): Promise<{ good: (RosterRow & { unitId: number })[]; refused: RefusedRosterRow[] }> {
  const units = await listUnits(ctx.db);
  const tree = await unitTree(ctx.db);
  const good: (RosterRow & { unitId: number })[] = [];
  const refused: RefusedRosterRow[] = [];
  for (const r of rows) {
    const unit = units.find((u) => u.name === r.unit);
    if (!unit) refused.push({ line: r.line, reasons: [{ key: 'unitUnknown', vars: { unit: r.unit } }] });
    else if (!mayEnrol(ctx.member, r.role, unit.id, tree)) refused.push({ line: r.line, reasons: [{ key: 'unitOther', vars: { unit: r.unit } }] });
    else good.push({ ...r, unitId: unit.id });
  }
  return { good, refused };
}

function report(ctx: Context, refused: readonly RefusedRosterRow[]): string {
  const lines = [...refused].sort((a, b) => a.line - b.line).slice(0, SHOWN_REFUSED).map((r) =>
    ctx.t('members.roster.refusedLine', { line: r.line, reasons: r.reasons.map((x) => ctx.t(`members.roster.reason.${x.key}`, x.vars)).join('；') }),
  );
  if (refused.length > SHOWN_REFUSED) lines.push(ctx.t('members.roster.moreRefused', { count: refused.length - SHOWN_REFUSED }));
  return lines.join('\n');
}

/** Writes the good rows; returns the code lines for the importer and the counts. */
async function enrol(ctx: Context, rows: readonly (RosterRow & { unitId: number })[]): Promise<{ codes: string[]; added: number; updated: number }> {
  const codes: string[] = [];
  let added = 0;
  let updated = 0;
  for (const r of rows) {
    const entry = { name: r.name, unitId: r.unitId, role: r.role, joinedPartyOn: r.joinedPartyOn };
    const existing = await activeMemberNamed(ctx.db, r.unitId, r.name);
    const member = existing ? await updateRosterMember(ctx.db, existing.member.id, entry) : await addRosterMember(ctx.db, entry);
    if (existing) updated++;
    else added++;
    if (existing?.linked) continue;
    const code = await issueJoinCode(ctx.db, member.id, ctx.member.id, ctx.now());
    codes.push(ctx.t('members.roster.codeLine', { id: member.id, name: member.name, unit: r.unit, code }));
  }
  return { codes, added, updated };
}

async function importRoster(ctx: Context, { csv }: { csv: string }): Promise<void> {
  const text = csvText(ctx, csv);
  let parsed: ReturnType<typeof parseRosterCsv>;
  try {
    parsed = parseRosterCsv(text, ctx.now());
  } catch (err) {
    if (err instanceof RosterFormatError) throw new UserError(`members.roster.format.${err.key}`, err.vars);
    throw err;
  }
  const { good, refused: unitRefused } = await checkUnits(ctx, parsed.rows);
  const refused = [...parsed.refused, ...unitRefused];
  if (good.length === 0) throw new UserError('members.roster.noneAccepted', { report: report(ctx, refused) });
  const target = await codesTarget(ctx);
  const { codes, added, updated } = await enrol(ctx, good);
  await ctx.audit('roster.import', `${added} added, ${updated} updated, ${refused.length} refused, ${codes.length} codes`);
  const summary = ctx.t('members.roster.done', { added, updated, refused: refused.length });
  const sent = codes.length ? ctx.t(target === ctx.chat.ref ? 'members.roster.codesBelow' : 'members.roster.codesSent', { count: codes.length }) : '';
  ctx.reply([summary, report(ctx, refused), sent].filter(Boolean).join('\n'));
  if (codes.length) ctx.send(target, { kind: 'text', text: [ctx.t('members.roster.codesHeader', { days: JOIN_CODE_DAYS }), ...codes].join('\n'), ephemeral: true });
}

/** The /roster command. */
export const rosterCommand = command({
  name: 'roster',
  aliases: ['名单'],
  minRole: 'secretary',
  summaryKey: 'members.roster.summary',
  usageKey: 'members.roster.usage',
  args: rosterArgs,
  handler: importRoster,
});
