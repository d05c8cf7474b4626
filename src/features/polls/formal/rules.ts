/**
 * The rule of a formal vote (表决), pure. 《中国共产党支部工作条例（试行）》第十一条: "表决必须有半数
 * 以上有表决权的党员到会方可进行，赞成人数超过应到会有表决权的党员的半数为通过" — the vote stands
 * only when MORE than half of the members with a vote took part, and passes when those in favour
 * are more than half of those DUE to attend (not of the votes cast). A 四议两公开 review raises the
 * quorum to two thirds (`--quorum 2/3`: at least two thirds, 三分之二以上 counting the number itself);
 * the pass threshold stays more than half of those due.
 */

/** The share of members with a vote who must take part. */
export interface Quorum {
  readonly num: number;
  readonly den: number;
}

/** The default quorum: more than half (条例第十一条). */
export const HALF: Quorum = { num: 1, den: 2 };

/** What became of a formal vote. */
export type FormalOutcome = 'passed' | 'rejected' | 'invalid';

/** A formal vote's figures and outcome. */
export interface FormalResult {
  /** Members with a vote, due to attend (应到). */
  readonly due: number;
  /** Members who voted (实到), abstentions included. */
  readonly attended: number;
  readonly inFavour: number;
  /** Fewest voters for the vote to stand. */
  readonly quorumNeeded: number;
  /** Fewest votes in favour for it to pass: more than half of `due`. */
  readonly passNeeded: number;
  readonly outcome: FormalOutcome;
}

/** True when `q` is the default "more than half" (1/2 in any form, e.g. 2/4). */
export function isHalf(q: Quorum): boolean {
  return q.num * 2 === q.den;
}

/** Fewest voters for the vote to stand: more than half of `due`, or at least `q` of it. */
export function quorumNeeded(due: number, q: Quorum): number {
  if (isHalf(q)) return Math.floor(due / 2) + 1;
  return Math.ceil((due * q.num) / q.den - 1e-9);
}

/** Fewest votes in favour to pass: more than half of those due to attend. */
export function passNeeded(due: number): number {
  return Math.floor(due / 2) + 1;
}

/** The outcome of a formal vote: invalid without its quorum (or without anyone due), else passed or rejected. */
export function formalOutcome(due: number, attended: number, inFavour: number, q: Quorum = HALF): FormalResult {
  const needed = Math.max(1, quorumNeeded(due, q));
  const pass = passNeeded(due);
  const outcome: FormalOutcome = due === 0 || attended < needed ? 'invalid' : inFavour >= pass ? 'passed' : 'rejected';
  return { due, attended, inFavour, quorumNeeded: needed, passNeeded: pass, outcome };
}

const FRACTION = /^(\d{1,2})\s*[/／]\s*(\d{1,2})$/;
const CHINESE_FRACTION: Record<string, Quorum> = {
  二分之一: HALF,
  半数: HALF,
  过半数: HALF,
  三分之二: { num: 2, den: 3 },
  四分之三: { num: 3, den: 4 },
  五分之四: { num: 4, den: 5 },
};

/**
 * Reads `--quorum`: `2/3`, `2／3`, `三分之二`, `1/2`. Null unless it is half or a share above half
 * and at most all (a quorum of less than half would break 第十一条).
 */
export function parseQuorum(text: string): Quorum | null {
  const named = CHINESE_FRACTION[text.trim()];
  if (named) return named;
  const m = FRACTION.exec(text.trim());
  if (!m) return null;
  const q = { num: Number(m[1]), den: Number(m[2]) };
  if (q.den === 0 || q.num === 0 || q.num > q.den || q.num * 2 < q.den) return null;
  return q;
}
