/** Reading what people type after /checkin: `[#N] [+K] [说明]`, `撤销 [#N]` (see parse.ts). Pure. */
import { parseInteger } from '../../bot/answers.ts';
import { charLength, CN_NUMERAL, MAX_NOTE, MAX_STEP, MEASURE_WORDS, problem, readId, typedTokens, type CheckinCommand, type Problem } from './parse.ts';

const UNDO_WORDS = /^(?:undo|撤销|撤回|撤销打卡|取消|取消打卡)$/iu;
const STEP = new RegExp(`^\\+(\\d{1,9}|[${CN_NUMERAL}]{1,12})(.*)$`, 'u');

/**
 * Reads the tail glued to a step (`+2户走访`): an optional measure word, then the start of the
 * note. Undefined when the tail makes the number unreadable (`+1.5`, `+1/2`).
 */
function stepTail(tail: string): { unit: string; note: string } | undefined {
  if (/^[\d.,/%]/u.test(tail)) return undefined;
  let unit = '';
  for (const w of MEASURE_WORDS) if (tail.startsWith(w) && w.length > unit.length) unit = w;
  return { unit, note: tail.slice(unit.length) };
}

/**
 * Reads /checkin arguments: `[#N] [+K] [说明]` in either order of the first two, or `undo [#N]`.
 * A leading plain number is an id (the spec takes `N` or `#N`).
 */
export function parseCheckinArgs(tokens: readonly string[], raw?: string): CheckinCommand | Problem | undefined {
  const [first, second] = tokens;
  if (first !== undefined && UNDO_WORDS.test(first) && tokens.length <= 2) {
    if (second === undefined) return { action: 'undo' };
    const id = readId(second);
    return id === undefined ? undefined : { action: 'undo', id };
  }
  let id: number | undefined;
  let amount: number | undefined;
  let glued = '';
  let i = 0;
  for (; i < Math.min(2, tokens.length); i++) {
    const token = tokens[i]!;
    const asId = id === undefined && amount === undefined ? readId(token) : id === undefined && token.startsWith('#') ? readId(token) : undefined;
    if (asId !== undefined) {
      id = asId;
      continue;
    }
    const step = amount === undefined ? STEP.exec(token) : null;
    const tail = step ? stepTail(step[2]!) : undefined;
    if (step && tail) {
      const n = parseInteger(step[1]!);
      if (n === undefined) return undefined;
      if (tail.note !== '') glued = tail.note;
      if (n < 1 || n > MAX_STEP) return problem('stepRange', { max: MAX_STEP });
      amount = n;
      continue;
    }
    if (/^[+-]/.test(token) && /\d/.test(token)) return problem('stepFormat', { text: token.slice(0, 20) });
    if (/^#/.test(token) && i === 0) return undefined;
    break;
  }
  const note = [glued, ...typedTokens(tokens, raw).slice(i)].join(' ').trim();
  if (charLength(note) > MAX_NOTE) return problem('textTooLong', { max: MAX_NOTE });
  return { action: 'add', ...(id !== undefined ? { id } : {}), amount: amount ?? 1, note };
}
