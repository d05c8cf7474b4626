// The polls feature on PostgreSQL (TEST_DATABASE_URL): the same exact tally of anonymous ballots
// (test/reliability/forensic-postgres.test.ts reads every tuple with pageinspect).
import { afterEach, expect, it } from 'vitest';
import { describePg, freshPostgres } from '../../support/db.ts';
import { announcedId, setUpBranch, startPollsBot, type PollsBot } from './harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describePg('polls on PostgreSQL', () => {
  it('anonymous ballots: exact tally at close; batches of five in transactions of their own; no voter column', async () => {
    bot = await startPollsBot({ database: freshPostgres, capabilities: { images: false } });
    const vs = Array.from({ length: 8 }, (_, i) => `党员${i + 1}`);
    await setUpBranch(bot, '书记', vs);
    const id = announcedId(await bot.texts('书记', '/poll 是否同意 | 同意 | 不同意 --anon'));
    const picks = [0, 1, 0, 0, 1, 0, 1, 0];
    for (const [i, v] of vs.entries()) await bot.texts(v, `/vote #${id} ${picks[i]! + 1}`, { private: true });
    const db = bot.db.db;
    // Five landed as one batch, in one transaction that wrote no receipt; three wait for the close.
    const ballotTx = await db.$queryRawUnsafe<{ x: string; n: number }[]>(`SELECT xmin::text AS x, count(*)::int AS n FROM "PollAnonBallot" WHERE "pollId" = ${id} GROUP BY 1`);
    expect(ballotTx.map((b) => b.n)).toEqual([5]);
    const receiptTx = await db.$queryRawUnsafe<{ x: string }[]>(`SELECT xmin::text AS x FROM "PollReceipt" WHERE "pollId" = ${id}`);
    expect(receiptTx).toHaveLength(8);
    expect(receiptTx.some((r) => r.x === ballotTx[0]!.x)).toBe(false);
    const [res] = await bot.texts('书记', `/close #${id}`);
    expect(res).toContain('1. 同意：5 票\n2. 不同意：3 票\n参与：8 / 9 人（89%）');
    const cols = await db.$queryRawUnsafe<{ column_name: string }[]>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'PollAnonBallot' ORDER BY column_name`,
    );
    expect(cols.map((c) => c.column_name)).toEqual(['choices', 'id', 'pollId', 'score']);
  }, 120_000);
});
