/**
 * The records slice (会议记录与台账): minutes of typed meetings (三会一课, 主题党日, 组织生活会 …) and
 * the yearly 台账 against the frequencies of `prompts/meeting-kinds.yaml`.
 *
 * Commands (spec: minutes / 纪要, ledger / 台账):
 * - `/minutes #N [日期] 议题：… 决议：… [主持人：…] [记录人：…]` (the unit's secretary, admins) and
 *   `/minutes #N [日期]` to read them (the unit's members) — see minutes.ts;
 * - `/ledger [年份] [导出]`, `/ledger 频次 类型 每月|每季度|每年|不要求` (admins) — see view.ts.
 *
 * /report gains a section with the ledger's completeness (held with minutes ÷ required so far).
 */
import { command, type Feature } from '../../bot/feature.ts';
import type { FeatureServices } from '../index.ts';
import { loadMeetingKinds } from '../meetings/api.ts';
import { currentYear, unitLedger } from './ledger.ts';
import { minutesArgs, minutesHandler } from './minutes.ts';
import { claimForMinutes } from './later-evidence.ts';
import { ledgerArgs, ledgerHandler } from './view.ts';
import { runRecordReminders } from './reminders.ts';
import { PAGE_RENDERER, renderPageMessage } from './page.ts';
import { PARTY_MEMBER } from '../../bot/policy.ts';

/** The daily job of the secretaries' reminders (09:00 in the org time zone). */
export const REMINDER_JOB = 'records:reminders';

/** Builds the records feature; reads and checks the meeting kinds once. */
export function recordsFeature(services: Pick<FeatureServices, 'config' | 'promptsDir'>): Feature {
  const kinds = loadMeetingKinds(services.promptsDir, services.config.BOT_LOCALE);
  return {
    name: 'records',
    commands: [
      command({
        name: 'minutes',
        aliases: ['纪要', '会议记录'],
        minRole: PARTY_MEMBER,
        summaryKey: 'records.minutes.summary',
        usageKey: 'records.minutes.usage',
        args: minutesArgs,
        handler: (ctx, args) => minutesHandler(ctx, args, services.config.BOT_DATA_DIR),
      }),
      command({
        name: 'ledger',
        aliases: ['台账'],
        minRole: PARTY_MEMBER,
        summaryKey: 'records.ledger.summary',
        usageKey: 'records.ledger.usage',
        args: ledgerArgs,
        handler: (ctx, args) => ledgerHandler(ctx, args, kinds),
      }),
    ],
    claimAttachments: (ctx, attachments) => claimForMinutes(ctx, attachments, services.config.BOT_DATA_DIR),
    renderers: { [PAGE_RENDERER]: renderPageMessage },
    jobs: (scheduler) => {
      scheduler.cron(REMINDER_JOB, '0 9 * * *', (job) => runRecordReminders(job, kinds), { reportMissed: false });
    },
    reportSections: async (ctx, scope) => {
      const l = await unitLedger(ctx.db, scope.unitId, currentYear(scope.from, ctx.timeZone), kinds, ctx.timeZone, scope.to);
      if (l.completeness === null) return [];
      return [
        {
          title: ctx.t('records.report.title'),
          lines: [ctx.t('records.report.line', { held: l.held, required: l.required, rate: `${Math.round(l.completeness * 100)}%` })],
        },
      ];
    },
  };
}
