/**
 * Staging of anonymous ballots: a ballot never shares a transaction, an order or a time with its
 * voter's receipt.
 *
 * The voter's transaction writes only the receipt (member, poll, `stage` = the token of the
 * batch the ballot joined). The ballot itself waits in this process's memory. When a batch holds
 * BATCH_SIZE ballots whose receipts have committed, it is written in a transaction of its own
 * (after the vote's commit, `Context.afterCommit`): the ballots in a random order with random ids,
 * the counted tags of their receipt codes in another random order, and the batch's token in
 * PollBatch (landed). At close, whatever is still staged is written in the closing transaction.
 *
 * A copy of the files taken at any moment can thus tell at most which batch of at least five
 * voters a ballot came from (the last batch at close may be smaller); never which voter.
 *
 * A crash loses what was staged: after a restart, receipts whose batch never landed are deleted
 * and their voters are told privately to vote again (`recoverLost`). No staged vote is counted
 * twice or silently lost.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Tx } from '../../bot/feature.ts';
import { randomBallotId } from './codes.ts';

/** Ballots per written batch: the smallest group a ballot can be traced to. */
export const BATCH_SIZE = 5;

/** One staged ballot (memory only). */
export interface StagedBallot {
  readonly memberId: number;
  readonly ballotId: number;
  /** HMAC of the receipt code (PollCountedTag), or an orphan tag when no code was delivered. */
  readonly tag: string;
  readonly choices: string;
  readonly score: number | null;
}

/** The batches of one poll. */
interface PollStage {
  open: string;
  readonly batches: Map<string, StagedBallot[]>;
}

/** Fisher-Yates with a cryptographic source: the written order says nothing. */
export function shuffled<T>(items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** A new batch token. */
function newToken(): string {
  return randomBytes(9).toString('base64url');
}

/** The staged ballots of every poll of this process. */
export class BallotStager {
  private readonly polls = new Map<number, PollStage>();
  private readonly recovered = new Set<number>();

  private stageOf(pollId: number): PollStage {
    let s = this.polls.get(pollId);
    if (!s) {
      s = { open: newToken(), batches: new Map() };
      this.polls.set(pollId, s);
    }
    return s;
  }

  /**
   * Stages a ballot and returns its batch token (for the receipt). A member's earlier entry (a
   * vote whose transaction rolled back) is replaced. A full batch is sealed: later ballots start
   * a new one.
   */
  stage(pollId: number, ballot: Omit<StagedBallot, 'ballotId'>): string {
    const s = this.stageOf(pollId);
    for (const list of s.batches.values()) {
      const i = list.findIndex((b) => b.memberId === ballot.memberId);
      if (i >= 0) list.splice(i, 1);
    }
    const token = s.open;
    const list = s.batches.get(token) ?? [];
    list.push({ ...ballot, ballotId: randomBallotId() });
    s.batches.set(token, list);
    if (list.length >= BATCH_SIZE) s.open = newToken();
    return token;
  }

  /** Sealed batches (full, no longer taking ballots) of every poll. */
  sealed(): { pollId: number; token: string }[] {
    const out: { pollId: number; token: string }[] = [];
    for (const [pollId, s] of this.polls) for (const token of s.batches.keys()) if (token !== s.open) out.push({ pollId, token });
    return out;
  }

  /** The tokens of a poll this process still holds. */
  held(pollId: number): Set<string> {
    return new Set(this.polls.get(pollId)?.batches.keys() ?? []);
  }

  /** True when a ballot with this counted tag is staged (received, not yet written). */
  hasTag(pollId: number, tag: string): boolean {
    for (const list of this.polls.get(pollId)?.batches.values() ?? []) if (list.some((b) => b.tag === tag)) return true;
    return false;
  }

  /** The ballots of one batch. */
  batch(pollId: number, token: string): readonly StagedBallot[] {
    return this.polls.get(pollId)?.batches.get(token) ?? [];
  }

  /** Forgets a batch (written, or dropped at close). */
  forget(pollId: number, token: string): void {
    const s = this.polls.get(pollId);
    if (!s) return;
    s.batches.delete(token);
    if (s.batches.size === 0) this.polls.delete(pollId);
  }

  /** Forgets everything of a poll (closed). */
  forgetPoll(pollId: number): void {
    this.polls.delete(pollId);
  }

  /** True until this process has recovered the poll's lost batches once (`markRecovered`). */
  needsRecovery(pollId: number): boolean {
    return !this.recovered.has(pollId);
  }

  /** Records that the poll's lost batches were recovered (after that transaction committed). */
  markRecovered(pollId: number): void {
    this.recovered.add(pollId);
  }
}

/**
 * Writes one staged batch of a poll in `tx` (a transaction that is no voter's): the ballots whose
 * receipts (same poll, same token) are visible, shuffled; their counted tags, shuffled apart; the
 * token as landed. With `full`, nothing is written unless at least BATCH_SIZE receipts are
 * visible. Returns the number of ballots written, or null when it waited.
 */
export async function writeBatch(tx: Tx, pollId: number, token: string, staged: readonly StagedBallot[], full: boolean): Promise<number | null> {
  const receipts = await tx.pollReceipt.findMany({ where: { pollId, stage: token }, select: { memberId: true } });
  const voters = new Set(receipts.map((r) => r.memberId));
  const ballots = staged.filter((b) => voters.has(b.memberId));
  if (full && ballots.length < BATCH_SIZE) return null;
  for (const b of shuffled(ballots)) {
    await tx.$executeRaw`INSERT INTO "PollAnonBallot" ("id", "pollId", "choices", "score") VALUES (${b.ballotId}, ${pollId}, ${b.choices}, ${b.score}) ON CONFLICT DO NOTHING`;
  }
  for (const b of shuffled(ballots)) {
    await tx.$executeRaw`INSERT INTO "PollCountedTag" ("pollId", "tag") VALUES (${pollId}, ${b.tag}) ON CONFLICT DO NOTHING`;
  }
  await tx.$executeRaw`INSERT INTO "PollBatch" ("pollId", "token") VALUES (${pollId}, ${token}) ON CONFLICT DO NOTHING`;
  return ballots.length;
}

/**
 * Receipts of a poll whose batch never landed and is not held by this process (a crash or restart
 * lost it): deleted, so their voters may vote again. Returns those voters' member ids.
 */
export async function recoverLost(tx: Tx, pollId: number, held: ReadonlySet<string>): Promise<number[]> {
  const landed = new Set((await tx.pollBatch.findMany({ where: { pollId }, select: { token: true } })).map((b) => b.token));
  const staged = await tx.pollReceipt.findMany({ where: { pollId, stage: { not: null } }, select: { id: true, memberId: true, stage: true } });
  const lost = staged.filter((r) => !landed.has(r.stage!) && !held.has(r.stage!));
  if (lost.length === 0) return [];
  await tx.pollReceipt.deleteMany({ where: { id: { in: lost.map((r) => r.id) } } });
  return lost.map((r) => r.memberId);
}

/** After close: the batch structure is erased (receipt tokens, landed tokens). */
export async function eraseBatches(tx: Tx, pollId: number): Promise<void> {
  await tx.pollReceipt.updateMany({ where: { pollId, stage: { not: null } }, data: { stage: null } });
  await tx.pollBatch.deleteMany({ where: { pollId } });
}
