// The task commands' parsers, pure: how people type titles, owners, units and deadlines.
import { describe, expect, it } from 'vitest';
import { assignArgs, parseTask, progressArgs, splitNames, tasksArgs } from '../../../src/features/tasks/args.ts';
import { followUps, standingOn, weekStartOf } from '../../../src/features/tasks/rules.ts';
import type { Assignment } from '../../../src/features/tasks/store.ts';

const input = (text: string) => ({ text, tokens: text.split(' ').filter(Boolean), raw: text });
const units = new Set(['东村', '西村', '南村']);
const isUnit = (n: string) => units.has(n);

describe('task parsers', () => {
  it.each([
    ['秸秆禁烧巡查 M12 东村、西村 截止2026-12-31', { title: '秸秆禁烧巡查', owner: 'M12', units: ['东村', '西村'], due: '2026-12-31' }],
    ['秸秆禁烧巡查 东村，西村', { title: '秸秆禁烧巡查', owner: undefined, units: ['东村', '西村'], due: undefined }],
    ['全镇 冬季防火 全镇 截止 12月31日', { title: '全镇 冬季防火', owner: undefined, units: ['全镇'], due: '12月31日' }],
    ['清理东村河道', { title: '清理东村河道', owner: undefined, units: [], due: undefined }],
    ['东村', { title: '东村', owner: undefined, units: [], due: undefined }],
  ])('parseTask(%j)', (text, expected) => {
    expect(parseTask(input(text), isUnit)).toEqual(expected);
  });

  it('refuses an empty or overlong title', () => {
    expect(parseTask(input('截止2026-12-31'), isUnit)).toBeNull();
    expect(parseTask(input('长'.repeat(201)), isUnit)).toBeNull();
  });

  it('reads progress as +K%, +K, 完成, and refuses nonsense', () => {
    expect(progressArgs.parse(input('#3 巡查了东片 +20%'))).toEqual({ id: 3, note: '巡查了东片', add: 20, done: false });
    expect(progressArgs.parse(input('3 完成'))).toEqual({ id: 3, note: '', add: undefined, done: true });
    expect(progressArgs.parse(input('#3 走访 +5'))).toEqual({ id: 3, note: '走访', add: 5, done: false });
    for (const bad of ['', '#3', '#3 +0%', '#3 x +101%', "#0 x", "'; DROP TABLE Task;--"]) expect(progressArgs.safeParse(input(bad)).success, bad).toBe(false);
  });

  it('reads /assign and /tasks forms', () => {
    expect(assignArgs.parse(input('M3 包 东村、西村'))).toEqual({ cadre: 'M3', units: ['东村', '西村'], people: [] });
    expect(assignArgs.parse(input('@王五 包 M7 M8'))).toEqual({ cadre: '@王五', units: [], people: ['M7', 'M8'] });
    expect(assignArgs.parse(input('包 东村'))).toEqual({ cadre: '', units: ['东村'], people: [] });
    expect(assignArgs.safeParse(input('M3 东村')).success).toBe(false);
    expect(tasksArgs.parse(input('逾期'))).toEqual({ kind: 'overdue' });
    expect(tasksArgs.parse(input('我的'))).toEqual({ kind: 'mine' });
    expect(splitNames('东村、西村,南村；北村')).toEqual(['东村', '西村', '南村', '北村']);
  });
});

describe('督查 rules', () => {
  const a = (over: Partial<Assignment> = {}): Assignment => ({ id: 1, taskId: 1, title: 't', dueDate: '2026-12-10', unitId: 1, ownerId: 10, percent: 0, status: 'open', doneAt: null, lastProgressAt: new Date(), createdAt: new Date(), ...over });
  const chain = { ownerId: 10, cadreId: 20, leaderId: 30 };

  it('names each step and its person along the chain', () => {
    expect(followUps(a(), '2026-12-07', '2026-12-07', chain, 0)).toEqual([]);
    expect(followUps(a(), '2026-12-08', '2026-12-08', chain, 0)).toEqual([{ step: 'due-soon', to: 10, kind: 'dueSoon' }]);
    expect(followUps(a(), '2026-12-11', '2026-12-08', chain, 0).map((f) => f.step)).toEqual(['overdue', 'overdue-cadre']);
    expect(followUps(a(), '2026-12-13', '2026-12-08', chain, 0).map((f) => `${f.step}>${f.to}`)).toEqual(['overdue>10', 'overdue-cadre>20', 'overdue-leader>30']);
    expect(followUps(a(), '2026-12-05', '2026-11-27', chain, 7)).toEqual([{ step: 'stale:2026-11-27', to: 20, kind: 'stale' }]);
    expect(followUps(a({ status: 'done' }), '2026-12-13', '2026-12-08', chain, 7)).toEqual([]);
    expect(followUps(a(), '2026-12-13', '2026-12-08', { ownerId: 20, cadreId: 20, leaderId: 30 }, 0).map((f) => f.step)).toEqual(['overdue', 'overdue-leader']);
  });

  it('knows done on time and late, and the Monday of a week', () => {
    expect(standingOn(a({ status: 'done' }), '2026-12-20', '2026-12-10')).toEqual({ kind: 'done', onTime: true });
    expect(standingOn(a({ status: 'done' }), '2026-12-20', '2026-12-11')).toEqual({ kind: 'done', onTime: false });
    expect(weekStartOf('2026-12-06')).toBe('2026-11-30');
    expect(weekStartOf('2026-12-07')).toBe('2026-12-07');
  });
});
