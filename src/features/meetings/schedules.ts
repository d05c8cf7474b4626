/**
 * The default meeting schedules of `prompts/schedules.yaml` (Sunday leadership meeting, Monday
 * all-cadre meeting, the joint cadre-mass meeting on the 28th), validated at start-up: a bad file
 * stops the bot with the file, the entry and what is wrong.
 */
import path from 'node:path';
import { loadYamlFile } from '../../bot/yaml-file.ts';
import { z } from 'zod';
import { checkCron, restrictsBothDays } from '../../scheduler/cron.ts';

const localized = z.object({ 'zh-CN': z.string().trim().min(1).max(40), en: z.string().trim().min(1).max(80) });

const entrySchema = z.object({
  title: localized,
  names: z.array(z.string().trim().min(1).max(20)).min(1),
  cron: z.string().trim().min(1),
  place: localized,
  remindMinutes: z.number().int().min(0).max(10_080),
  suggestions: z.boolean().default(false),
});

const fileSchema = z.record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'keys are lower-case words, e.g. joint'), entrySchema);

/** One default schedule, in the bot's language. */
export interface DefaultSchedule {
  /** Its key in the file, e.g. `joint`; stored as the meeting's template. */
  readonly key: string;
  readonly title: string;
  /** Names accepted after `/meeting default` (the key and title included). */
  readonly names: readonly string[];
  readonly cron: string;
  readonly place: string;
  readonly remindMinutes: number;
  readonly withSuggestions: boolean;
}

/** The file could not be used; `message` names the file and the entry. */
export class ScheduleFileError extends Error {
  override readonly name = 'ScheduleFileError';
}

/** Reads and validates `schedules.yaml` in `promptsDir` for `locale` (a missing file means no defaults). */
export function loadDefaultSchedules(promptsDir: string, locale: 'zh-CN' | 'en', timeZone: string): DefaultSchedule[] {
  const file = path.join(promptsDir, 'schedules.yaml');
  const data = loadYamlFile(file, fileSchema, (message) => new ScheduleFileError(message));
  if (data === undefined) return [];
  const out: DefaultSchedule[] = [];
  for (const [key, e] of Object.entries(data)) {
    const check = checkCron(e.cron, timeZone, new Date(0));
    if (!check.ok || restrictsBothDays(e.cron)) throw new ScheduleFileError(`${file}: ${key}.cron: "${e.cron}" is not a usable 5-field cron expression`);
    const title = e.title[locale];
    out.push({
      key,
      title,
      names: [...new Set([key, e.title['zh-CN'], e.title.en, ...e.names].map((n) => n.toLowerCase()))],
      cron: check.expression,
      place: e.place[locale],
      remindMinutes: e.remindMinutes,
      withSuggestions: e.suggestions,
    });
  }
  return out;
}

/** The default schedule a person named (`联席会`, `joint`, the full title), or undefined. */
export function findDefaultSchedule(defaults: readonly DefaultSchedule[], name: string): DefaultSchedule | undefined {
  const n = name.trim().toLowerCase();
  return defaults.find((d) => d.names.includes(n));
}
