import { describe, expect, it } from 'vitest';
import { normalizeForParsing } from '../../../src/bot/normalize.ts';
import { parsePledgeArgs } from '../../../src/features/pledges/parse.ts';
import { parseCheckinArgs } from '../../../src/features/pledges/parse-checkin.ts';
import { parsePledgesArgs } from '../../../src/features/pledges/parse-pledges.ts';
import { daysBetween, elapsedShare, localDate, readDate } from '../../../src/features/pledges/dates.ts';
import { isOnTrack, isOverdue, outcomeOf, progressBar, type PledgeView } from '../../../src/features/pledges/rules.ts';

/** Tokens as the router hands them over: normalised, split on spaces. */
const tok = (s: string) => {
  const n = normalizeForParsing(s);
  return n ? n.split(/[ \n]/) : [];
};

describe('/pledge arguments', () => {
  it('reads the spec example', () => {
    expect(parsePledgeArgs(tok('帮扶困难户 目标5 截止2026-12-31'))).toEqual({
      action: 'create',
      scope: 'member',
      fields: { text: '帮扶困难户', target: 5, unitWord: '', due: { kind: 'date', date: '2026-12-31' } },
    });
  });

  it.each([
    ['帮扶困难户 目标:5', 5, ''],
    ['帮扶困难户 目标５户', 5, '户'],
    ['帮扶困难户 目标五户', 5, '户'],
    ['帮扶困难户 目标 12 户', 12, '户'],
    ['帮扶困难户 目标：十二', 12, ''],
    ['帮扶困难户 目标2公里', 2, '公里'],
    ['help households target 5', 5, ''],
  ])('reads the target in %s', (text, target, unitWord) => {
    const r = parsePledgeArgs(tok(text));
    expect(r).toMatchObject({ action: 'create', fields: { target, unitWord } });
  });

  it.each([
    ['截止2026/12/31', '2026-12-31'],
    ['截止 2026.6.1', '2026-06-01'],
    ['截止2026年12月31日', '2026-12-31'],
    ['截至：２０２６－１２－３１', '2026-12-31'],
    ['due 2027-01-15', '2027-01-15'],
  ])('reads the due date %s', (due, date) => {
    expect(parsePledgeArgs(tok(`走访群众 ${due}`))).toMatchObject({ fields: { text: '走访群众', due: { kind: 'date', date } } });
  });

  it('keeps a month-and-day due date for the handler to place in a year', () => {
    expect(parsePledgeArgs(tok('走访群众 截止12月31日'))).toMatchObject({ fields: { due: { kind: 'monthDay', month: 12, day: 31 } } });
  });

  it('refuses impossible dates with their own message', () => {
    expect(parsePledgeArgs(tok('走访 截止2026-02-30'))).toEqual({ problem: { key: 'pledges.error.dateImpossible', vars: { date: '2026-02-30' } } });
    expect(parsePledgeArgs(tok('走访 截止2026-13-01'))).toMatchObject({ problem: { key: 'pledges.error.dateImpossible' } });
    expect(parsePledgeArgs(tok('走访 截止2月30日'))).toMatchObject({ problem: { key: 'pledges.error.dateImpossible' } });
    expect(parsePledgeArgs(tok('走访 截止明年'))).toMatchObject({ action: 'create', fields: { text: '走访 截止明年' } });
    expect(parsePledgeArgs(tok('走访 截止'))).toMatchObject({ problem: { key: 'pledges.error.dateFormat' } });
    expect(parsePledgeArgs(tok('走访 截止2026-1'))).toMatchObject({ problem: { key: 'pledges.error.dateFormat' } });
  });

  it('refuses targets out of range and doubled fields', () => {
    expect(parsePledgeArgs(tok('走访 目标0'))).toMatchObject({ problem: { key: 'pledges.error.targetRange' } });
    expect(parsePledgeArgs(tok('走访 目标1000001'))).toMatchObject({ problem: { key: 'pledges.error.targetRange' } });
    expect(parsePledgeArgs(tok('走访 目标5 目标6'))).toMatchObject({ problem: { key: 'pledges.error.twoTargets' } });
    expect(parsePledgeArgs(tok('走访 目标:abc'))).toMatchObject({ problem: { key: 'pledges.error.targetFormat' } });
  });

  it('treats words that merely start like a keyword as wording', () => {
    expect(parsePledgeArgs(tok('目标明确 带头学习'))).toMatchObject({ fields: { text: '目标明确 带头学习' } });
    expect(parsePledgeArgs(tok('截至目前 坚持学习'))).toMatchObject({ fields: { text: '截至目前 坚持学习' } });
    expect(parsePledgeArgs(tok('修改村规民约 目标1项'))).toMatchObject({ action: 'create', fields: { text: '修改村规民约', target: 1, unitWord: '项' } });
  });

  it('reads scope flags, including the Chinese dash', () => {
    expect(parsePledgeArgs(tok('--支部 新修村道 目标2公里'))).toMatchObject({ action: 'create', scope: 'branch' });
    expect(parsePledgeArgs(tok('——党委 办好十件实事 目标10件'))).toMatchObject({ action: 'create', scope: 'township' });
    expect(parsePledgeArgs(tok('--branch --township x'))).toMatchObject({ problem: { key: 'pledges.error.twoScopes' } });
  });

  it('reads edit, withdraw and done', () => {
    expect(parsePledgeArgs(tok('修改 #3 目标6'))).toEqual({ action: 'edit', id: 3, fields: { text: '', target: 6, unitWord: '' } });
    expect(parsePledgeArgs(tok('撤回 3 外出务工'))).toEqual({ action: 'withdraw', id: 3, reason: '外出务工' });
    expect(parsePledgeArgs(tok('完成 #４'))).toEqual({ action: 'done', id: 4 });
    expect(parsePledgeArgs(tok('修改 #3'))).toBeUndefined();
    expect(parsePledgeArgs(tok('撤回 #abc'))).toBeUndefined();
  });

  it('keeps the wording, reasons and notes as typed when the raw text lines up', () => {
    const raw = '帮扶困难户、五保户（含低保） 目标５户 截止２０２６－１２－３１';
    expect(parsePledgeArgs(tok(raw), raw)).toMatchObject({ fields: { text: '帮扶困难户、五保户（含低保）', target: 5, unitWord: '户' } });
    expect(parsePledgeArgs(tok('撤回 #3 外出，务工'), '撤回 #3 外出，务工')).toEqual({ action: 'withdraw', id: 3, reason: '外出，务工' });
    expect(parseCheckinArgs(tok('#3 +１ 走访（李大爷）'), '#3 +１ 走访（李大爷）')).toEqual({ action: 'add', id: 3, amount: 1, note: '走访（李大爷）' });
    // Raw text that does not line up with the tokens is not used.
    expect(parsePledgeArgs(tok('a b'), 'a')).toMatchObject({ fields: { text: 'a b' } });
  });

  it('is a usage mistake without wording, and refuses huge wording', () => {
    expect(parsePledgeArgs(tok(''))).toBeUndefined();
    expect(parsePledgeArgs(tok('目标5'))).toBeUndefined();
    expect(parsePledgeArgs(tok('长'.repeat(201)))).toMatchObject({ problem: { key: 'pledges.error.textTooLong' } });
    expect(parsePledgeArgs(tok("'; DROP TABLE Pledge; --"))).toMatchObject({ action: 'create', fields: { text: "'; DROP TABLE Pledge; --" } });
  });
});

describe('/checkin arguments', () => {
  it.each([
    ['', { action: 'add', amount: 1, note: '' }],
    ['#3 +1 走访李大爷', { action: 'add', id: 3, amount: 1, note: '走访李大爷' }],
    ['+2 #3', { action: 'add', id: 3, amount: 2, note: '' }],
    ['3 走访', { action: 'add', id: 3, amount: 1, note: '走访' }],
    ['+３户 送米面油', { action: 'add', amount: 3, note: '送米面油' }],
    ['+两', { action: 'add', amount: 2, note: '' }],
    ['走访李大爷 +1', { action: 'add', amount: 1, note: '走访李大爷 +1' }],
    ['undo', { action: 'undo' }],
    ['撤销 #3', { action: 'undo', id: 3 }],
  ])('reads %j', (text, expected) => {
    expect(parseCheckinArgs(tok(text))).toEqual(expected);
  });

  it('refuses odd amounts clearly', () => {
    expect(parseCheckinArgs(tok('+0'))).toMatchObject({ problem: { key: 'pledges.error.stepRange' } });
    expect(parseCheckinArgs(tok('+5000'))).toMatchObject({ problem: { key: 'pledges.error.stepRange' } });
    expect(parseCheckinArgs(tok('-1 写错了'))).toMatchObject({ problem: { key: 'pledges.error.stepFormat' } });
  });
});

describe('/pledges arguments', () => {
  it('reads views and secretary forms', () => {
    expect(parsePledgesArgs(tok(''))).toEqual({ action: 'list' });
    expect(parsePledgesArgs(tok('我的'))).toEqual({ action: 'mine' });
    expect(parsePledgesArgs(tok('#7'))).toEqual({ action: 'detail', id: 7 });
    expect(parsePledgesArgs(tok('各支部'))).toEqual({ action: 'branches' });
    expect(parsePledgesArgs(tok('免提醒 @张三 外出务工 至2026-12-31'))).toEqual({ action: 'exempt', name: '张三', reason: '外出务工', until: '2026-12-31' });
    expect(parsePledgesArgs(tok('exempt 张三 病假'))).toEqual({ action: 'exempt', name: '张三', reason: '病假' });
    expect(parsePledgesArgs(tok('免提醒 张三 病假 至2026-02-30'))).toMatchObject({ problem: { key: 'pledges.error.dateImpossible' } });
    expect(parsePledgesArgs(tok('免提醒 张三'))).toBeUndefined();
    expect(parsePledgesArgs(tok('恢复提醒 @张三'))).toEqual({ action: 'unexempt', name: '张三' });
    expect(parsePledgesArgs(tok('提醒 5 2'))).toEqual({ action: 'remind', staleDays: 5, escalateDays: 2 });
    expect(parsePledgesArgs(tok('提醒 0'))).toMatchObject({ problem: { key: 'pledges.error.remindRange' } });
    expect(parsePledgesArgs(tok('什么'))).toBeUndefined();
  });
});

describe('dates', () => {
  it('reads the local calendar day in the org time zone', () => {
    expect(localDate(new Date('2026-12-31T16:30:00Z'), 'Asia/Shanghai')).toBe('2027-01-01');
    expect(localDate(new Date('2026-12-31T15:59:00Z'), 'Asia/Shanghai')).toBe('2026-12-31');
    expect(daysBetween('2026-02-27', '2026-03-01')).toBe(2);
    expect(readDate('2028-02-29')).toEqual({ ok: true, date: '2028-02-29' });
    expect(readDate('2026-02-29')).toEqual({ ok: false, reason: 'impossible' });
    expect(elapsedShare('2026-01-01', '2026-01-10', '2026-01-05')).toBe(0.5);
  });
});

describe('rules', () => {
  const base: PledgeView = {
    id: 1, scope: 'member', unitId: 1, ownerId: 1, text: 'x', target: 6, unitWord: '户', dueDate: '2026-12-31', year: 2026,
    status: 'open', closeNote: '', createdAt: new Date('2026-01-01T00:00:00Z'), progress: 4, checkins: 4, lastCheckinAt: null,
  };

  it('draws bars cell per unit up to ten, rounded down, full only at the target', () => {
    expect(progressBar(4, 6, '户')).toBe('▓▓▓▓░░ 4/6户');
    expect(progressBar(0, 5)).toBe('░░░░░ 0/5');
    expect(progressBar(7, 5)).toBe('▓▓▓▓▓ 7/5');
    expect(progressBar(99, 100)).toBe('▓▓▓▓▓▓▓▓▓░ 99/100');
    expect(progressBar(100, 100)).toBe('▓▓▓▓▓▓▓▓▓▓ 100/100');
  });

  it('judges outcome, overdue and on track', () => {
    expect(outcomeOf(base)).toBe('partly');
    expect(outcomeOf({ ...base, progress: 6 })).toBe('done');
    expect(outcomeOf({ ...base, progress: 0 })).toBe('not');
    expect(outcomeOf({ ...base, target: null, checkins: 0 })).toBe('not');
    expect(outcomeOf({ ...base, target: null, status: 'done' })).toBe('done');
    expect(isOverdue(base, '2026-12-31')).toBe(false);
    expect(isOverdue(base, '2027-01-01')).toBe(true);
    expect(isOverdue({ ...base, progress: 6 }, '2027-01-01')).toBe(false);
    // 2026-07-02 is day 183 of 365: floor(6 × 183/365) = 3 needed.
    expect(isOnTrack({ ...base, progress: 3 }, '2026-07-02', 'UTC', 7)).toBe(true);
    expect(isOnTrack({ ...base, progress: 2 }, '2026-07-02', 'UTC', 7)).toBe(false);
  });
});
