/**
 * /report and /export: shared commands that several features contribute to. Each feature that
 * has something to report implements `Feature.reportSections` (text lines, optionally a CSV) and,
 * for items shown as `#N`, `Feature.exportById`; this slice owns neither data nor tables, it only
 * asks every feature in registration order and puts the answers together.
 *
 * Forms: `/report [单位] [年份]` — every section's text for a unit (a township includes its
 * branches), this year by default. `/export [#N]` — the CSV of item N (a poll); `/export [部分]
 * [单位] [年份]` — the CSV of one section (e.g. `/export 承诺`), or of every section with a CSV.
 * Secretaries report on their own unit; admins on any. One command a file in `commands/`.
 */
import type { Feature } from '../../bot/feature.ts';
import type { CommandRegistry } from '../../bot/registry.ts';
import type { Logger } from '../../logger.ts';
import { exportCommand } from './commands/export.ts';
import { reportCommand } from './commands/report.ts';
import { CSV_RENDERER, renderCsvFile } from './csv.ts';
import { reportJobs } from './jobs.ts';

/**
 * Builds the /report and /export commands (`registry` is read lazily: it lists every feature),
 * and, with `dataDir`, the daily removal of exported files older than 30 days.
 */
export function reportFeature(registry: () => CommandRegistry, options: { dataDir?: string; logger?: Logger } = {}): Feature {
  return {
    name: 'report',
    commands: [reportCommand(registry), exportCommand(registry)],
    renderers: { [CSV_RENDERER]: renderCsvFile },
    jobs: reportJobs(options),
  };
}
