// PostgreSQL keeps no link either (issue 12), read as a superuser would with pageinspect: every
// tuple of the ballot and receipt tables, dead ones included, before and after close; and every
// WAL file the server lets a superuser read. No ballot version carries a receipt's transaction
// id, no ballot is ever updated (no dead versions), the receipts' batch tokens are vacuumed away
// after close, and no receipt code or vote text is in the WAL. Runs with TEST_DATABASE_URL.
import { afterEach, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { describePg, freshPostgres } from '../support/db.ts';
import { announcedId, receiptCodes, setUpBranch, startPollsBot, type PollsBot } from '../features/polls/harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** Every tuple of a table (live and dead) with its xmin and xmax, page by page. */
async function tuples(db: Db, table: string): Promise<{ xmin: string; xmax: string; data: string }[]> {
  const pages = (await db.$queryRawUnsafe<{ pages: number }[]>(`SELECT (pg_relation_size('"${table}"') / current_setting('block_size')::int)::int AS pages`))[0]!.pages;
  const out: { xmin: string; xmax: string; data: string }[] = [];
  for (let p = 0; p < pages; p++) {
    out.push(
      ...(await db.$queryRawUnsafe<{ xmin: string; xmax: string; data: string }[]>(
        `SELECT t_xmin::text AS xmin, t_xmax::text AS xmax, encode(coalesce(t_data, ''::bytea), 'escape') AS data FROM heap_page_items(get_raw_page('"${table}"', ${p})) WHERE lp_flags = 1`,
      )),
    );
  }
  return out;
}

/** The bytes of every WAL segment, as latin1 text to search. */
async function walText(db: Db): Promise<string> {
  const files = await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pg_ls_waldir() ORDER BY name`);
  let text = '';
  for (const f of files) {
    const [row] = await db.$queryRawUnsafe<{ b: Buffer }[]>(`SELECT pg_read_binary_file('pg_wal/' || $1) AS b`, f.name);
    text += Buffer.from(row!.b).toString('latin1');
  }
  return text;
}

describePg('secret ballots on PostgreSQL, read with pageinspect', () => {
  it('no ballot version shares a transaction id with a receipt, dead or alive; no code or vote text in the WAL', async () => {
    bot = await startPollsBot({ database: freshPostgres, capabilities: { images: false } });
    const db = bot.db.db;
    await db.$executeRawUnsafe('CREATE EXTENSION IF NOT EXISTS pageinspect');
    const vs = Array.from({ length: 12 }, (_, i) => `党员${i + 1}`);
    await setUpBranch(bot, '书记', vs);
    const id = announcedId(await bot.texts('书记', '/rate 村委会主任 --anon'));
    const texts = vs.map((_, i) => `/vote #${id} ${61 + i}`);
    for (const [i, v] of vs.entries()) await bot.texts(v, texts[i]!, { private: true });
    // The voters' transactions: those that inserted the receipts.
    const voterTx = new Set((await tuples(db, 'PollReceipt')).map((r) => r.xmin));
    expect(voterTx.size).toBe(12);
    const check = async (when: string) => {
      const ballots = await tuples(db, 'PollAnonBallot');
      const receipts = await tuples(db, 'PollReceipt');
      const receiptTx = voterTx;
      for (const b of ballots) expect(receiptTx.has(b.xmin), `${when}: a ballot version written by a voter's transaction`).toBe(false);
      for (const b of ballots) expect(b.xmax, `${when}: a ballot version was updated or deleted`).toBe('0');
      // Ballots of one transaction: a batch of at least five (the close writes the rest).
      const perTx = new Map<string, number>();
      for (const b of ballots) perTx.set(b.xmin, (perTx.get(b.xmin) ?? 0) + 1);
      return { ballots, receipts, perTx };
    };
    const open = await check('open');
    expect(open.ballots).toHaveLength(10);
    for (const n of open.perTx.values()) expect(n).toBe(5);
    await bot.texts('书记', `/close #${id}`);
    const closed = await check('closed');
    expect(closed.ballots).toHaveLength(12);
    expect([...closed.perTx.values()].sort()).toEqual([2, 5, 5]);
    // After close the batch tokens were cleared and vacuumed: no receipt version is left with one.
    for (const r of closed.receipts) expect(r.xmax, 'a dead receipt version after the vacuum').toBe('0');
    const n = (await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "PollReceipt" WHERE "stage" IS NOT NULL`))[0]!.n;
    expect(n).toBe(0);
    const wal = await walText(db);
    const codes = vs.flatMap((v) => receiptCodes(bot!, v));
    expect(codes).toHaveLength(12);
    for (const code of codes) expect(wal.includes(code), `code ${code} in the WAL`).toBe(false);
    for (const t of texts) expect(wal.includes(t), `"${t}" in the WAL`).toBe(false);
  }, 240_000);
});
