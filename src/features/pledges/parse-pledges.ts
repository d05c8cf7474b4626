/** Reading what people type after /pledges: `我的`, `#N`, `各支部`, `免提醒`, `恢复提醒`, `提醒` (see parse.ts). Pure. */
import { parseInteger } from '../../bot/answers.ts';
import { readDate, type IsoDate } from './dates.ts';
import { charLength, MAX_REASON, problem, readId, type PledgesCommand, type Problem } from './parse.ts';

const MINE = /^(?:mine|my|我的|自己|本人)$/iu;
const BRANCHES = /^(?:branches|rollup|各支部|汇总|支部汇总)$/iu;
const EXEMPT = /^(?:exempt|免提醒|免打卡|请假)$/iu;
const UNEXEMPT = /^(?:unexempt|恢复提醒|取消免提醒)$/iu;
const REMIND = /^(?:remind|提醒|提醒天数)$/iu;
const UNTIL_WORD = /^(?:至|到|截止|截至|until|till)[:=]?(.*)$/iu;

/** Reads /pledges arguments; undefined for a usage mistake. */
export function parsePledgesArgs(tokens: readonly string[]): PledgesCommand | Problem | undefined {
  const [first, ...rest] = tokens;
  if (first === undefined) return { action: 'list' };
  if (MINE.test(first) && rest.length === 0) return { action: 'mine' };
  if (BRANCHES.test(first) && rest.length === 0) return { action: 'branches' };
  const id = readId(first);
  if (id !== undefined && rest.length === 0) return { action: 'detail', id };
  if (EXEMPT.test(first)) {
    if (rest.length === 0) return { action: 'exemptions' };
    const [who, ...more] = rest;
    const name = who!.replace(/^@/, '').trim();
    if (!name || charLength(name) > 64) return undefined;
    const reasonWords: string[] = [];
    let until: IsoDate | undefined;
    for (let i = 0; i < more.length; i++) {
      const u = UNTIL_WORD.exec(more[i]!);
      if (u && reasonWords.length > 0) {
        let d = u[1]!;
        if (d === '' && i + 1 < more.length) d = more[++i]!;
        const r = readDate(d);
        if (!r.ok) return problem(r.reason === 'impossible' ? 'dateImpossible' : 'dateFormat', { date: d || more[i]! });
        if (i !== more.length - 1) return undefined;
        until = r.date;
        continue;
      }
      reasonWords.push(more[i]!);
    }
    const reason = reasonWords.join(' ');
    if (!reason) return undefined;
    if (charLength(reason) > MAX_REASON) return problem('reasonTooLong', { max: MAX_REASON });
    return { action: 'exempt', name, reason, ...(until ? { until } : {}) };
  }
  if (UNEXEMPT.test(first)) {
    const name = rest.join(' ').replace(/^@/, '').trim();
    if (!name || charLength(name) > 64) return undefined;
    return { action: 'unexempt', name };
  }
  if (REMIND.test(first)) {
    if (rest.length === 0) return { action: 'remindSettings' };
    if (rest.length > 2) return undefined;
    const nums = rest.map((r) => parseInteger(r.replace(/天$/, '')));
    if (nums.some((n) => n === undefined)) return undefined;
    const [stale, escalate] = nums as number[];
    if (stale! < 1 || stale! > 60 || (escalate !== undefined && (escalate < 1 || escalate > 30))) return problem('remindRange');
    return { action: 'remind', staleDays: stale!, ...(escalate !== undefined ? { escalateDays: escalate } : {}) };
  }
  return undefined;
}
