// docs/commands.md stays true: it has one row for every command and sub-command of the registry,
// with the registry's aliases and lowest role, and no row the registry lacks.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CommandRegistry } from '../../src/bot/registry.ts';
import { loadConfig } from '../../src/config.ts';
import { systemClock } from '../../src/clock.ts';
import { createFeatures } from '../../src/features/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The rows of the doc's command table: path → aliases and role. */
function documented(): Map<string, { aliases: string; role: string }> {
  const text = readFileSync(path.join(ROOT, 'docs', 'commands.md'), 'utf8');
  const table = text.slice(text.indexOf('## Commands'), text.indexOf('## Not built yet'));
  const rows = new Map<string, { aliases: string; role: string }>();
  for (const line of table.split('\n')) {
    const m = /^\| `([^`]+)` \| ([^|]*) \| (\w+) \|/.exec(line);
    if (m) rows.set(m[1]!, { aliases: m[2]!.trim(), role: m[3]! });
  }
  return rows;
}

describe('docs/commands.md', () => {
  it('lists every command and sub-command of the registry with its aliases and lowest role', () => {
    const holder: { registry?: CommandRegistry } = {};
    const features = createFeatures({ config: loadConfig({}), clock: systemClock, logger: pino({ level: 'silent' }), promptsDir: path.join(ROOT, 'prompts'), registry: () => holder.registry! });
    const registry = (holder.registry = new CommandRegistry(features));
    const rows = documented();
    expect(rows.size).toBeGreaterThan(20);
    for (const e of registry.entries) {
      expect(rows.get(e.path), `docs/commands.md row for /${e.path}`).toEqual({ aliases: e.command.aliases.join('、'), role: e.minRole });
    }
    const stale = [...rows.keys()].filter((p) => !registry.entries.some((e) => e.path === p));
    expect(stale, 'rows of commands the registry no longer has').toEqual([]);
  });
});
