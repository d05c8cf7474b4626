/**
 * Moving staged anonymous ballots into the database (staging.ts says why they wait): a full
 * batch after its last voter's commit, everything at close, and the voters of batches a restart
 * lost told to vote again.
 */
import type { Delivery, Tx } from '../../bot/feature.ts';
import type { Platform } from '../../bot/types.ts';
import { membersByIds, privateChatsOfMembers } from '../../bot/roster.ts';
import { scrubAfterSecretWrite, type Db } from '../../db/client.ts';
import type { Logger } from '../../logger.ts';
import type { BaseContext } from '../../bot/context.ts';
import { EVENT_TX_OPTIONS } from '../../db/transactions.ts';
import type { Poll } from './store.ts';
import { eraseBatches, recoverLost, writeBatch, type BallotStager } from './staging.ts';

/** Tables vacuumed after a close (PostgreSQL): the batch marks erased there leave dead versions. */
export const SECRET_TABLES = ['PollAnonBallot', 'PollCountedTag', 'PollBatch', 'PollReceipt'];
/** Tables vacuumed after a batch (a batch only inserts; receipts removed by a recovery are vacuumed at close). */
const BATCH_TABLES = ['PollAnonBallot', 'PollCountedTag', 'PollBatch'];

/**
 * Writes every sealed batch with enough committed receipts, each in a transaction of its own on
 * the whole client, then scrubs the files (WAL checkpoint / VACUUM). Run after a vote commits.
 */
export async function flushSealed(db: Db, stager: BallotStager, logger?: Logger): Promise<void> {
  let wrote = false;
  for (const { pollId, token } of stager.sealed()) {
    const staged = stager.batch(pollId, token);
    const written = await db.$transaction((tx) => writeBatch(tx, pollId, token, staged, true), EVENT_TX_OPTIONS);
    if (written === null) continue;
    stager.forget(pollId, token);
    wrote = true;
    // Which poll and how many: never who (the batch has no voter) nor what.
    logger?.debug({ pollId, ballots: written }, 'a batch of anonymous ballots landed');
  }
  if (!wrote) return;
  try {
    await scrubAfterSecretWrite(db, BATCH_TABLES);
  } catch (err) {
    logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'scrub after secret ballots failed');
  }
}

/**
 * At close, in the closing transaction: writes every batch still held (however small), finds the
 * receipts whose batch a restart lost (deleted: their ballots never counted), and erases the
 * batch structure. Returns the voters whose ballots were lost.
 */
export async function landAll(tx: Tx, poll: Poll, stager: BallotStager): Promise<number[]> {
  const held = stager.held(poll.id);
  for (const token of held) await writeBatch(tx, poll.id, token, stager.batch(poll.id, token), false);
  const lost = await recoverLost(tx, poll.id, held);
  await eraseBatches(tx, poll.id);
  stager.forgetPoll(poll.id);
  return lost;
}

/**
 * Until this process has done it once for an open anonymous poll: receipts of batches that never
 * landed and that it does not hold were lost by a restart; they are deleted (so their voters may
 * vote again) and the voters returned, to be told. `committed` is called once the caller's
 * transaction has committed (then the poll is marked recovered).
 */
export async function recoverOnFirstLook(tx: Tx, poll: Poll, stager: BallotStager): Promise<{ lost: number[]; committed: () => void }> {
  const committed = (): void => stager.markRecovered(poll.id);
  if (!poll.anonymous || poll.status !== 'open' || !stager.needsRecovery(poll.id)) return { lost: [], committed: () => undefined };
  return { lost: await recoverLost(tx, poll.id, stager.held(poll.id)), committed };
}

/**
 * Tells voters whose anonymous ballots were lost: privately where possible (vote again), else one
 * line naming them in the poll's chat (that they voted was never secret: /turnout shows it).
 */
export async function notifyLost(env: BaseContext, poll: Poll, memberIds: readonly number[], closed: boolean): Promise<Delivery[]> {
  const out: Delivery[] = [];
  const unreachable: string[] = [];
  const text = env.t(closed ? 'polls.vote.lostClosed' : 'polls.vote.lost', { id: poll.id, question: poll.question });
  const privateChats = await privateChatsOfMembers(env.db, memberIds);
  const names = await membersByIds(env.db, memberIds);
  for (const id of memberIds) {
    const chats = (privateChats.get(id) ?? []).filter((c) => env.capabilitiesOf(c.platform)?.privateMessages);
    const chat = chats.find((c) => c.platform === poll.platform) ?? chats[0];
    if (chat) out.push({ chat, message: { kind: 'text', text } });
    else unreachable.push(names.get(id)?.name ?? `M${id}`);
  }
  if (unreachable.length > 0 && !closed) {
    const names = unreachable.join(env.t('polls.listSeparator'));
    out.push({ chat: { platform: poll.platform as Platform, chatId: poll.chatExternalId, kind: 'group', title: poll.chatTitle }, message: { kind: 'text', text: env.t('polls.vote.lostInGroup', { id: poll.id, names }) } });
  }
  return out;
}
