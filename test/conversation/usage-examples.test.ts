// Defect 7 of issue 17: the /answer usage was cut off at `例如：/answer` (an unquoted ` #` in YAML
// starts a comment). Every example in every usage text, in both locales, must parse with the
// grammar into its own command, with arguments its schema accepts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/clock.ts';
import { parseMessage } from '../../src/bot/grammar.ts';
import { argTokens } from '../../src/bot/args.ts';
import { loadPrompts } from '../../src/bot/i18n.ts';
import { usageExamples } from '../../src/bot/usage.ts';
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

describe('usage examples', () => {
  it('every usage text has an example, and each example parses into its own command', () => {
    const prompts = loadPrompts('prompts');
    const problems: string[] = [];
    for (const spec of app.registry.commands) {
      for (const locale of ['zh-CN', 'en'] as const) {
        const usage = prompts.texts[locale].get(spec.usageKey) ?? '';
        const examples = usageExamples(usage);
        if (examples.length === 0) problems.push(`${locale} ${spec.usageKey}: no example in "${usage}"`);
        for (const ex of examples) {
          const parsed = parseMessage(ex, { resolve: app.registry.resolve });
          if (parsed.kind !== 'command' || parsed.name !== spec.name) {
            problems.push(`${locale} ${spec.usageKey}: "${ex}" is not /${spec.name}`);
            continue;
          }
          const ok = spec.args.safeParse({ text: parsed.argText, tokens: argTokens(parsed.argText), raw: parsed.rawArgText }).success;
          if (!ok) problems.push(`${locale} ${spec.usageKey}: "${ex}" has arguments /${spec.name} refuses`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
