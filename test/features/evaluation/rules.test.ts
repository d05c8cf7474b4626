import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composite, loadEvaluationConfig, rankUnits, type EvaluationConfig } from '../../../src/features/evaluation/rules.ts';
const PROJECT_ROOT = path.resolve(import.meta.dirname, '../../..');
/** The part keys the bot ships (src/features/index.ts `evaluationParts`). */
const KEYS = ['pledges', 'attendance', 'satisfaction', 'ledger', 'tasks', 'review', 'dues'];

const config: EvaluationConfig = {
  weights: { pledges: 40, attendance: 30, satisfaction: 30 },
  thresholds: { advanced: 85, average: 70 },
  minCoverage: 0.6,
};

describe('annual evaluation (定类升级)', () => {
  it('composite and ranking on a hand-computed example; missing parts are left out, not zero', () => {
    const ranked = rankUnits(
      [
        { unitId: 1, name: '北村', parts: { pledges: 50, attendance: 60, satisfaction: 70 } }, // (2000+1800+2100)/100 = 59
        { unitId: 2, name: '东村', parts: { pledges: 90, attendance: 80, satisfaction: 95 } }, // (3600+2400+2850)/100 = 88.5
        { unitId: 3, name: '西村', parts: { pledges: 70, attendance: null, satisfaction: 80 } }, // (2800+2400)/70 = 74.29
        { unitId: 4, name: '南村', parts: { pledges: null, attendance: null, satisfaction: 60 } }, // 60, coverage 0.3
        { unitId: 5, name: '中村', parts: { pledges: null, attendance: null, satisfaction: null } },
        { unitId: 6, name: '上村', parts: { pledges: 88.5, attendance: 88.5, satisfaction: 88.5 } }, // 88.5, ties 东村
      ],
      config,
    );
    expect(ranked.map((r) => [r.rank, r.name, r.composite.score, r.composite.category])).toEqual([
      [1, '东村', 88.5, 'advanced'],
      [1, '上村', 88.5, 'advanced'],
      [3, '西村', 74.3, 'average'],
      [4, '南村', 60, null],
      [5, '北村', 59, 'backward'],
      [null, '中村', null, null],
    ]);
    const west = ranked.find((r) => r.name === '西村')!.composite;
    expect(west.missing).toEqual(['attendance']);
    expect(west.coverage).toBeCloseTo(0.7, 10);
    expect(ranked.find((r) => r.name === '南村')!.composite.coverage).toBeCloseTo(0.3, 10);
    // Counting the missing attendance as zero would have given 52 (后进): it is not done.
    expect(composite({ pledges: 70, attendance: 0, satisfaction: 80 }, config).score).toBe(52);
  });

  it('thresholds are inclusive', () => {
    expect(composite({ pledges: 85, attendance: 85, satisfaction: 85 }, config).category).toBe('advanced');
    expect(composite({ pledges: 70, attendance: 70, satisfaction: 70 }, config).category).toBe('average');
    expect(composite({ pledges: 69.9, attendance: 69.9, satisfaction: 69.9 }, config).category).toBe('backward');
  });

  it('the shipped prompts/evaluation.yaml is valid; a bad one stops start-up naming file and field', () => {
    const shipped = loadEvaluationConfig(path.join(PROJECT_ROOT, 'prompts'), KEYS);
    expect(shipped.weights.pledges! + shipped.weights.attendance! + shipped.weights.satisfaction!).toBeGreaterThan(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xf-eval-'));
    try {
      fs.writeFileSync(path.join(dir, 'evaluation.yaml'), 'weights: {pledges: 40, attendance: 30, satisfaction: 30}\nthresholds: {advanced: 60, average: 70}\n');
      expect(() => loadEvaluationConfig(dir, KEYS)).toThrow(/evaluation\.yaml: thresholds: thresholds\.advanced must be above/);
      fs.writeFileSync(path.join(dir, 'evaluation.yaml'), 'weights: {pledges: -1, attendance: 30, satisfaction: 30}\nthresholds: {advanced: 85, average: 70}\n');
      expect(() => loadEvaluationConfig(dir, KEYS)).toThrow(/evaluation\.yaml: weights\.pledges:/);
      fs.writeFileSync(path.join(dir, 'evaluation.yaml'), 'weights: [\n');
      expect(() => loadEvaluationConfig(dir, KEYS)).toThrow(/evaluation\.yaml: /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('weights are keyed by part: an unknown key stops start-up, a missing one weighs 0; the shipped parts are all known', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xf-eval-'));
    try {
      fs.writeFileSync(path.join(dir, 'evaluation.yaml'), 'weights: {pledges: 40, points: 10}\nthresholds: {advanced: 85, average: 70}\n');
      expect(() => loadEvaluationConfig(dir, KEYS)).toThrow(/evaluation\.yaml: weights\.points: no such part/);
      fs.writeFileSync(path.join(dir, 'evaluation.yaml'), 'weights: {pledges: 40}\nthresholds: {advanced: 85, average: 70}\n');
      const c = loadEvaluationConfig(dir, KEYS);
      expect(c.weights).toEqual({ pledges: 40, attendance: 0, satisfaction: 0, ledger: 0, tasks: 0, review: 0, dues: 0 });
      // Parts of weight 0 never count: missing data there leaves the composite as it was.
      expect(composite({ pledges: 80, attendance: null }, c)).toEqual({ score: 80, coverage: 1, missing: [], category: 'average' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const shipped = loadEvaluationConfig(path.join(PROJECT_ROOT, 'prompts'), KEYS);
    expect(Object.keys(shipped.weights)).toEqual(KEYS);
    // The new parts without data change no figure: the same composite as with the three parts alone.
    const three = { pledges: 70, attendance: null, satisfaction: 80 };
    expect(composite({ ...three, ledger: null, tasks: null, review: null, dues: null }, shipped)).toEqual(composite(three, config));
  });
});
