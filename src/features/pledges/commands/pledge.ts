/**
 * `/pledge 内容 [目标N[单位]] [截止YYYY-MM-DD]` (`--支部` / `--党委` for the unit), `/pledge 修改 #N …`,
 * `/pledge 撤回 #N [理由]`, `/pledge 完成 #N`: create, edit, withdraw and declare done a pledge.
 * Each handler checks who may act (rules.ts), writes through the store, audits edits, and replies
 * with the pledge's new state. Refusals are `UserError`s, so the router rolls back anything half-done.
 */
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { listUnits } from '../../../bot/roster.ts';
import { actingUnit, PARTY_MEMBER, unitTree } from '../../../bot/policy.ts';
import { todayOf, type IsoDate } from '../dates.ts';
import { isOpen, mayManagePledge, resolveDue, type PledgeView } from '../rules.ts';
import { isProblem, parsePledgeArgs, type PledgeCommand, type PledgeFields } from '../parse.ts';
import { refuseProblem, schemaOf, sub } from '../args.ts';
import { describe, namesFor } from '../names.ts';
import { titleLine } from '../render.ts';
import { countOpenPledges, createPledge, getPledge, listPledges, updatePledge } from '../store.ts';

/** Most open pledges one member may have in a year (a guard against floods, far above real use). */
export const MAX_OPEN_PLEDGES = 20;

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
async function runPledge(ctx: Context, cmd: PledgeCommand): Promise<void> {
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

/** The /pledge command, with its unit forms `--支部` (secretaries) and `--党委` (admins). */
export const pledgeCommand = command({
  name: 'pledge',
  aliases: ['承诺'],
  minRole: PARTY_MEMBER,
  summaryKey: 'pledges.pledge.summary',
  usageKey: 'pledges.pledge.usage',
  args: schemaOf(parsePledgeArgs),
  handler: async (ctx, args) => runPledge(ctx, refuseProblem(args)),
  subcommands: [
    sub('--支部', 'branch', 'secretary', 'pledges.error.branchRole'),
    sub('--党委', 'township', 'admin', 'pledges.error.townshipRole'),
  ],
  subcommandOf: (args) => (!isProblem(args) && args.action === 'create' && args.scope !== 'member' ? (args.scope === 'branch' ? '--支部' : '--党委') : undefined),
});
