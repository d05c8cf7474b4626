// The polls feature on PostgreSQL (TEST_DATABASE_URL): the same exact tally, and the anonymity
// measure that only PostgreSQL needs — every anonymous ballot row is rewritten in the latest
// voter's transaction in a random order, so neither the per-row transaction id (xmin) nor the
// physical order (ctid) can pair a ballot with a receipt.
import { afterEach, expect, it } from 'vitest';
import { describePg, freshPostgres } from '../../support/db.ts';
import { announcedId, setUpBranch, startPollsBot, type PollsBot } from './harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describePg('polls on PostgreSQL', () => {
  it('anonymous ballots: exact tally; all rows share the last vote transaction; nothing pairs them with receipts', async () => {
    bot = await startPollsBot({ database: freshPostgres });
    const vs = Array.from({ length: 8 }, (_, i) => `党员${i + 1}`);
    await setUpBranch(bot, '书记', vs);
    const id = announcedId(await bot.texts('书记', '/poll 是否同意 | 同意 | 不同意 --anon'));
    const picks = [0, 1, 0, 0, 1, 0, 1, 0];
    // Where the newest ballot sits in the table's physical order (ctid) after each vote.
    const newestLast: boolean[] = [];
    let tags: string[] = [];
    for (const [i, v] of vs.entries()) {
      await bot.texts(v, String(picks[i]! + 1));
      const now = (await bot.db.db.$queryRawUnsafe<{ tag: string }[]>(`SELECT tag FROM "PollAnonBallot" WHERE "pollId" = ${id} ORDER BY ctid`)).map((r) => r.tag);
      const added = now.filter((t) => !tags.includes(t));
      expect(added).toHaveLength(1);
      if (i > 0) newestLast.push(now.at(-1) === added[0]);
      tags = now;
    }
    // Appended rows would put the newest ballot last every time; reshuffled, that happens for all
    // seven votes with probability 1/8! (1 in 40,320).
    expect(newestLast.every(Boolean)).toBe(false);
    const [res] = await bot.texts('书记', `/results #${id}`);
    expect(res).toContain('1. 同意：5 票\n2. 不同意：3 票\n参与：8 / 10 人（80%）');

    const db = bot.db.db;
    const ballotTx = await db.$queryRawUnsafe<{ x: string }[]>(`SELECT DISTINCT xmin::text AS x FROM "PollAnonBallot" WHERE "pollId" = ${id}`);
    expect(ballotTx).toHaveLength(1);
    const receiptTx = await db.$queryRawUnsafe<{ x: string }[]>(`SELECT xmin::text AS x FROM "PollReceipt" WHERE "pollId" = ${id} ORDER BY id`);
    expect(receiptTx).toHaveLength(8);
    // Only the last voter's receipt shares the ballots' transaction: which is true of every ballot alike.
    expect(receiptTx.filter((r) => r.x === ballotTx[0]!.x)).toHaveLength(1);
    expect(receiptTx[7]!.x).toBe(ballotTx[0]!.x);
    const cols = await db.$queryRawUnsafe<{ column_name: string }[]>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'PollAnonBallot' ORDER BY column_name`,
    );
    expect(cols.map((c) => c.column_name)).toEqual(['choices', 'id', 'pollId', 'score', 'tag']);
  });
});
