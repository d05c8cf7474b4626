import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findKind, loadMeetingKinds } from '../../../src/features/meetings/kinds.ts';

const dirWith = (text: string): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kinds-'));
  writeFileSync(path.join(dir, 'meeting-kinds.yaml'), text);
  return dir;
};

describe('prompts/meeting-kinds.yaml', () => {
  it('gives the rules’ frequencies by default, township meetings as kinds of their own', () => {
    const kinds = loadMeetingKinds(path.resolve('prompts'), 'zh-CN');
    const freq = Object.fromEntries(kinds.map((k) => [k.name, k.frequency]));
    expect(freq).toEqual({
      支部党员大会: 'quarterly', 支委会: 'monthly', 党小组会: 'monthly', 党课: 'quarterly', 主题党日: 'monthly',
      组织生活会: 'yearly', 民主评议: 'yearly', 班子会: 'none', 干部会: 'none', 干群联席会: 'monthly',
    });
    expect(findKind(kinds, '党员大会')?.key).toBe('party-congress');
    expect(findKind(kinds, 'Theme Party day')?.holiday).toBe('move');
    expect(findKind(kinds, '党课')?.note).toBe('地方惯例');
    expect(kinds.filter((k) => k.township).map((k) => k.key)).toEqual(['leadership', 'cadres', 'joint']);
  });

  it('refuses a bad file naming the file and the key', () => {
    const bad = dirWith('lecture:\n  names: [党课]\n  en: Lecture\n  frequency: weekly\n  holiday: keep\n');
    expect(() => loadMeetingKinds(bad, 'zh-CN')).toThrow(/meeting-kinds\.yaml: lecture\.frequency: /);
    const twice = dirWith('a:\n  names: [党课]\n  en: A\n  frequency: monthly\n  holiday: keep\nb:\n  names: [党课]\n  en: B\n  frequency: monthly\n  holiday: keep\n');
    expect(() => loadMeetingKinds(twice, 'zh-CN')).toThrow(/meeting-kinds\.yaml: b\.names: "党课" is also a name of a/);
    expect(() => loadMeetingKinds(dirWith('a: [unclosed'), 'zh-CN')).toThrow(/meeting-kinds\.yaml: /);
  });
});
