// Issue 17, "Shorter, plainer, Chinese": every reply key rendered in both locales with sample
// values. No English command word in a zh-CN reply, no `undefined`, no raw key or placeholder left,
// and the first line of every usage-error reply at most 60 characters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/clock.ts';
import { loadPrompts, placeholdersOf, translator } from '../../src/bot/i18n.ts';
import { usageReply } from '../../src/bot/usage.ts';
import { freshSqlite } from '../support/db.ts';

type Db = Awaited<ReturnType<typeof freshSqlite>>;
let app: App;
let db: Db;
beforeAll(async () => {
  db = await freshSqlite();
  app = createApp({ config: loadConfig({ DATABASE_URL: db.url }), database: db, adapters: [], logger: pino({ level: 'silent' }), clock: new ManualClock('2026-11-26T02:00:00Z') });
});
afterAll(async () => {
  await db.close();
});

/** The English words the issue lists, which a Chinese reply must not advertise. */
const ENGLISH_WORDS = /(?<![A-Za-z/])(?:on\|off|accept|done|decline|check|yes\|no|\[yes|secretary|member|masses)(?![A-Za-z])/;

/** A sample value for a placeholder: a number for counts, text otherwise. */
function sample(name: string): string | number {
  return /^(?:id|count|n|total|max|min|days|points|rank|year|percent|position|members|active|line)$/i.test(name) || /Count$|Days$/.test(name) ? 3 : '张三';
}

describe('every reply key, rendered', () => {
  const prompts = loadPrompts('prompts');
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`${locale}: no undefined, no raw key or placeholder${locale === 'zh-CN' ? ', no English command words' : ''}`, () => {
      const t = translator(prompts, locale);
      const problems: string[] = [];
      for (const [key, template] of prompts.texts[locale]) {
        const vars = Object.fromEntries(placeholdersOf(template).map((name) => [name, sample(name)]));
        const text = t(key, vars);
        if (text === key) problems.push(`${key}: raw key`);
        if (/undefined/.test(text)) problems.push(`${key}: undefined`);
        if (/\{\w+\}/.test(text)) problems.push(`${key}: placeholder left`);
        if (locale === 'zh-CN' && !key.startsWith('console.') && ENGLISH_WORDS.test(text)) problems.push(`${key}: English word in "${text}"`);
      }
      expect(problems).toEqual([]);
    });
  }

  it('the first line of every usage-error reply fits 60 characters, in both locales', () => {
    const problems: string[] = [];
    for (const locale of ['zh-CN', 'en'] as const) {
      const t = translator(prompts, locale);
      for (const spec of app.registry.commands) {
        const first = usageReply(t, spec).split('\n')[0]!;
        if ([...first].length > 60) problems.push(`${locale} ${spec.name}: ${first}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
