import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PromptError,
  formatProblem,
  loadPrompts,
  parsePrompts,
  placeholdersOf,
  translator,
  type Prompts,
} from '../../src/bot/i18n.ts';
import { ROLES } from '../../src/bot/types.ts';

const PROJECT_PROMPTS = path.resolve(import.meta.dirname, '../../prompts');

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** Writes a prompts folder from `relative path → content` and returns its path. */
function promptsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xianfeng-prompts-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const ZH = ['whoami:', '  line: "{name}：{points} 分"', 'role:', '  admin: 管理员', ''].join('\n');
const EN = ['whoami:', '  line: "{name}: {points} points"', 'role:', '  admin: admin', ''].join('\n');

/** The problems `loadPrompts` reports for a folder, formatted one per line. */
function problemsOf(files: Record<string, string>): { dir: string; lines: string[] } {
  const dir = promptsDir(files);
  try {
    loadPrompts(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(PromptError);
    return { dir, lines: (err as PromptError).problems.map(formatProblem) };
  }
  throw new Error('expected a PromptError');
}

describe('loadPrompts', () => {
  it('loads nested keys as <namespace>.<key> and ignores quizzes and non-locale files', () => {
    const dir = promptsDir({
      'zh-CN/core.yaml': ZH,
      'en/core.yaml': EN,
      'quizzes/bank.yaml': 'this: [is: not, valid',
      'fr/core.yaml': 'x: 1',
      'README.md': '# notes',
      'meetings.yaml': '- not a prompt file',
      'zh-CN/notes.txt': 'ignored',
    });
    const p = loadPrompts(dir);
    expect([...p.texts['zh-CN'].keys()].sort()).toEqual(['core.role.admin', 'core.whoami.line']);
    expect(p.texts.en.get('core.whoami.line')).toBe('{name}: {points} points');
  });

  it('reports a YAML syntax error with file and line', () => {
    const { dir, lines } = problemsOf({
      'zh-CN/core.yaml': ZH,
      'en/core.yaml': ['whoami:', '  line: "{name}: {points}', 'role:', '  admin: admin'].join('\n'),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${escape(path.join(dir, 'en', 'core.yaml'))} \\(line \\d+\\): YAML syntax error: `));
  });

  it('reports a duplicate key as a YAML error', () => {
    const { dir, lines } = problemsOf({
      'zh-CN/core.yaml': ZH + 'role:\n  member: 党员\n',
      'en/core.yaml': EN,
    });
    expect(lines[0]).toContain(`${path.join(dir, 'zh-CN', 'core.yaml')} (line 5): YAML syntax error`);
    expect(lines[0]).toMatch(/unique/i);
  });

  it('reports a placeholder missing in en, naming file, key and line', () => {
    const { dir, lines } = problemsOf({
      'zh-CN/core.yaml': ZH,
      'en/core.yaml': EN.replace('{points} points', 'some points'),
    });
    expect(lines).toEqual([
      `${path.join(dir, 'en', 'core.yaml')}: key core.whoami.line (line 2): placeholder {points} missing (zh-CN has it)`,
    ]);
  });

  it('reports a placeholder that only en has', () => {
    const { dir, lines } = problemsOf({
      'zh-CN/core.yaml': ZH,
      'en/core.yaml': EN.replace('admin: admin', 'admin: admin {unit}'),
    });
    expect(lines).toEqual([`${path.join(dir, 'en', 'core.yaml')}: key core.role.admin (line 4): placeholder {unit} is not in zh-CN`]);
  });

  it('reports keys missing in either locale, pointing at the other', () => {
    const { dir, lines } = problemsOf({
      'zh-CN/core.yaml': ZH + 'help:\n  footer: 发送 /help\n',
      'en/core.yaml': EN + 'extra:\n  only: English only\n',
    });
    const zh = path.join(dir, 'zh-CN', 'core.yaml');
    const en = path.join(dir, 'en', 'core.yaml');
    expect(lines).toEqual([
      `${en}: key core.help.footer: missing (zh-CN has it: ${zh} line 6)`,
      `${zh}: key core.extra.only: missing (en has it: ${en} line 6)`,
    ]);
  });

  it('reports a namespace file that exists in one locale only', () => {
    const { dir, lines } = problemsOf({
      'zh-CN/core.yaml': ZH,
      'en/core.yaml': EN,
      'zh-CN/pledges.yaml': 'created: 已创建承诺 #{id}\n',
    });
    expect(lines).toEqual([`${path.join(dir, 'en', 'pledges.yaml')}: file missing (zh-CN has ${path.join(dir, 'zh-CN', 'pledges.yaml')})`]);
  });

  it('reports values that are not non-empty text, and bad key names', () => {
    const { dir, lines } = problemsOf({
      'zh-CN/core.yaml': ZH + ['count: 5', 'empty:', 'blank: "   "', 'list:', '  - a', 'bad key: x', ''].join('\n'),
      // en is fine; the broken zh-CN keys must not cause follow-on "missing" reports.
      'en/core.yaml': EN + ['count: "5"', 'empty: e', 'blank: b', 'list: l', ''].join('\n'),
    });
    const zh = path.join(dir, 'zh-CN', 'core.yaml');
    expect(lines).toEqual([
      `${zh}: key core.count (line 5): must be text, not a number (put it in quotes)`,
      `${zh}: key core.empty (line 6): is empty`,
      `${zh}: key core.blank (line 7): is empty`,
      `${zh}: key core.list (line 8): is a list; expected a text or a map of keys`,
      `${zh}: key core.bad key (line 10): key names use only letters, digits, _ and - (no dots or spaces)`,
    ]);
  });

  it('reports a missing locale folder and a missing prompts folder', () => {
    const { dir, lines } = problemsOf({ 'zh-CN/core.yaml': ZH });
    expect(lines).toEqual([`${path.join(dir, 'en')}: locale folder missing (every locale needs the same prompt files)`]);
    expect(() => loadPrompts(path.join(dir, 'nowhere'))).toThrow(/prompts folder not found/);
  });

  it('lists every problem in one error message, one per line', () => {
    const dir = promptsDir({
      'zh-CN/core.yaml': ZH + 'a: x\nb: y\n',
      'en/core.yaml': EN,
    });
    expect(() => loadPrompts(dir)).toThrow(/^2 problems in the prompts:\n.*core\.a.*\n.*core\.b/);
  });

  it('loads the real prompts folder clean, with every core key in both locales', () => {
    // Load time is measured by the benchmarks, not asserted here (a timed unit test is flaky on a busy machine).
    const p: Prompts = loadPrompts(PROJECT_PROMPTS);
    for (const locale of ['zh-CN', 'en'] as const) {
      const t = translator(p, locale, { strict: true });
      for (const role of ROLES) expect(t(`core.role.${role}`)).not.toBe('');
      for (const c of ['help', 'whoami', 'setrole', 'bindchat']) {
        expect(t(`core.${c}.summary`)).not.toBe('');
        expect(t(`core.${c}.usage`)).toContain(locale === 'zh-CN' ? '例如' : 'e.g.');
        expect(t(`core.${c}.usage`)).toContain(`/${c}`);
      }
      expect(t('core.error.example', { example: '/x' })).toContain('/x');
      expect(t('core.error.unknown', { word: 'foo' })).toContain('foo');
      expect(t('core.error.forbidden', { roles: 'R' })).toContain('R');
      expect(t('core.error.notBound')).toContain('/bindchat');
      expect(t('core.whoami.points', { points: 12 })).toContain('12');
      expect(t('core.whoami.streak', { days: 3 })).toContain('3');
      expect(t('core.listSeparator').trim()).not.toBe('');
    }
    expect(translator(p, 'zh-CN', { strict: true })('core.role.secretary')).toBe('书记');
  });
});

describe('parsePrompts', () => {
  it('works on in-memory sources (no files)', () => {
    const p = parsePrompts([
      { file: 'zh-CN/x.yaml', locale: 'zh-CN', namespace: 'x', text: 'a:\n  b: 你好 {name}\n' },
      { file: 'en/x.yaml', locale: 'en', namespace: 'x', text: 'a:\n  b: hello {name}\n' },
    ]);
    expect(p.texts.en.get('x.a.b')).toBe('hello {name}');
  });

  it('rejects a file name that is not a plain namespace', () => {
    expect(() =>
      parsePrompts([
        { file: 'zh-CN/a.b.yaml', locale: 'zh-CN', namespace: 'a.b', text: 'k: v' },
        { file: 'en/a.b.yaml', locale: 'en', namespace: 'a.b', text: 'k: v' },
      ]),
    ).toThrow(/zh-CN\/a\.b\.yaml: file name: key names use only/);
  });
});

describe('translator', () => {
  const prompts: Prompts = {
    texts: {
      'zh-CN': new Map([
        ['core.hi', '你好，{name}！你有 {points} 分。'],
        ['core.plain', '没有占位符'],
        ['core.literal', '用法：{0} 和 { name } 是原样文字'],
      ]),
      en: new Map([['core.hi', 'Hello, {name}! You have {points} points.']]),
    },
  };

  it('fills placeholders, numbers included, and ignores extra variables', () => {
    const t = translator(prompts, 'zh-CN', { strict: true });
    expect(t('core.hi', { name: '张三', points: 12, extra: 'x' })).toBe('你好，张三！你有 12 分。');
    expect(t('core.plain')).toBe('没有占位符');
    expect(t('core.literal')).toBe('用法：{0} 和 { name } 是原样文字');
    expect(translator(prompts, 'en', { strict: true })('core.hi', { name: 'Li', points: 0 })).toBe('Hello, Li! You have 0 points.');
  });

  it('does not re-expand a value that looks like a placeholder', () => {
    const t = translator(prompts, 'zh-CN', { strict: true });
    expect(t('core.hi', { name: '{points}', points: 1 })).toBe('你好，{points}！你有 1 分。');
  });

  it('throws on an unknown key or a missing variable when strict', () => {
    const t = translator(prompts, 'zh-CN', { strict: true });
    expect(() => t('core.nope')).toThrow('unknown prompt key core.nope (zh-CN)');
    expect(() => t('core.hi', { name: '张三' })).toThrow('prompt core.hi (zh-CN) needs variable {points}');
  });

  it('is strict by default under vitest', () => {
    expect(() => translator(prompts, 'zh-CN')('core.nope')).toThrow(/unknown prompt key/);
  });

  it('shows the key or the placeholder visibly when not strict, and reports the slip', () => {
    const slips: string[] = [];
    const t = translator(prompts, 'zh-CN', { strict: false, onProblem: (m) => slips.push(m) });
    expect(t('core.nope')).toBe('core.nope');
    expect(t('core.hi', { name: '张三' })).toBe('你好，张三！你有 {points} 分。');
    expect(slips).toEqual(['unknown prompt key core.nope (zh-CN)', 'prompt core.hi (zh-CN) needs variable {points}']);
  });

  it('lists placeholders once each, in order', () => {
    expect(placeholdersOf('{a} {b} {a} {0} { c } {d_1}')).toEqual(['a', 'b', 'd_1']);
  });
});

/** Escapes a string for use in a RegExp. */
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
