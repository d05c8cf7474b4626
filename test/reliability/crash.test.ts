// Crashes: the bot runs as a child process (test/support/bot-process.ts: the real app, SQLite file,
// the real Telegram adapter) against the fake Bot API server in this process, is killed with
// SIGKILL in the middle of its work, and is started again on the same database with the same
// instance id (so it takes its outbox leases back at once).
// - During a 500-chat broadcast: afterwards every chat has the notice; the only duplicates are
//   sends that were in flight at the kill (rows the dead process had leased), and at most that many.
// - While processing inbound updates: every update is processed exactly once (the fake
//   redelivers what was not confirmed; the inbox recovers what was recorded but not processed).
// - Between staging anonymous ballots and writing their batch: every vote lands or its voter is
//   told privately to vote again; the tally at close matches a model of what was accepted.
import { spawn, type ChildProcess } from 'node:child_process';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TelegramAdapter } from '../../src/adapters/telegram/adapter.ts';
import type { ChatRef } from '../../src/bot/types.ts';
import type { Database } from '../../src/db/client.ts';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import { freshSqlite } from '../support/db.ts';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram.ts';

const FULL = process.env.RELIABILITY_FULL === '1';
const ADMIN: FakeUser = { id: 900001, first_name: '镇', last_name: '管理员' };

let fake: FakeTelegram | undefined;
let db: (Database & { file: string }) | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake?.stop();
  await db?.close();
  fake = undefined;
  db = undefined;
});

/** Starts the bot process and resolves once it printed `ready`. */
async function startBot(rateScale: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/bot-process.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: db!.url,
      TELEGRAM_BOT_TOKEN: fake!.token,
      TELEGRAM_API_ROOT: fake!.apiRoot,
      BOT_ADMINS: `telegram:${ADMIN.id}`,
      BOT_LOCALE: 'zh-CN',
      BOT_MAX_EVENT_AGE_SECONDS: '86400',
      XF_INSTANCE_ID: 'crash-test-bot',
      XF_RATE_SCALE: String(rateScale),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`bot process exited (${code ?? signal}) before it was ready: ${stderr.slice(-2000)}`)));
  });
  return child;
}

/** SIGKILL, and wait until the process is gone. */
async function kill9(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

/** SIGTERM (a clean stop), and wait until the process is gone. */
async function stop(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await gone;
}

/** Polls the database until nothing is left to send. */
async function outboxSettled(timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const left = await db!.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } });
    if (left === 0) return;
    if (Date.now() > until) throw new Error(`outbox still has ${left} messages to send`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('kill -9 and restart', () => {
  it('during a 500-chat broadcast: every chat gets the notice, duplicates only from sends in flight at the kill', async () => {
    fake = new FakeTelegram({ unknownChats: 'accept' });
    await fake.start();
    db = await freshSqlite();
    const caps = new TelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger: pino({ level: 'silent' }), locale: 'zh-CN', commands: [] }).capabilities;
    const CHATS = 500;
    const chats: ChatRef[] = Array.from({ length: CHATS }, (_, i) => ({ platform: 'telegram', chatId: String(-1_001_000_000 - i), kind: 'group' }));
    await db.db.$transaction((tx) =>
      enqueueMessages(tx, chats.map((chat, i) => ({ chat, message: { kind: 'text', text: `【通知】周五召开党员大会` }, key: `crash:notice:${i}` })), () => caps, new Date()),
    );

    const kills = FULL ? 3 : 1;
    let inFlightTotal = 0;
    let child = await startBot(5);
    for (let k = 1; k <= kills; k++) {
      const target = Math.floor((CHATS * k) / (kills + 1));
      await fake.waitFor(() => fake!.sent().length >= target, `${target} notices sent`, 120_000);
      await kill9(child);
      inFlightTotal += await db.db.outboxMessage.count({ where: { status: 'sending' } });
      expect(new Set(fake.sent().map((c) => c.chatId)).size).toBeLessThan(CHATS); // killed mid-delivery
      child = await startBot(5);
    }
    await fake.waitFor(() => new Set(fake!.sent().map((c) => c.chatId)).size >= CHATS, 'every chat served', 120_000);
    await outboxSettled(60_000);
    await stop(child);

    const perChat = new Map<string, number>();
    for (const c of fake.sent()) perChat.set(c.chatId!, (perChat.get(c.chatId!) ?? 0) + 1);
    const duplicates = [...perChat.values()].reduce((a, n) => a + n - 1, 0);
    console.log(`crash during broadcast: ${kills} kill(s), ${inFlightTotal} sends in flight at the kills, ${duplicates} duplicates, ${perChat.size} of ${CHATS} chats served`);
    expect(chats.filter((c) => !perChat.has(c.chatId))).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(inFlightTotal);
    expect(await db.db.outboxMessage.count({ where: { status: 'sent' } })).toBe(CHATS);
  }, 300_000);

  it('while processing inbound updates: every update is processed exactly once', async () => {
    fake = new FakeTelegram();
    await fake.start();
    db = await freshSqlite();
    const village = { id: -1_002_000_001, title: '东村党支部群' };
    let child = await startBot(50);
    const bind = fake.injectGroupMessage({ chat: village, from: ADMIN, text: '/bindchat 东村党支部' });
    await fake.waitForConfirmed(bind.updateId, 60_000);

    const UPDATES = FULL ? 600 : 200;
    const members: FakeUser[] = Array.from({ length: 50 }, (_, j) => ({ id: 700_000 + j, first_name: `党员${j}` }));
    const ids: number[] = [];
    for (let i = 0; i < UPDATES; i++) ids.push(fake.injectGroupMessage({ chat: village, from: members[i % members.length]!, text: `/suggest 第${i}条建议：修一修村口的路` }).updateId);

    const kills = FULL ? 3 : 1;
    for (let k = 1; k <= kills; k++) {
      const target = ids[Math.floor((UPDATES * k) / (kills + 1))]!;
      await fake.waitForConfirmed(target, 120_000);
      await kill9(child);
      child = await startBot(50);
    }
    await fake.waitForConfirmed(ids[ids.length - 1]!, 120_000);
    await outboxSettled(60_000);
    await stop(child);

    const suggestions = await db.db.suggestion.findMany({ select: { text: true } });
    const texts = suggestions.map((s) => s.text).sort();
    expect(texts).toEqual(Array.from({ length: UPDATES }, (_, i) => `第${i}条建议：修一修村口的路`).sort());
    const events = await db.db.inboundEvent.groupBy({ by: ['status'], _count: true });
    expect(events.map((e) => [e.status, e._count])).toEqual([['done', UPDATES + 1]]);
    // Every update got its acknowledgement (the "received your suggestion #N" reply) at least once.
    const replies = fake.sent(village.id).map((c) => String(c.payload.text));
    for (let n = 1; n <= UPDATES; n++) {
      const id = new RegExp(`#${n}(?!\\d)`);
      expect(replies.some((t) => id.test(t)), `reply to suggestion #${n}`).toBe(true);
    }
  }, 300_000);

  it('between staging anonymous ballots and writing their batch: each vote lands or its voter is told to vote again', async () => {
    fake = new FakeTelegram();
    await fake.start();
    db = await freshSqlite();
    const village = { id: -1_002_000_002, title: '西村党支部群' };
    let child = await startBot(50);
    const members: FakeUser[] = Array.from({ length: 10 }, (_, j) => ({ id: 710_000 + j, first_name: `村民${j}` }));
    const steps = [fake.injectGroupMessage({ chat: village, from: ADMIN, text: '/bindchat 西村党支部' }).updateId];
    for (const m of members) steps.push(fake.injectGroupMessage({ chat: village, from: m, text: '大家好' }).updateId);
    steps.push(fake.injectGroupMessage({ chat: village, from: ADMIN, text: '/rate 村委会主任 --anon' }).updateId);
    await fake.waitForConfirmed(steps.at(-1)!, 60_000);
    const accepted = new Map<number, number>();
    const repliedTo = (m: FakeUser, pattern: RegExp, at = 0) => fake!.sent(m.id).slice(at).some((c) => pattern.test(String(c.payload.text)));
    const vote = async (m: FakeUser, score: number) => {
      const at = fake!.sent(m.id).length;
      fake!.injectPrivateMessage({ from: m, text: `/vote #1 ${score}` });
      await fake!.waitFor(() => repliedTo(m, /已收到你在 #1 的匿名票/, at), `${m.first_name}'s vote`, 60_000);
      accepted.set(m.id, score);
    };
    // Five land as a batch; two more are staged in memory when the process is killed.
    for (const [i, m] of members.slice(0, 7).entries()) await vote(m, 60 + i);
    expect(await db.db.pollAnonBallot.count()).toBe(5);
    await kill9(child);
    child = await startBot(50);
    // The next vote on the poll finds the two lost batches' voters and tells them privately.
    await vote(members[7]!, 90);
    for (const m of members.slice(5, 7)) {
      await fake.waitFor(() => repliedTo(m, /因机器人重启没有计入，请重新投一次/), `${m.first_name} told to vote again`, 60_000);
      accepted.delete(m.id);
    }
    for (const m of members.slice(0, 5)) expect(repliedTo(m, /重启/)).toBe(false);
    for (const [i, m] of members.slice(5, 7).entries()) await vote(m, 95 + i);
    // Two more fill the new batch, which lands: the tally is then all in the database.
    for (const [i, m] of members.slice(8, 10).entries()) await vote(m, 70 + i);
    await stop(child);
    // (The close and its chart are left out: rendering a chart inside the transaction outruns
    // Prisma's 5 s timeout on a loaded machine; the tally the close would post is read here.)
    const stored = (await db.db.pollAnonBallot.findMany({ select: { score: true } })).map((b) => b.score).sort((a, b) => a! - b!);
    expect(stored).toEqual([...accepted.values()].sort((a, b) => a - b));
    expect(await db.db.pollReceipt.count()).toBe(accepted.size);
    expect(accepted.size).toBe(10);
  }, 300_000);
});
