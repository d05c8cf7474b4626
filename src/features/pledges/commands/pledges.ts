/**
 * `/pledges` and its forms (`我的`, `#N`, `各支部`, `免提醒`, `恢复提醒`, `提醒`): this unit's pledges
 * with progress bars, your own pledges, one pledge in detail, the township's roll-up of branches
 * (share of pledges on track), exemptions from reminders and the unit's reminder settings.
 */
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { listUnits, membersByIds } from '../../../bot/roster.ts';
import { resolvePerson } from '../../../bot/people.ts';
import { actingUnitIn, hasRole, managesUnit, seesPublicItemsOf, unitTree } from '../../../bot/policy.ts';
import { localDate, todayOf } from '../dates.ts';
import { isOnTrack, isOpen, outcomeOf, type PledgeView } from '../rules.ts';
import { isProblem, type PledgesCommand, type Problem } from '../parse.ts';
import { parsePledgesArgs } from '../parse-pledges.ts';
import { refuseProblem, schemaOf, sub } from '../args.ts';
import { namesFor } from '../names.ts';
import { clip, dayOf, percent, pledgeBlock, progressLine, shareBar, shortDate, titleLine } from '../render.ts';
import {
  activeExemptions,
  endExemption,
  listPledges,
  recentCheckins,
  reminderSettings,
  saveReminderSettings,
  setExemption,
  type ReminderSettings,
} from '../store.ts';
import { settingOn } from '../../settings/api.ts';

/** How the views behave. */
export interface ViewOptions {
  /** Most pledges one list shows (the rest are counted). */
  readonly maxListed: number;
  /** Reminder settings of units that have none. */
  readonly defaults: ReminderSettings;
}

/** Pledges shown by /pledges: this year's (and later ones), not withdrawn. */
function visible(p: PledgeView, year: number): boolean {
  return p.status !== 'withdrawn' && p.year >= year;
}

/** The township a roll-up is about: this chat's unit if it is one, else the first township. */
async function townshipOf(ctx: Context): Promise<{ id: number; name: string } | undefined> {
  const units = await listUnits(ctx.db);
  const here = units.find((u) => u.id === ctx.unitId);
  return (here?.kind === 'township' ? here : undefined) ?? units.find((u) => u.id === here?.parentId) ?? units.find((u) => u.kind === 'township');
}

/** The roll-up lines: per branch under the township, pledges on track out of all (this year). */
async function rollupLines(ctx: Context, opts: ViewOptions): Promise<string[]> {
  const township = await townshipOf(ctx);
  if (!township) throw new UserError('pledges.error.noTownship');
  const { today, year } = todayOf(ctx);
  const branches = (await listUnits(ctx.db)).filter((u) => u.parentId === township.id && u.kind === 'branch').sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  if (branches.length === 0) return [ctx.t('pledges.rollup.noBranches', { township: township.name })];
  const pledges = (await listPledges(ctx.db, { unitIds: branches.map((b) => b.id), year, statuses: ['open', 'done'] }));
  const settings = await reminderSettings(ctx.db, branches.map((b) => b.id), opts.defaults);
  const lines = [ctx.t('pledges.rollup.header', { township: township.name, year })];
  let allOn = 0;
  for (const b of branches) {
    const mine = pledges.filter((p) => p.unitId === b.id);
    if (mine.length === 0) {
      lines.push(ctx.t('pledges.rollup.emptyLine', { branch: b.name }));
      continue;
    }
    const stale = (settings.get(b.id) ?? opts.defaults).staleDays;
    const on = mine.filter((p) => isOnTrack(p, today, ctx.timeZone, stale)).length;
    allOn += on;
    lines.push(ctx.t('pledges.rollup.line', { branch: b.name, bar: shareBar(on, mine.length), on, total: mine.length, percent: percent(on, mine.length) }));
  }
  lines.push(ctx.t('pledges.rollup.total', { on: allOn, total: pledges.length, percent: percent(allOn, pledges.length) }));
  return lines;
}

/** Finds the one member a secretary names (`@张三`), in the units they manage (admins: anywhere). */
async function namedMember(ctx: Context, name: string) {
  const units = await unitTree(ctx.db);
  let found;
  try {
    found = (await resolvePerson(ctx, name, null)).member;
  } catch (err) {
    if (err instanceof UserError && err.key === 'core.people.noPerson') throw new UserError('pledges.error.memberNotFound', { name });
    throw err;
  }
  if (!managesUnit(ctx.member, found.unitId, units)) throw new UserError('pledges.error.memberNotFound', { name });
  return found;
}

/** /pledges: this unit's pledges (and, for an admin in the township's chat, the roll-up). */
async function listView(ctx: Context, opts: ViewOptions): Promise<void> {
  const { today, year } = todayOf(ctx);
  if (ctx.unitId === null) throw new UserError('pledges.error.noUnit');
  const units = await listUnits(ctx.db);
  const unit = units.find((u) => u.id === ctx.unitId);
  const pledges = (await listPledges(ctx.db, { unitIds: [ctx.unitId] })).filter((p) => visible(p, year));
  const lines: string[] = [];
  if (pledges.length === 0) lines.push(ctx.t('pledges.list.empty', { unit: unit?.name ?? '' }));
  else {
    const names = await namesFor(ctx, pledges);
    const done = pledges.filter((p) => outcomeOf(p) === 'done').length;
    lines.push(ctx.t('pledges.list.header', { unit: unit?.name ?? '', year, count: pledges.length, done }));
    for (const p of pledges.slice(0, opts.maxListed)) lines.push(pledgeBlock(ctx.t, p, names, today));
    if (pledges.length > opts.maxListed) lines.push(ctx.t('pledges.list.more', { count: pledges.length - opts.maxListed }));
  }
  if (unit?.kind === 'township' && hasRole(ctx.member, 'admin')) lines.push('', ...(await rollupLines(ctx, opts)));
  else lines.push(ctx.t('pledges.list.footer'));
  ctx.reply(lines.join('\n'));
}

/** /pledges 我的: your own pledges and any exemption. */
async function mineView(ctx: Context): Promise<void> {
  const { today, year } = todayOf(ctx);
  const pledges = (await listPledges(ctx.db, { ownerId: ctx.member.id, scopes: ['member'] })).filter((p) => visible(p, year));
  const exemption = (await activeExemptions(ctx.db, today, [ctx.member.id])).get(ctx.member.id);
  const lines: string[] = [];
  if (pledges.length === 0) lines.push(ctx.t('pledges.mine.empty'));
  else {
    const names = await namesFor(ctx, pledges);
    lines.push(ctx.t('pledges.mine.header', { count: pledges.length }));
    for (const p of pledges) {
      lines.push(pledgeBlock(ctx.t, p, names, today));
      if (isOpen(p, today)) lines.push(`  ${ctx.t('pledges.mine.last', { date: dayOf(ctx.t, p.lastCheckinAt, ctx.timeZone, today) })}`);
    }
  }
  if (exemption) {
    lines.push(ctx.t('pledges.mine.exempt', { reason: exemption.reason, until: exemption.untilDate ?? ctx.t('pledges.exempt.untilLifted') }));
  }
  ctx.reply(lines.join('\n'));
}

/** /pledges #N: one pledge with its latest check-ins. */
async function detailView(ctx: Context, cmd: PledgesCommand & { action: 'detail' }): Promise<void> {
  const { today } = todayOf(ctx);
  const p = (await listPledges(ctx.db, { ids: [cmd.id] }))[0];
  if (!p || !seesPublicItemsOf(ctx.member, p.unitId, await unitTree(ctx.db))) throw new UserError('pledges.error.notFound', { id: cmd.id });
  const names = await namesFor(ctx, [p]);
  const lines = [titleLine(ctx.t, p, names, true), `  ${progressLine(ctx.t, p, today)}`];
  lines.push(ctx.t('pledges.detail.made', { date: localDate(p.createdAt, ctx.timeZone), unit: names.units.get(p.unitId)?.name ?? '?', year: p.year }));
  if (p.status === 'withdrawn' && p.closeNote) lines.push(ctx.t('pledges.detail.reason', { reason: clip(p.closeNote, 60) }));
  const recent = await recentCheckins(ctx.db, p.id, 5);
  const who = await membersByIds(ctx.db, recent.map((c) => c.memberId));
  if (recent.length) lines.push(ctx.t('pledges.detail.recent', { count: p.checkins }));
  for (const c of recent) {
    lines.push(
      ctx.t('pledges.detail.checkin', {
        date: shortDate(c.localDay, today),
        name: who.get(c.memberId)?.name ?? '?',
        amount: c.amount,
        note: c.note ? ` ${clip(c.note, 40)}` : '',
        evidence: c.evidenceCount ? ctx.t('pledges.detail.evidence', { count: c.evidenceCount }) : '',
      }),
    );
  }
  ctx.reply(lines.join('\n'));
}

/** /pledges 免提醒: who is exempt from reminders in the unit the speaker acts for. */
async function exemptionsView(ctx: Context): Promise<void> {
  const { today } = todayOf(ctx);
  const unitId = await actingUnitIn(ctx.db, ctx.member, ctx.unitId);
  const all = await activeExemptions(ctx.db, today);
  const people = await membersByIds(ctx.db, [...all.keys()]);
  const shown = [...all.values()].filter((e) => unitId === null || people.get(e.memberId)?.unitId === unitId);
  if (shown.length === 0) return ctx.reply(ctx.t('pledges.exempt.none'));
  const lines = [ctx.t('pledges.exempt.header', { count: shown.length })];
  for (const e of shown) {
    lines.push(ctx.t('pledges.exempt.line', { name: people.get(e.memberId)?.name ?? '?', reason: e.reason, until: e.untilDate ?? ctx.t('pledges.exempt.untilLifted') }));
  }
  ctx.reply(lines.join('\n'));
}

/** Runs a parsed /pledges. */
async function runPledges(ctx: Context, cmd: PledgesCommand, opts: ViewOptions): Promise<void> {
  const { today } = todayOf(ctx);
  const now = ctx.now();
  switch (cmd.action) {
    case 'list':
      return listView(ctx, opts);
    case 'mine':
      return mineView(ctx);
    case 'detail':
      return detailView(ctx, cmd);
    case 'branches': {
      ctx.reply((await rollupLines(ctx, opts)).join('\n'));
      return;
    }
    case 'exemptions':
      return exemptionsView(ctx);
    case 'exempt': {
      const m = await namedMember(ctx, cmd.name);
      if (cmd.until !== undefined && cmd.until < today) throw new UserError('pledges.error.untilPast', { date: cmd.until });
      await setExemption(ctx.db, { memberId: m.id, reason: cmd.reason, untilDate: cmd.until ?? null, setById: ctx.member.id }, now);
      await ctx.audit('pledge.exempt', `member ${m.id} ${cmd.reason} until ${cmd.until ?? '-'}`);
      ctx.reply(ctx.t('pledges.exempt.set', { name: m.name, reason: cmd.reason, until: cmd.until ?? ctx.t('pledges.exempt.untilLifted') }));
      return;
    }
    case 'unexempt': {
      const m = await namedMember(ctx, cmd.name);
      if ((await endExemption(ctx.db, m.id, today, now)) === 0) throw new UserError('pledges.error.notExempt', { name: m.name });
      await ctx.audit('pledge.unexempt', `member ${m.id}`);
      ctx.reply(ctx.t('pledges.exempt.lifted', { name: m.name }));
      return;
    }
    case 'remindSettings':
    case 'remind': {
      const unitId = await actingUnitIn(ctx.db, ctx.member, ctx.unitId);
      if (unitId === null) throw new UserError('pledges.error.noUnit');
      const current = (await reminderSettings(ctx.db, [unitId], opts.defaults)).get(unitId)!;
      let s = current;
      if (cmd.action === 'remind') {
          s = { staleDays: cmd.staleDays, escalateDays: cmd.escalateDays ?? current.escalateDays };
        await saveReminderSettings(ctx.db, unitId, s, ctx.member.id, now);
        await ctx.audit('pledge.remind', `unit ${unitId} stale ${s.staleDays} escalate ${s.escalateDays}`);
      }
      const inGroup = await settingOn(ctx.db, unitId, 'groupReminders');
      const group = ctx.t(inGroup ? 'pledges.remind.groupStep' : 'pledges.remind.noGroupStep', { escalate: s.escalateDays });
      ctx.reply(ctx.t(cmd.action === 'remind' ? 'pledges.remind.saved' : 'pledges.remind.current', { stale: s.staleDays, escalate: s.escalateDays, group }));
      return;
    }
  }
}

/** Which sub-command a parsed /pledges is (undefined: the command itself, open to all). */
function pledgesSubcommand(args: PledgesCommand | Problem): string | undefined {
  if (isProblem(args)) return undefined;
  if (args.action === 'branches') return '各支部';
  if (args.action === 'exemptions' || args.action === 'exempt') return '免提醒';
  if (args.action === 'unexempt') return '恢复提醒';
  return args.action === 'remind' ? '提醒' : undefined;
}

/** The /pledges command and its sub-commands with a role of their own. */
export function pledgesCommand(opts: ViewOptions) {
  return command({
    name: 'pledges',
    aliases: ['承诺榜'],
    minRole: 'masses',
    summaryKey: 'pledges.pledges.summary',
    usageKey: 'pledges.pledges.usage',
    args: schemaOf(parsePledgesArgs),
    handler: async (ctx, args) => runPledges(ctx, refuseProblem(args), opts),
    subcommands: [
      sub('各支部', 'branches', 'admin', 'pledges.error.adminOnly'),
      sub('免提醒', 'exempt', 'secretary', 'pledges.error.secretaryOnly'),
      sub('恢复提醒', 'unexempt', 'secretary', 'pledges.error.secretaryOnly'),
      sub('提醒', 'remind', 'secretary', 'pledges.error.secretaryOnly'),
    ],
    subcommandOf: pledgesSubcommand,
  });
}
