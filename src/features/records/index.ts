/**
 * The records slice (会议记录与台账): minutes of typed meetings (三会一课, 主题党日, 组织生活会 …) and
 * the yearly 台账 against the frequencies of `prompts/meeting-kinds.yaml`.
 *
 * Commands (spec: minutes / 纪要, ledger / 台账), one a file in `commands/`:
 * - `/minutes #N [日期] 议题：… 决议：… [主持人：…] [记录人：…]` (the unit's secretary, admins) and
 *   `/minutes #N [日期]` to read them (the unit's members) — commands/minutes.ts;
 * - `/ledger [年份] [导出]`, `/ledger 频次 类型 每月|每季度|每年|不要求` (admins) — commands/ledger.ts.
 *
 * The pure rules (sections of minutes, ledger periods and what a period shows) are in rules.ts.
 * /report gains a section with the ledger's completeness (held with minutes ÷ required so far).
 */
import type { Feature } from '../../bot/feature.ts';
import type { FeatureServices } from '../index.ts';
import { loadMeetingKinds } from '../meetings/api.ts';
import { ledgerCommand } from './commands/ledger.ts';
import { minutesCommand } from './commands/minutes.ts';
import { recordsJobs } from './jobs.ts';
import { claimForMinutes } from './later-evidence.ts';
import { PAGE_RENDERER, renderPageMessage } from './page.ts';
import { recordsReport } from './report.ts';

/** Builds the records feature; reads and checks the meeting kinds once. */
export function recordsFeature(services: Pick<FeatureServices, 'config' | 'promptsDir'>): Feature {
  const kinds = loadMeetingKinds(services.promptsDir, services.config.BOT_LOCALE);
  const dataDir = services.config.BOT_DATA_DIR;
  return {
    name: 'records',
    commands: [minutesCommand(dataDir), ledgerCommand(kinds)],
    claimAttachments: (ctx, attachments) => claimForMinutes(ctx, attachments, dataDir),
    renderers: { [PAGE_RENDERER]: renderPageMessage },
    jobs: recordsJobs(kinds),
    reportSections: (ctx, scope) => recordsReport(ctx, scope, kinds),
  };
}
