/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by area (Prisma's query
 * engine, its driver adapter, better-sqlite3, zod, our src/ folders, Node internals, GC, idle) and
 * the top functions. Used to explain where an inbound message's time goes.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/inbound.ts --profile
 *   npx tsx bench/profile-summary.ts /tmp/prof/*.cpuprofile
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The area a frame's source belongs to. */
export function areaOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(idle)') return 'idle (waiting: I/O, timers)';
  if (fn === '(program)') return 'program (native, unattributed)';
  if (url.includes('/src/db/generated/')) return 'prisma generated client';
  if (url.includes('@prisma/client/runtime') || url.includes('/@prisma/client/')) return 'prisma client runtime (query compiler/interpreter)';
  if (url.includes('query_compiler') || url.includes('.wasm')) return 'prisma query compiler (wasm)';
  if (url.includes('@prisma/adapter-better-sqlite3')) return 'prisma adapter-better-sqlite3';
  if (url.includes('@prisma/driver-adapter-utils')) return 'prisma driver-adapter-utils';
  if (url.includes('better-sqlite3')) return 'better-sqlite3 (js)';
  if (url.includes('/zod/')) return 'zod';
  if (url.includes('/pino')) return 'pino';
  if (url.includes('/node_modules/')) return `other: ${url.split('/node_modules/').pop()!.split('/').slice(0, url.includes('/@') ? 2 : 1).join('/')}`;
  const src = /\/src\/([^/]+)\//.exec(url);
  if (src) return `src/${src[1]}`;
  if (url.includes('/bench/')) return 'bench driver';
  if (url.startsWith('node:') || url === '') return fn ? 'node internals / native' : 'native';
  return 'other';
}

/** Self time (ms) per area and the top functions of a profile. */
export function summarizeProfile(profile: Profile, top = 25): { total_ms: number; by_area: Record<string, number>; top_functions: { fn: string; where: string; self_ms: number }[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const areas = new Map<string, number>();
  const fns = new Map<string, { fn: string; where: string; self_ms: number }>();
  let total = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    total += ms;
    const where = `${url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}`;
    const key = `${functionName}@${where}`;
    const f = fns.get(key) ?? { fn: functionName || '(anonymous)', where, self_ms: 0 };
    f.self_ms += ms;
    fns.set(key, f);
  }
  const by_area = Object.fromEntries([...areas].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v)]));
  const top_functions = [...fns.values()].sort((a, b) => b.self_ms - a.self_ms).slice(0, top).map((f) => ({ ...f, self_ms: Math.round(f.self_ms) }));
  return { total_ms: Math.round(total), by_area, top_functions };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
    console.log(JSON.stringify({ file, ...summarizeProfile(profile) }, null, 1));
  }
}
