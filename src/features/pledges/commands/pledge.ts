/**
 * What /pledge and /checkin do: create, edit, withdraw and declare done a pledge; add progress and
 * undo the day's last check-in. Each handler checks who may act (model.ts), writes through the
 * store, audits edits, and replies with the pledge's new state. Refusals are `UserError`s, so the
 * router rolls back anything half-done.
 */
import { UserError, type Context } from '../../bot/feature.ts';
import type { Attachment } from '../../bot/types.ts';
import { listUnits, membersByIds } from '../../bot/roster.ts';
import type { UnitRow } from '../../bot/roster-cache.ts';
import { actingUnit, seesPublicItemsOf, unitTree } from '../../bot/policy.ts';
import { isRealDate, localDate, localYear, type IsoDate } from './dates.ts';
import { isOpen, mayCheckIn, mayManagePledge, outcomeOf, withCheckin, type PledgeView } from './model.ts';
import type { CheckinCommand, DueInput, PledgeCommand, PledgeFields } from './parse.ts';
import { CONFIRM_WORDS, isFarBeyond, type PendingCheckins } from './confirm.ts';
import { progressLine, titleLine, type Names } from './render.ts';
import { addCheckin, countOpenPledges, createPledge, getPledge, lastCheckinOfDay, listPledges, undoCheckin, updatePledge } from './store.ts';

/** Most open pledges one member may have in a year (a guard against floods, far above real use). */
export const MAX_OPEN_PLEDGES = 20;

/** Today's calendar date and year in the org time zone. */
export function todayOf(ctx: Context): { today: IsoDate; year: number } {
  const now = ctx.now();
  return { today: localDate(now, ctx.timeZone), year: localYear(now, ctx.timeZone) };
}

/**
 * The names needed to show these pledges; `units` when the caller has just read them. The speaker
 * is known already (no look-up when every pledge is their own: the check-in's hot path).
 */
export async function namesFor(ctx: Context, pledges: readonly PledgeView[], units?: readonly UnitRow[]): Promise<Names> {
  const ownerIds = pledges.map((p) => p.ownerId);
  const members = ownerIds.every((id) => id === ctx.member.id) ? new Map([[ctx.member.id, ctx.member]]) : await membersByIds(ctx.db, ownerIds);
  return { members, units: new Map((units ?? (await listUnits(ctx.db))).map((u) => [u.id, u])) };
}

/** Title and progress of one pledge, two lines. */
async function describe(ctx: Context, p: PledgeView, today: IsoDate, units?: readonly UnitRow[]): Promise<string> {
  const names = await namesFor(ctx, [p], units);
  return `${titleLine(ctx.t, p, names)}\n  ${progressLine(ctx.t, p, today)}`;
}

/** Resolves a typed due date against today: a month and day means the next such day. */
function resolveDue(due: DueInput, today: IsoDate, year: number): IsoDate {
  let date: IsoDate;
  if (due.kind === 'date') date = due.date;
  else {
    let y = year;
    const md = `${String(due.month).padStart(2, '0')}-${String(due.day).padStart(2, '0')}`;
    if (`${y}-${md}` < today) y++;
    if (!isRealDate(y, due.month, due.day)) throw new UserError('pledges.error.dateImpossible', { date: `${y}-${md}` });
    date = `${y}-${md}`;
  }
  if (date < today) throw new UserError('pledges.error.duePast', { date });
  if (Number(date.slice(0, 4)) > year + 1) throw new UserError('pledges.error.dueTooFar', { year: year + 1 });
  return date;
}

/** The unit a new pledge of `scope` belongs to, after checking the speaker may make it. */
async function unitForScope(ctx: Context, scope: PledgeCommand & { action: 'create' }): Promise<number> {
  const units = await listUnits(ctx.db);
  if (scope.scope === 'member') {
    const unitId = ctx.member.unitId ?? ctx.unitId;
    if (unitId === null) throw new UserError('pledges.error.noUnit');
    return unitId;
  }
  // The sub-commands `pledge branch` (secretary) and `pledge township` (admin) gate the roles.
  if (scope.scope === 'branch') {
    const unitId = actingUnit(ctx.member, ctx.unitId, units);
    const unit = units.find((u) => u.id === unitId);
    if (!unit) throw new UserError('pledges.error.noUnit');
    if (unit.kind !== 'branch') throw new UserError('pledges.error.notBranch', { unit: unit.name });
    return unit.id;
  }
  const here = units.find((u) => u.id === ctx.unitId);
  const township =
    (here?.kind === 'township' ? here : undefined) ??
    units.find((u) => u.id === here?.parentId && u.kind === 'township') ??
    units.find((u) => u.kind === 'township');
  if (!township) throw new UserError('pledges.error.noTownship');
  return township.id;
}

/** `（目标5户，截止2026-12-31）` for a confirmation, or ''. */
function detailsOf(ctx: Context, f: { target: number | null; unitWord: string; dueDate: IsoDate | null }): string {
  const parts: string[] = [];
  if (f.target !== null) parts.push(ctx.t('pledges.common.target', { target: `${f.target}${f.unitWord}` }));
  if (f.dueDate !== null) parts.push(ctx.t('pledges.common.dueFull', { date: f.dueDate }));
  return parts.length ? ctx.t('pledges.common.details', { list: parts.join(ctx.t('pledges.common.separator')) }) : '';
}

/** Loads a pledge the speaker may manage (edit, withdraw, declare done), open and of a current year. */
async function manageable(ctx: Context, id: number, today: IsoDate): Promise<PledgeView> {
  const p = await getPledge(ctx.db, id);
  if (!p) throw new UserError('pledges.error.notFound', { id });
  if (!mayManagePledge(p, ctx.member, await unitTree(ctx.db))) throw new UserError('pledges.error.mayNotManage', { id });
  if (p.status === 'withdrawn') throw new UserError('pledges.error.withdrawn', { id });
  if (p.status === 'done') throw new UserError('pledges.error.closedDone', { id });
  if (!isOpen(p, today)) throw new UserError('pledges.error.yearOver', { id, year: p.year });
  return p;
}

/** /pledge 内容…: a new pledge of the member, branch or township. */
async function createCmd(ctx: Context, cmd: PledgeCommand & { action: 'create' }): Promise<void> {
  const { today, year } = todayOf(ctx);
  const now = ctx.now();
  const unitId = await unitForScope(ctx, cmd);
  const dueDate = cmd.fields.due ? resolveDue(cmd.fields.due, today, year) : null;
  const pledgeYear = dueDate ? Number(dueDate.slice(0, 4)) : year;
  const mine = await listPledges(ctx.db, { ownerId: ctx.member.id, statuses: ['open'], scopes: [cmd.scope], unitIds: [unitId] });
  const same = mine.find((p) => p.text === cmd.fields.text && p.year === pledgeYear);
  if (same) throw new UserError('pledges.error.duplicate', { id: same.id });
  if (cmd.scope === 'member' && (await countOpenPledges(ctx.db, ctx.member.id, pledgeYear)) >= MAX_OPEN_PLEDGES) {
    throw new UserError('pledges.error.tooMany', { max: MAX_OPEN_PLEDGES });
  }
  const data = {
    scope: cmd.scope,
    unitId,
    ownerId: ctx.member.id,
    text: cmd.fields.text,
    target: cmd.fields.target ?? null,
    unitWord: cmd.fields.target !== undefined ? (cmd.fields.unitWord ?? '') : '',
    dueDate,
    year: pledgeYear,
  };
  const id = await createPledge(ctx.db, data, now);
  if (cmd.scope !== 'member') await ctx.audit('pledge.create', `#${id} ${cmd.scope} unit ${unitId}`);
  const p = (await getPledge(ctx.db, id))!;
  const names = await namesFor(ctx, [p]);
  ctx.reply(ctx.t('pledges.pledge.created', { title: titleLine(ctx.t, p, names, true), details: detailsOf(ctx, data), id }));
}

/** /pledge 修改 #N …: changes the wording, target or due date (audited). */
async function editCmd(ctx: Context, cmd: PledgeCommand & { action: 'edit' }): Promise<void> {
  const { today, year } = todayOf(ctx);
  const now = ctx.now();
  const p = await manageable(ctx, cmd.id, today);
  const f: PledgeFields = cmd.fields;
  const patch: { text?: string; target?: number | null; unitWord?: string; dueDate?: IsoDate | null; year?: number } = {};
  const changes: string[] = [];
  if (f.text && f.text !== p.text) {
    patch.text = f.text;
    changes.push(`text: ${p.text} -> ${f.text}`);
  }
  // A new target without a measure word keeps the old one (`目标8` after `目标5户` is 8户).
  const unitWord = f.unitWord || p.unitWord;
  if (f.target !== undefined && (f.target !== p.target || unitWord !== p.unitWord)) {
    patch.target = f.target;
    patch.unitWord = unitWord;
    changes.push(`target: ${p.target ?? '-'}${p.unitWord} -> ${f.target}${patch.unitWord}`);
  }
  if (f.due) {
    const due = resolveDue(f.due, today, year);
    if (due !== p.dueDate) {
      patch.dueDate = due;
      patch.year = Math.max(p.year, Number(due.slice(0, 4)));
      changes.push(`due: ${p.dueDate ?? '-'} -> ${due}`);
    }
  }
  if (changes.length === 0) throw new UserError('pledges.error.noChange', { id: p.id });
  await updatePledge(ctx.db, p.id, patch, now);
  await ctx.audit('pledge.edit', `#${p.id} ${changes.join('; ')}`);
  const updated = (await getPledge(ctx.db, p.id))!;
  ctx.reply(ctx.t('pledges.pledge.edited', { pledge: await describe(ctx, updated, today) }));
}

/** Runs a parsed /pledge. */
export async function runPledge(ctx: Context, cmd: PledgeCommand): Promise<void> {
  const { today } = todayOf(ctx);
  const now = ctx.now();
  switch (cmd.action) {
    case 'create':
      return createCmd(ctx, cmd);
    case 'edit':
      return editCmd(ctx, cmd);
    case 'withdraw': {
      const p = await manageable(ctx, cmd.id, today);
      await updatePledge(ctx.db, p.id, { status: 'withdrawn', closeNote: cmd.reason }, now);
      await ctx.audit('pledge.withdraw', `#${p.id}${cmd.reason ? ` ${cmd.reason}` : ''}`);
      const names = await namesFor(ctx, [p]);
      ctx.reply(ctx.t('pledges.pledge.withdrawn', { title: titleLine(ctx.t, p, names) }));
      return;
    }
    case 'done': {
      const p = await manageable(ctx, cmd.id, today);
      if (p.target !== null && p.progress < p.target) {
        throw new UserError('pledges.error.belowTarget', { id: p.id, progress: p.progress, target: `${p.target}${p.unitWord}` });
      }
      await updatePledge(ctx.db, p.id, { status: 'done' }, now);
      await ctx.audit('pledge.done', `#${p.id}`);
      const updated = (await getPledge(ctx.db, p.id))!;
      ctx.reply(ctx.t('pledges.pledge.done', { pledge: await describe(ctx, updated, today) }));
      return;
    }
  }
}

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
