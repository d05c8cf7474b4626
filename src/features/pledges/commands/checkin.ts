/**
 * `/checkin [#N] [+K] [说明]`: adds progress to a pledge (K defaults to 1; `#N` may be left out with
 * one open pledge; a photo or file sent with it is kept as evidence); `/checkin 撤销 [#N]` undoes
 * your last check-in today. A check-in far beyond its target waits for `确认` (confirm.ts). The
 * hot path: the units come from the roster cache and the new progress is computed, not read back.
 */
import { command, UserError, type Context } from '../../../bot/feature.ts';
import type { Attachment } from '../../../bot/types.ts';
import { PARTY_MEMBER, seesPublicItemsOf } from '../../../bot/policy.ts';
import { todayOf, type IsoDate } from '../dates.ts';
import { isOpen, mayCheckIn, outcomeOf, withCheckin, type PledgeView } from '../rules.ts';
import type { CheckinCommand } from '../parse.ts';
import { parseCheckinArgs } from '../parse-checkin.ts';
import { CONFIRM_WORDS, isFarBeyond, type PendingCheckins } from '../confirm.ts';
import { refuseProblem, schemaOf } from '../args.ts';
import { describe, namesFor } from '../names.ts';
import { progressLine, titleLine } from '../render.ts';
import { addCheckin, getPledge, lastCheckinOfDay, listPledges, undoCheckin } from '../store.ts';

/** The attachments that came with the message (evidence of a check-in). */
function attachmentsOf(ctx: Context): readonly Attachment[] {
  const c = ctx.incoming.content;
  return c.type === 'text' ? (c.attachments ?? []) : [];
}

/** Picks the pledge a /checkin without `#N` is about, or refuses with the list to choose from. */
async function onlyOpenPledge(ctx: Context, today: IsoDate): Promise<PledgeView> {
  const open = (await listPledges(ctx.db, { ownerId: ctx.member.id, scopes: ['member'], statuses: ['open'] })).filter((p) => isOpen(p, today));
  if (open.length === 1) return open[0]!;
  if (open.length === 0) throw new UserError('pledges.error.noOpenPledge');
  const names = await namesFor(ctx, open);
  const list = open.map((p) => `${titleLine(ctx.t, p, names)}\n  ${progressLine(ctx.t, p, today)}`).join('\n');
  throw new UserError('pledges.checkin.choose', { count: open.length, list, id: open[0]!.id });
}

/** Runs a parsed /checkin; with `pending`, one far beyond its target waits for `确认` first. */
export async function runCheckin(ctx: Context, parsed: CheckinCommand, pending?: PendingCheckins): Promise<void> {
  const { cmd, confirmed } = withConfirmation(parsed);
  const { today } = todayOf(ctx);
  const now = ctx.now();
  if (cmd.action === 'undo') {
    const last = await lastCheckinOfDay(ctx.db, ctx.member.id, today, cmd.id);
    if (!last) throw new UserError(cmd.id !== undefined ? 'pledges.error.nothingToUndoOn' : 'pledges.error.nothingToUndo', { id: cmd.id ?? 0 });
    const p = (await getPledge(ctx.db, last.pledgeId))!;
    if (p.status !== 'open') throw new UserError(p.status === 'done' ? 'pledges.error.closedDone' : 'pledges.error.withdrawn', { id: p.id });
    await undoCheckin(ctx.db, last.id, now);
    await ctx.audit('checkin.undo', `#${p.id} checkin ${last.id} +${last.amount}`);
    const after = (await getPledge(ctx.db, p.id))!;
    ctx.reply(ctx.t('pledges.checkin.undone', { amount: last.amount, note: last.note ? ctx.t('pledges.common.note', { note: last.note }) : '', pledge: await describe(ctx, after, today) }));
    return;
  }
  let p: PledgeView;
  if (cmd.id !== undefined) {
    const found = await getPledge(ctx.db, cmd.id);
    if (!found) throw new UserError('pledges.error.checkinNotFound', { id: cmd.id });
    p = found;
  } else {
    p = await onlyOpenPledge(ctx, today);
  }
  // One read of the units (cached per roster version) serves the check and the reply.
  const units = await ctx.units();
  if (!seesPublicItemsOf(ctx.member, p.unitId, units)) throw new UserError('pledges.error.checkinNotFound', { id: p.id });
  if (!mayCheckIn(p, ctx.member, units)) {
    const names = await namesFor(ctx, [p], units);
    if (p.scope === 'member') throw new UserError('pledges.error.notYours', { id: p.id, owner: names.members.get(p.ownerId)?.name ?? '?' });
    throw new UserError(p.scope === 'branch' ? 'pledges.error.branchCheckin' : 'pledges.error.townshipCheckin', { id: p.id, unit: names.units.get(p.unitId)?.name ?? '?' });
  }
  if (p.status === 'withdrawn') throw new UserError('pledges.error.withdrawn', { id: p.id });
  if (p.status === 'done') throw new UserError('pledges.error.closedDone', { id: p.id });
  if (!isOpen(p, today)) throw new UserError('pledges.error.yearOver', { id: p.id, year: p.year });

  if (pending && !confirmed && isFarBeyond(p, cmd.amount)) {
    pending.set(ctx.member.id, { ...cmd, id: p.id }, now);
    const remaining = Math.max(0, (p.target ?? 0) - p.progress);
    ctx.reply(ctx.t('pledges.checkin.confirmFar', { id: p.id, amount: cmd.amount, unit: p.unitWord, target: p.target ?? 0, remaining }));
    return;
  }
  pending?.drop(ctx.member.id);
  const evidence = attachmentsOf(ctx);
  const before = outcomeOf(p);
  await addCheckin(ctx.db, { pledgeId: p.id, memberId: ctx.member.id, amount: cmd.amount, note: cmd.note, evidence, localDay: today }, now);
  const after = withCheckin(p, cmd.amount, now);
  const lines = [
    ctx.t('pledges.checkin.done', { id: p.id, amount: cmd.amount, note: cmd.note ? ctx.t('pledges.common.note', { note: cmd.note }) : '' }),
    await describe(ctx, after, today, units),
  ];
  if (evidence.length) lines.push(ctx.t('pledges.checkin.evidence', { count: evidence.length }));
  if (after.target !== null && before !== 'done' && outcomeOf(after) === 'done') lines.push(ctx.t('pledges.checkin.reached'));
  else if (after.target !== null && before === 'done') lines.push(ctx.t('pledges.checkin.beyond', { extra: `${after.progress - after.target}${after.unitWord}` }));
  ctx.reply(lines.join('\n'));
}

/** A /checkin whose note ends in `确认` is the confirmed form: the word is not part of the note. */
function withConfirmation(cmd: CheckinCommand): { cmd: CheckinCommand; confirmed: boolean } {
  if (cmd.action !== 'add') return { cmd, confirmed: false };
  const words = cmd.note.split(/\s+/);
  const last = words.at(-1) ?? '';
  if (!CONFIRM_WORDS.has(last.toLowerCase())) return { cmd, confirmed: false };
  return { cmd: { ...cmd, note: words.slice(0, -1).join(' ') }, confirmed: true };
}

/** The /checkin command; `pending` holds the far check-ins waiting for `确认`. */
export function checkinCommand(pending: PendingCheckins) {
  return command({
    name: 'checkin',
    aliases: ['打卡'],
    minRole: PARTY_MEMBER,
    summaryKey: 'pledges.checkin.summary',
    usageKey: 'pledges.checkin.usage',
    args: schemaOf(parseCheckinArgs),
    handler: async (ctx, args) => runCheckin(ctx, refuseProblem(args), pending),
  });
}
