/**
 * Meeting kinds (三会一课, 主题党日, 组织生活会, 民主评议 and the township's meetings) with the
 * frequency each is required at and what happens on a statutory holiday, from
 * `prompts/meeting-kinds.yaml`, validated at start-up: a bad file stops the bot naming the file and
 * the key. A unit's admin-set frequency (`MeetingKindRule`) overrides the file's.
 */
import path from 'node:path';
import { loadYamlFile } from '../../bot/yaml-file.ts';
import { z } from 'zod';
import type { Tx } from '../../bot/feature.ts';

/** How often a kind is required: per month, per quarter, per year, or not at all. */
export const FREQUENCIES = ['monthly', 'quarterly', 'yearly', 'none'] as const;
/** One of `FREQUENCIES`. */
export type Frequency = (typeof FREQUENCIES)[number];
/** On a statutory holiday a meeting is kept, skipped, or moved to the next working day. */
export const HOLIDAY_RULES = ['keep', 'skip', 'move'] as const;
/** One of `HOLIDAY_RULES`. */
export type HolidayRule = (typeof HOLIDAY_RULES)[number];

const entrySchema = z.object({
  names: z.array(z.string().trim().min(1).max(20)).min(1),
  en: z.string().trim().min(1).max(60),
  frequency: z.enum(FREQUENCIES),
  holiday: z.enum(HOLIDAY_RULES),
  township: z.boolean().default(false),
  note: z.string().trim().max(40).optional(),
});

const fileSchema = z.record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'keys are lower-case words, e.g. theme-day'), entrySchema);

/** One meeting kind. */
export interface MeetingKind {
  /** Its key in the file, stored on the meeting, e.g. `theme-day`. */
  readonly key: string;
  /** The official name in the bot's language. */
  readonly name: string;
  /** Names accepted after `--kind`, lower-cased. */
  readonly names: readonly string[];
  readonly frequency: Frequency;
  readonly holiday: HolidayRule;
  readonly township: boolean;
  readonly note: string | null;
}

/** The kinds file could not be used; `message` names the file and the key. */
export class KindFileError extends Error {
  override readonly name = 'KindFileError';
}

/** Reads and validates `meeting-kinds.yaml` in `promptsDir` (a missing file means no kinds). */
export function loadMeetingKinds(promptsDir: string, locale: 'zh-CN' | 'en'): MeetingKind[] {
  const file = path.join(promptsDir, 'meeting-kinds.yaml');
  const data = loadYamlFile(file, fileSchema, (message) => new KindFileError(message));
  if (data === undefined) return [];
  const seen = new Map<string, string>();
  return Object.entries(data).map(([key, e]) => {
    const names = [...new Set([key, e.en, ...e.names].map((n) => n.toLowerCase()))];
    for (const n of names) {
      const other = seen.get(n);
      if (other) throw new KindFileError(`${file}: ${key}.names: "${n}" is also a name of ${other}`);
      seen.set(n, key);
    }
    return { key, name: locale === 'en' ? e.en : e.names[0]!, names, frequency: e.frequency, holiday: e.holiday, township: e.township, note: e.note ?? null };
  });
}

/** The kind a person named (`党员大会`, `theme-day`), or undefined. */
export function findKind(kinds: readonly MeetingKind[], name: string): MeetingKind | undefined {
  const n = name.trim().toLowerCase();
  return kinds.find((k) => k.names.includes(n));
}

/** Frequency words accepted by `/ledger 频次`. */
export const FREQUENCY_WORDS: Readonly<Record<string, Frequency>> = {
  每月: 'monthly', 月: 'monthly', monthly: 'monthly',
  每季度: 'quarterly', 每季: 'quarterly', 季度: 'quarterly', quarterly: 'quarterly',
  每年: 'yearly', 年: 'yearly', yearly: 'yearly',
  不要求: 'none', 无: 'none', none: 'none',
};

/** The unit's required frequency of every kind: the file's, with the unit's own rules over it. */
export async function unitFrequencies(db: Tx, unitId: number, kinds: readonly MeetingKind[]): Promise<Map<string, Frequency>> {
  const out = new Map(kinds.map((k) => [k.key, k.frequency] as const));
  for (const r of await db.meetingKindRule.findMany({ where: { unitId } })) {
    const f = z.enum(FREQUENCIES).safeParse(r.frequency);
    if (f.success && out.has(r.kind)) out.set(r.kind, f.data);
  }
  return out;
}

/** Sets a unit's own frequency for one kind. */
export async function setUnitFrequency(db: Tx, r: { unitId: number; kind: string; frequency: Frequency; byId: number; now: Date }): Promise<void> {
  await db.meetingKindRule.upsert({
    where: { unitId_kind: { unitId: r.unitId, kind: r.kind } },
    create: { unitId: r.unitId, kind: r.kind, frequency: r.frequency, setById: r.byId, setAt: r.now },
    update: { frequency: r.frequency, setById: r.byId, setAt: r.now },
  });
}
