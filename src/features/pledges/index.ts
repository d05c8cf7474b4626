/**
 * Pledges (双承诺, 党员先锋岗): members, branches and the township committee pledge targets for the
 * year; check-ins (打卡) move them; /pledges shows progress bars, overdue marks and the township's
 * roll-up; reminders escalate from a private nudge to a group mention to the secretary; the
 * year-end public report (公示) comes out in /report and /export.
 *
 * Command forms (see `prompts/zh-CN/pledges.yaml` for the usage texts):
 * - `/pledge 内容 [目标N[单位]] [截止YYYY-MM-DD]`; `--支部` (`--branch`, secretary) or `--党委`
 *   (`--township`, admin) pledges for the unit; `/pledge 修改 #N …`, `/pledge 撤回 #N [理由]`,
 *   `/pledge 完成 #N` (edit, withdraw, declare done: owner, the unit's secretary or an admin; audited).
 * - `/checkin [#N] [+K] [说明]` (K defaults to 1; `#N` may be left out with one open pledge; a photo
 *   or file sent with it is kept as evidence); `/checkin 撤销 [#N]` undoes your last check-in today.
 * - `/pledges` this unit, `/pledges 我的`, `/pledges #N`, `/pledges 各支部` (admins: roll-up),
 *   `/pledges 免提醒 @张三 外出务工 [至YYYY-MM-DD]`, `/pledges 恢复提醒 @张三`, `/pledges 免提醒`
 *   (list), `/pledges 提醒 7 [2]` (days before the nudge, days between stages; secretary+).
 */
import { z } from 'zod';
import { argInput } from '../../bot/args.ts';
import type { PromptKey } from '../../bot/prompt-keys.ts';
import { command, UserError, type AnswerClaim, type Context, type Feature, type ReportScope, type ReportSection } from '../../bot/feature.ts';
import type { Role } from '../../bot/types.ts';
import type { Scheduler } from '../../scheduler/contract.ts';
import { runCheckin, runPledge, todayOf } from './actions.ts';
import { isProblem, MAX_PLEDGE_TEXT, parseCheckinArgs, parsePledgeArgs, parsePledgesArgs, type PledgesCommand, type Problem } from './parse.ts';
import { DEFAULT_REMINDER_SETTINGS, runPledgeReminders } from './reminders.ts';
import { buildPledgeReport, checkinRate, pledgeReportLines, pledgeReportRows, reportUnits } from './report.ts';
import { activeExemptions, countCheckinsOfYear, listPledges, reminderSettings, type ReminderSettings } from './store.ts';
import { runPledges } from './views.ts';
import { outcomeOf } from './model.ts';
import { localYear } from './dates.ts';
import { answerWord, CANCEL_WORDS, CONFIRM_WORDS, PendingCheckins } from './confirm.ts';
import { PARTY_MEMBER } from '../../bot/policy.ts';

/** For the scheduler and tests: one round of reminders (see reminders.ts). */
export { runPledgeReminders } from './reminders.ts';
/** For other features (the annual evaluation): a unit's pledge completion (see report.ts). */
export { pledgeCompletion } from './report.ts';

/** The sub-commands of /pledge and /pledges with a role of their own, and the refusal each gives. */
const sub = <K extends string>(name: string, key: K, minRole: Role, refusalKey: PromptKey) => ({
  name,
  minRole,
  // Template literal types: tsc checks `pledges.sub.<key>.summary` is a prompt key.
  summaryKey: `pledges.sub.${key}.summary` as const,
  usageKey: `pledges.sub.${key}.usage` as const,
  refusalKey,
});

/** Which sub-command a parsed /pledges is (undefined: the command itself, open to all). */
function pledgesSubcommand(args: PledgesCommand | Problem): string | undefined {
  if (isProblem(args)) return undefined;
  if (args.action === 'branches') return '各支部';
  if (args.action === 'exemptions' || args.action === 'exempt') return '免提醒';
  if (args.action === 'unexempt') return '恢复提醒';
  return args.action === 'remind' ? '提醒' : undefined;
}

/** Wraps a pure parser as the zod schema of a command: undefined is a usage mistake. */
function schemaOf<T>(parse: (tokens: readonly string[], raw: string) => T | Problem | undefined) {
  return argInput.transform((a, ctx): T | Problem => {
    // Not parsed at all: far longer than any wording or note may be (both MAX_PLEDGE_TEXT).
    if ([...a.text].length > 2000) return { problem: { key: 'pledges.error.textTooLong', vars: { max: MAX_PLEDGE_TEXT } } };
    const r = parse(a.tokens, a.raw);
    if (r === undefined) {
      ctx.addIssue({ code: 'custom', message: 'usage' });
      return z.NEVER;
    }
    return r;
  });
}

/** Throws the parser's specific refusal, if it made one. */
function refuseProblem<T>(r: T | Problem): T {
  if (isProblem(r)) throw new UserError(r.problem.key, r.problem.vars);
  return r;
}

/** How the pledges feature is set up. */
export interface PledgesOptions {
  /** Reminder settings of units that have not set their own (default 7 days, then 2 between stages). */
  readonly reminders?: ReminderSettings;
  /** When the daily reminder job runs (5-field cron in the org time zone; default 09:00). */
  readonly reminderCron?: string;
  /** Most pledges one /pledges list shows (default 50). */
  readonly maxListed?: number;
}

/** The job name of the daily reminders in the scheduler. */
export const REMINDER_JOB = 'pledges.reminders';

/** This feature's /report section (text with the check-in rate and the 公示; CSV of every pledge). */
async function reportSections(ctx: Context, scope: ReportScope, defaults: ReminderSettings): Promise<ReportSection[]> {
  const { today } = todayOf(ctx);
  const year = localYear(scope.from, ctx.timeZone);
  const report = await buildPledgeReport(ctx.db, { unitId: scope.unitId, year, today, t: ctx.t });
  const unitIds = (await reportUnits(ctx.db, scope.unitId)).map((u) => u.id);
  const days = (await reminderSettings(ctx.db, [scope.unitId], defaults)).get(scope.unitId)!.staleDays;
  const lines: string[] = [];
  if (year === localYear(ctx.now(), ctx.timeZone)) {
    const rate = await checkinRate(ctx.db, { unitIds, year, today, timeZone: ctx.timeZone, days });
    if (rate.members > 0) lines.push(ctx.t('pledges.report.rate', { active: rate.active, members: rate.members, days: rate.days, percent: Math.floor((rate.active * 100) / rate.members) }));
  }
  lines.push(...pledgeReportLines(ctx.t, report));
  return [
    {
      title: ctx.t('pledges.report.section', { year }),
      lines,
      export: { key: 'pledges', aliases: ['承诺', '承诺践诺', '公示', 'pledge'], fileName: `pledges-${year}-${scope.unitName}`, rows: pledgeReportRows(ctx.t, report) },
    },
  ];
}

/** Lines for /whoami: open and done pledges this year, check-ins this year, an exemption. */
async function profileLines(ctx: Context): Promise<string[]> {
  const { today, year } = todayOf(ctx);
  const pledges = (await listPledges(ctx.db, { ownerId: ctx.member.id, scopes: ['member'], year })).filter((p) => p.status !== 'withdrawn');
  const lines: string[] = [];
  if (pledges.length) {
    const done = pledges.filter((p) => outcomeOf(p) === 'done').length;
    lines.push(ctx.t('pledges.profile.line', { count: pledges.length, done, checkins: await countCheckinsOfYear(ctx.db, ctx.member.id, year) }));
  }
  const exemption = (await activeExemptions(ctx.db, today, [ctx.member.id])).get(ctx.member.id);
  if (exemption) lines.push(ctx.t('pledges.profile.exempt', { reason: exemption.reason }));
  return lines;
}

/** A bare `确认` or `取消` answers the member's waiting far check-in (confirm.ts). */
async function claimConfirmation(ctx: Context, text: string, pending: PendingCheckins): Promise<AnswerClaim[]> {
  const word = answerWord(text);
  const confirm = CONFIRM_WORDS.has(word);
  if (!confirm && !CANCEL_WORDS.has(word)) return [];
  const waiting = pending.peek(ctx.member.id, ctx.now());
  if (!waiting) return [];
  const command = `/checkin #${waiting.id} +${waiting.amount}${waiting.note ? ` ${waiting.note}` : ''} 确认`;
  const run = async () => {
    if (confirm) return runCheckin(ctx, { ...waiting, note: waiting.note ? `${waiting.note} 确认` : '确认' }, pending);
    pending.drop(ctx.member.id);
    ctx.reply(ctx.t('pledges.checkin.cancelled', { id: waiting.id }));
  };
  return [{ kind: 'awaiting', label: ctx.t('pledges.checkin.claimLabel', { id: waiting.id }), command, run }];
}

/** Builds the pledges feature. */
export function pledgesFeature(options: PledgesOptions = {}): Feature {
  const defaults = options.reminders ?? DEFAULT_REMINDER_SETTINGS;
  const viewOptions = { maxListed: options.maxListed ?? 50, defaults };
  const pending = new PendingCheckins();
  return {
    name: 'pledges',
    commands: [
      command({
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
      }),
      command({
        name: 'checkin',
        aliases: ['打卡'],
        minRole: PARTY_MEMBER,
        summaryKey: 'pledges.checkin.summary',
        usageKey: 'pledges.checkin.usage',
        args: schemaOf(parseCheckinArgs),
        handler: async (ctx, args) => runCheckin(ctx, refuseProblem(args), pending),
      }),
      command({
        name: 'pledges',
        aliases: ['承诺榜'],
        minRole: 'masses',
        summaryKey: 'pledges.pledges.summary',
        usageKey: 'pledges.pledges.usage',
        args: schemaOf(parsePledgesArgs),
        handler: async (ctx, args) => runPledges(ctx, refuseProblem(args), viewOptions),
        subcommands: [
          sub('各支部', 'branches', 'admin', 'pledges.error.adminOnly'),
          sub('免提醒', 'exempt', 'secretary', 'pledges.error.secretaryOnly'),
          sub('恢复提醒', 'unexempt', 'secretary', 'pledges.error.secretaryOnly'),
          sub('提醒', 'remind', 'secretary', 'pledges.error.secretaryOnly'),
        ],
        subcommandOf: pledgesSubcommand,
      }),
    ],
    profileLines,
    claimAnswer: (ctx, text) => claimConfirmation(ctx, text, pending),
    reportSections: (ctx, scope) => reportSections(ctx, scope, defaults),
    jobs: (scheduler: Scheduler) => {
      scheduler.cron(REMINDER_JOB, options.reminderCron ?? '0 9 * * *', async (job) => {
        await runPledgeReminders(job, defaults);
      }, { reportMissed: false });
    },
  };
}
