// The vote's raw statements (#18: fewer statements on the hot path), on SQLite and PostgreSQL:
// the poll read with one typed raw SELECT, the named ballot written with one raw upsert that tells
// a changed vote by the receipt. Every rule of a vote still holds: a first vote writes one receipt
// and one ballot, the same vote again and a changed vote replace the ballot (one row, one
// receipt, the tally counts the last), a closed poll takes no vote, a rating's score is replaced,
// an anonymous poll's voter gets a receipt and no named ballot. On SQLite, a changed vote costs
// 2 statements of the feature (it was 3: poll, ballot read, ballot update).
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.ts';
import { getPoll } from '../../../src/features/polls/store.ts';
import { startTrace, stopTrace } from '../../../bench/sqltrace.ts';
import { describePg, freshPostgres, freshSqlite } from '../../support/db.ts';
import { announcedId, BRANCH, setUpBranch, startPollsBot, type PollsBot } from './harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const SEC = '书记王芳';

/** The named ballots and receipts of a poll, as rows. */
async function rowsOf(b: PollsBot, pollId: number) {
  const db = b.db.db;
  const ballots = await db.pollBallot.findMany({ where: { pollId }, orderBy: { id: 'asc' }, select: { memberId: true, choices: true, score: true, createdAt: true, updatedAt: true } });
  const receipts = await db.pollReceipt.findMany({ where: { pollId }, select: { memberId: true } });
  return { ballots, receipts };
}

async function voteRules(database: () => Promise<Database>): Promise<void> {
  bot = await startPollsBot({ database });
  await setUpBranch(bot, SEC, ['甲', '乙']);
  const id = announcedId(await bot.texts(SEC, '/poll 村道先修哪条 | 东线 | 西线 | 都不修 --close 24h'));

  // The poll as the raw read gives it: every column typed as Prisma's model query gives it.
  const poll = (await getPoll(bot.db.db, id))!;
  const model = await bot.db.db.poll.findUniqueOrThrow({ where: { id } });
  expect(poll).toEqual({ ...model, options: ['东线', '西线', '都不修'] });
  expect(poll.closesAt).toBeInstanceOf(Date);
  expect(typeof poll.anonymous).toBe('boolean');
  expect(await getPoll(bot.db.db, id + 100)).toBeNull();

  // First vote: one receipt, one ballot.
  expect(await bot.texts('甲', `/vote #${id} 1`)).toEqual([`已记录：你在 #${id} 选了 1. 东线。`]);
  let rows = await rowsOf(bot, id);
  expect(rows.receipts).toHaveLength(1);
  expect(rows.ballots.map((b) => b.choices)).toEqual(['[0]']);
  const first = rows.ballots[0]!;
  expect(first.createdAt.getTime()).toBe(first.updatedAt.getTime());

  // The same vote again, at the same instant: replaced, still one ballot and one receipt.
  expect(await bot.texts('甲', `/vote #${id} 1`)).toEqual([`已改为：你在 #${id} 选了 1. 东线。`]);
  // A changed vote, later: replaced; the ballot keeps its creation time.
  bot.clock.advance(60_000);
  expect(await bot.texts('甲', `/vote #${id} 2`)).toEqual([`已改为：你在 #${id} 选了 2. 西线。`]);
  rows = await rowsOf(bot, id);
  expect(rows.receipts).toHaveLength(1);
  expect(rows.ballots).toHaveLength(1);
  expect(rows.ballots[0]).toMatchObject({ choices: '[1]', score: null, createdAt: first.createdAt, updatedAt: bot.clock.now() });

  // Another voter's first vote by a bare answer: a receipt and a ballot of their own.
  expect(await bot.texts('乙', '3')).toEqual([`已记录：你在 #${id} 选了 3. 都不修。`]);
  rows = await rowsOf(bot, id);
  expect(rows.receipts).toHaveLength(2);
  expect(rows.ballots.map((b) => b.choices)).toEqual(['[1]', '[2]']);

  // Closed: no vote is taken, nothing changes; the tally counts the last ballots.
  const [result] = await bot.texts(SEC, `/close #${id}`);
  expect(result).toContain('1. 东线：0 票\n2. 西线：1 票\n3. 都不修：1 票');
  expect(await bot.texts('甲', `/vote #${id} 3`)).toEqual([`#${id} 已经结束，不能再投票了。`]);
  expect(await rowsOf(bot, id)).toEqual(rows);

  // A named rating: the score is replaced, not added.
  const rating = announcedId(await bot.texts(SEC, '/rate 镇党委 --close 24h'));
  expect(await bot.texts('甲', `/vote #${rating} 90`)).toEqual([`已记录：你给 #${rating} 打了 90 分。`]);
  expect(await bot.texts('甲', `/vote #${rating} 七十`)).toEqual([`已改为：你给 #${rating} 打了 70 分。`]);
  const ratingRows = await rowsOf(bot, rating);
  expect(ratingRows.receipts).toHaveLength(1);
  expect(ratingRows.ballots.map((b) => [b.choices, b.score])).toEqual([['[]', 70]]);

  // An anonymous poll: a receipt, never a named ballot.
  const anon = announcedId(await bot.texts(SEC, '/poll 是否同意 | 同意 | 不同意 --anon'));
  await bot.texts('甲', `/vote #${anon} 1`, { private: true });
  const anonRows = await rowsOf(bot, anon);
  expect(anonRows.receipts).toHaveLength(1);
  expect(anonRows.ballots).toEqual([]);
}

describe('the vote on SQLite', () => {
  it('keeps every rule of a vote with its raw statements', { timeout: 60_000 }, () => voteRules(freshSqlite));

  it('a changed vote costs two statements of the feature, a first vote three', { timeout: 60_000 }, async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, SEC, ['甲']);
    const id = announcedId(await bot.texts(SEC, '/poll 村道先修哪条 | 东线 | 西线'));
    const featureStatements = async (text: string) => {
      await bot!.app.outbox.stop();
      startTrace();
      expect(await bot!.app.handle(bot!.adapter.message('甲', text, { chat: BRANCH, sentAt: bot!.clock.now() }))).toBe('done');
      return stopTrace()
        .map((s) => /(?:FROM|INTO|UPDATE)\s+(?:`main`\.)?[`"]?(Poll\w*)/i.exec(s.sql)?.[1])
        .filter((table) => table !== undefined);
    };
    expect(await featureStatements(`/vote #${id} 1`)).toEqual(['Poll', 'PollBallot', 'PollReceipt']);
    expect(await featureStatements(`/vote #${id} 2`)).toEqual(['Poll', 'PollBallot']);
  });
});

describePg('the vote on PostgreSQL', () => {
  it('keeps every rule of a vote with its raw statements', { timeout: 90_000 }, () => voteRules(freshPostgres));
});
