// A copy of the SQLite files links no ballot to a voter (issue 12). While 30 members vote
// privately in an anonymous rating, the database, its WAL and its journal are copied before and
// after every transaction the bot runs, and once more after shutdown. Each copy's bytes are
// scanned for vote texts and receipt codes; each copy is opened and its rows compared with the
// copy before: no transaction adds both a receipt and a ballot, every landed batch holds at least
// five voters, ballots carry no time and no order, and nothing of the batches is left at the end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/clock.ts';
import { openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { RecordingAdapter, TEXT_CAPABILITIES } from '../support/recording-adapter.ts';

const BRANCH = '东北流村党支部';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The bytes of the database files at one moment. */
interface Snapshot {
  readonly files: Record<string, Buffer>;
}

/** Copies the database, WAL and journal files that exist now. */
function snapshot(file: string): Snapshot {
  const files: Record<string, Buffer> = {};
  for (const ext of ['', '-wal', '-journal']) if (fs.existsSync(file + ext)) files[ext] = fs.readFileSync(file + ext);
  return { files };
}

/** The rows of a copy that matter: opened from a scratch folder, as someone holding the copy would. */
function rowsOf(s: Snapshot, scratch: string, n: number) {
  const dir = path.join(scratch, `s${n}`);
  fs.mkdirSync(dir);
  for (const [ext, bytes] of Object.entries(s.files)) fs.writeFileSync(path.join(dir, `copy.db${ext}`), bytes);
  const db = new BetterSqlite3(path.join(dir, 'copy.db'));
  try {
    const receipts = db.prepare('SELECT "memberId", "stage" FROM "PollReceipt"').all() as { memberId: number; stage: string | null }[];
    const ballots = db.prepare('SELECT "id" FROM "PollAnonBallot"').all() as { id: number }[];
    const batches = db.prepare('SELECT "token" FROM "PollBatch"').all() as { token: string }[];
    return { receipts, ballots: ballots.map((b) => b.id), batches: batches.map((b) => b.token) };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

it('copies of the database, WAL and journal taken around every commit and after shutdown link no voter to a score', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-forensic-'));
  dirs.push(dir);
  const file = path.join(dir, 'bot.db');
  const url = `file:${file}`;
  await migrateDatabase(url);
  const database = await openDatabase(url);
  const snaps: Snapshot[] = [];
  const client = database.db as unknown as { $transaction: (...a: unknown[]) => Promise<unknown> };
  const transaction = client.$transaction.bind(client);
  client.$transaction = async (...a: unknown[]) => {
    snaps.push(snapshot(file));
    try {
      return await transaction(...a);
    } finally {
      snaps.push(snapshot(file));
    }
  };
  const adapter = new RecordingAdapter('console', TEXT_CAPABILITIES);
  const clock = new ManualClock('2026-11-26T08:00:00Z');
  const app = createApp({ config: loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }), database, adapters: [adapter], logger: pino({ level: 'silent' }), clock, outbox: { idleMs: 20 } });
  await app.start();
  const say = async (user: string, text: string, priv = false) => {
    await adapter.deliver(adapter.message(user, text, { chat: BRANCH, sentAt: clock.now(), ...(priv ? { private: true } : {}) }));
    await app.idle(adapter.platform);
  };
  await say('管理员', `/bindchat ${BRANCH}`);
  await say('书记', '大家好');
  await say('管理员', '/setrole @书记 secretary');
  const voters = Array.from({ length: 30 }, (_, i) => `党员${i + 1}`);
  for (const v of voters) await say(v, '大家好');
  await say('书记', '/rate 村委会主任 --anon');
  const votes = voters.map((v, i) => ({ v, text: `/vote #1 ${60 + i}` }));
  const first = snaps.length;
  for (const { v, text } of votes) await say(v, text, true);
  await say('书记', '/close #1');
  await app.stop();
  await database.close();
  snaps.push(snapshot(file));

  const codes = adapter.sent.flatMap((d) => (d.message.kind === 'text' ? [...d.message.text.matchAll(/[2-9A-Z]{4}-[2-9A-Z]{4}/g)].map((m) => m[0]) : []));
  expect(new Set(codes).size).toBe(30);
  const tokens = new Set<string>();
  let before = rowsOf(snaps[first]!, dir, 0);
  for (const [n, s] of snaps.slice(first).entries()) {
    const bytes = Buffer.concat(Object.values(s.files)).toString('latin1');
    for (const code of codes) expect(bytes.includes(code), `code in copy ${n}`).toBe(false);
    for (const { text } of votes) expect(bytes.includes(text), `"${text}" in copy ${n}`).toBe(false);
    const now = rowsOf(s, dir, n + 1);
    for (const r of now.receipts) if (r.stage) tokens.add(r.stage);
    const newReceipts = now.receipts.length - before.receipts.length;
    const newBallots = now.ballots.length - before.ballots.length;
    expect(newReceipts > 0 && newBallots > 0, `copy ${n}: a receipt and a ballot written by one transaction`).toBe(false);
    // Every landed batch hides its ballots among at least five voters (the close writes the rest).
    for (const token of now.batches) expect(now.receipts.filter((r) => r.stage === token).length).toBeGreaterThanOrEqual(5);
    before = now;
  }
  const last = rowsOf(snaps.at(-1)!, dir, 9999);
  expect(last.ballots).toHaveLength(30);
  // Ids are random (not the order of the votes), and the table has no time or voter column.
  expect(Math.max(...last.ballots) - Math.min(...last.ballots)).toBeGreaterThan(1_000_000);
  // After shutdown: no WAL left, and the batch tokens (which grouped receipts) are gone from every byte.
  const final = snaps.at(-1)!;
  expect(final.files['-wal']?.length ?? 0).toBe(0);
  expect(final.files['-journal']).toBeUndefined();
  const finalBytes = final.files['']!.toString('latin1');
  expect(tokens.size).toBe(6);
  for (const t of tokens) expect(finalBytes.includes(t), `batch token ${t} after shutdown`).toBe(false);
  expect(last.receipts.every((r) => r.stage === null)).toBe(true);
  // The file modes: readable by the bot's user only.
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
}, 120_000);
