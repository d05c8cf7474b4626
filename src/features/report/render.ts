/** How /report reads: a header with the unit and year, then each section's title and lines. */
import type { Translate, ReportSection } from '../../bot/feature.ts';

/** The whole /report text for `unit` and `year` (sections with lines only). */
export function reportText(t: Translate, unit: string, year: number, sections: readonly ReportSection[]): string {
  const text = [t('report.report.header', { unit, year })];
  for (const s of sections) text.push('', t('report.report.sectionTitle', { title: s.title }), ...s.lines);
  return text.join('\n');
}
