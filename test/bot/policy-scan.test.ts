// The policy is the only place that compares roles or unit ids for permission (src/bot/policy.ts).
// This scans every source file outside it for the forms such a comparison takes — a role compared
// with `===`/`!==` or looked up in a list, a member's or actor's unit id compared — and fails
// naming the file and line. The positive controls prove each pattern catches what it should.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');
const POLICY = path.join(SRC, 'bot', 'policy.ts');
const GENERATED = path.join(SRC, 'db', 'generated');

/** Forms of a permission comparison, each with a name for the failure message. */
const PATTERNS: readonly { name: string; re: RegExp }[] = [
  { name: 'a role compared', re: /\brole\s*[!=]==|[!=]==\s*[\w.?]*\brole\b/ },
  { name: 'a role looked up in a list', re: /\.includes\(\s*[\w.?]*\brole\s*\)|\broles\.(?:includes|indexOf|some)\(/i },
  { name: 'a role name compared', re: /'(?:admin|secretary|probationary|masses)'\s*[!=]==|[!=]==\s*'(?:admin|secretary|probationary|masses)'/ },
  { name: "a member's unit id compared", re: /\b(?:member|actor|speaker|person)\??\.unitId\s*[!=]==|[!=]==\s*[\w.?]*\b(?:member|actor|speaker|person)\??\.unitId\b/ },
  { name: 'a role rank computed', re: /ROLES\.indexOf\(/ },
];

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return full === GENERATED ? [] : sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** `file:line: pattern` for each permission comparison in `text` (comment lines are skipped). */
function findings(file: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    if (/^\s*(\*|\/\*)/.test(code)) return;
    for (const p of PATTERNS) if (p.re.test(code)) out.push(`${path.relative(SRC, file)}:${i + 1}: ${p.name}: ${line.trim()}`);
  });
  return out;
}

describe('only src/bot/policy.ts compares roles or unit ids for permission', () => {
  it('no source file outside the policy does', () => {
    const files = sources(SRC).filter((f) => f !== POLICY);
    expect(files.length).toBeGreaterThan(40);
    expect(files.flatMap((f) => findings(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('catches each form (positive controls), and the policy itself is where they live', () => {
    const bad = [
      "if (ctx.member.role !== 'admin') throw x;",
      "const ok = role === 'secretary';",
      'if (!spec.roles.includes(ctx.member.role)) return;',
      'MEMBERS.includes(ctx.member.role)',
      "if (x === 'masses') y();",
      'if (ctx.member.unitId !== unitId) throw x;',
      'return unit?.parentId === ctx.member.unitId;',
      'const r = ROLES.indexOf(a) - ROLES.indexOf(b);',
    ];
    for (const line of bad) expect(findings('x.ts', line).length, line).toBeGreaterThan(0);
    const fine = ["if (p.scope === 'member') return;", 'const mine = pledges.filter((p) => p.unitId === b.id);', '// role === admin in a comment'];
    for (const line of fine) expect(findings('x.ts', line), line).toEqual([]);
    expect(findings(POLICY, readFileSync(POLICY, 'utf8')).length).toBeGreaterThan(0);
  });
});
