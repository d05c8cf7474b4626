// Redelivery: a platform may hand the bot the same update again (a webhook retry, a reconnect
// replay, a crash before the offset moved). The same conversation is fed to two fresh bots: once,
// and with every update delivered twice — the second copies at random later positions (seeded),
// or both copies at the same moment. The domain tables (members, pledges and their check-ins,
// ballots, audit…) and the replies must come out identical.
import { afterEach, describe, expect, it } from 'vitest';
import type { Incoming } from '../../src/bot/types.ts';
import { ManualClock } from '../../src/clock.ts';
import type { Database } from '../../src/db/client.ts';
import { RecordingAdapter } from '../support/recording-adapter.ts';
import { freshSqlite } from '../support/db.ts';
import { domainSnapshot, startReliabilityBot, type ReliabilityBot } from '../support/reliability.ts';
import { seededRandom } from '../support/seeded-random.ts';

const START = new Date('2026-11-26T02:00:00Z'); // 10:00 in Asia/Shanghai, no scheduled job due
const SCHEDULER_TABLES = ['ScheduleOccurrence', 'ScheduledTask', 'SchedulerCursor'];

/** One step of the conversation: who says what where. */
interface Step {
  readonly user: string;
  readonly chat: string;
  readonly text: string;
  /** Said in the user's private chat with the bot (anonymous ballots come only there or by button). */
  readonly private?: boolean;
}

/**
 * A conversation in two village chats: binding, registration, pledges, check-ins (some of them
 * malformed or refused), /whoami, suggestions, a named poll with votes that replace earlier ones
 * and an anonymous one voted privately. Every command it uses must be registered (REQUIRED): a
 * renamed one fails the test, never quietly shortens the conversation.
 */
function conversation(): Step[] {
  const steps: Step[] = [];
  const villages = ['东村党支部群', '西村党支部群'];
  villages.forEach((chat, v) => steps.push({ user: '管理员', chat, text: `/bindchat ${v === 0 ? '东村' : '西村'}党支部` }));
  const members = Array.from({ length: 12 }, (_, i) => ({ user: `党员${i}`, chat: villages[i % 2]! }));
  for (const m of members) steps.push({ ...m, text: '/whoami' });
  for (const m of members) steps.push({ ...m, text: `/pledge 帮扶困难户 目标${5 + (m.user.length % 3)}` });
  // Poll #1 named (east), #2 anonymous (west).
  villages.forEach((chat, v) => steps.push({ user: '管理员', chat, text: `/poll 先修哪条路 | 东路 | 西路 | 南路${v === 1 ? ' --anon' : ''}` }));
  for (let round = 0; round < 4; round++) {
    members.forEach((m, i) => {
      steps.push({ ...m, text: `/checkin +${1 + ((i + round) % 3)} 第${round + 1}次走访` });
      steps.push({ ...m, text: `/vote #${1 + (i % 2)} ${1 + ((i + round) % 3)}`, ...(i % 2 ? { private: true } : {}) });
      if ((i + round) % 5 === 0) steps.push({ ...m, text: '/checkin +abc' });
      if ((i + round) % 7 === 0) steps.push({ ...m, text: '/setrole @党员1 secretary' });
    });
  }
  members.slice(0, 4).forEach((m, i) => steps.push({ ...m, text: `/suggest 建议${i}：村里路灯晚上九点就关了` }));
  for (const m of members) steps.push({ ...m, text: '/whoami' });
  return steps;
}

/** The result of feeding a delivery order to a fresh bot. */
interface Outcome {
  readonly snapshot: Record<string, string[]>;
  readonly replies: string[];
  readonly outcomes: Record<string, number>;
}

let bot: ReliabilityBot | undefined;
let db: Database | undefined;
afterEach(async () => {
  await bot?.stop();
  await db?.close();
  bot = undefined;
  db = undefined;
});

/**
 * Feeds `order` (indexes into the events; a repeated index is a redelivery) to a fresh bot.
 * The clock stands at event i's time whenever event i is first delivered, so both runs see the
 * same times. `together` delivers each index group at once (concurrently).
 */
async function feed(steps: readonly Step[], order: readonly (readonly number[])[]): Promise<Outcome> {
  db = await freshSqlite();
  const clock = new ManualClock(START);
  const adapter = new RecordingAdapter();
  bot = await startReliabilityBot(db, { clock, adapter, env: { BOT_ADMINS: 'console:管理员', BOT_LOCALE: 'zh-CN' } });
  const events: Incoming[] = steps.map((s, i) => adapter.message(s.user, s.text, { chat: s.chat, eventId: `upd-${i}`, sentAt: new Date(START.getTime() + i * 1000), ...(s.private ? { private: true } : {}) }));
  const outcomes: Record<string, number> = {};
  for (const group of order) {
    const latest = Math.max(...group);
    if (clock.now().getTime() < START.getTime() + latest * 1000) clock.set(new Date(START.getTime() + latest * 1000));
    // Through the intake, as an adapter hands events over: the chat lanes run concurrently.
    const results = await Promise.all(group.map(async (i) => (await bot!.app.submit(events[i]!)).processed));
    for (const r of results) outcomes[r] = (outcomes[r] ?? 0) + 1;
  }
  await bot.app.idle();
  // Receipt codes of anonymous ballots are random by design: compared as a placeholder.
  const replies = adapter.sent.map((d) => `${d.chat.chatId}: ${d.message.kind === 'text' ? d.message.text : d.message.kind}`.replace(/\b[0-9A-Z]{4}-[0-9A-Z]{4}\b/g, 'CODE'));
  // Batch tokens of staged anonymous ballots are random, like receipt codes.
  const snapshot = await domainSnapshot(db, [/^stage$/, /^token$/]);
  for (const t of SCHEDULER_TABLES) delete snapshot[t];
  await bot.stop();
  await db.close();
  bot = undefined;
  db = undefined;
  return { snapshot, replies, outcomes };
}

/** The commands the conversation sends; each must be registered under this name. */
const REQUIRED = ['bindchat', 'whoami', 'pledge', 'checkin', 'setrole', 'poll', 'vote', 'suggest'];

/** Registered command names, from a throwaway bot. */
async function registeredCommands(): Promise<Set<string>> {
  const d = await freshSqlite();
  const b = await startReliabilityBot(d);
  const names = new Set(b.app.registry.commands.map((c) => c.name));
  await b.stop();
  await d.close();
  return names;
}

describe('redelivery: every update twice gives the same tallies as once', () => {
  it('second copies at random later positions, and both copies at once', async () => {
    const commands = await registeredCommands();
    expect(REQUIRED.filter((c) => !commands.has(c)), 'commands the conversation needs but the registry lacks').toEqual([]);
    const steps = conversation();
    const n = steps.length;
    expect(n).toBeGreaterThan(60);

    const once = await feed(steps, steps.map((_, i) => [i]));
    expect(once.outcomes.duplicate ?? 0).toBe(0);
    expect(once.snapshot.Member).toHaveLength(13);
    expect(once.snapshot.PledgeCheckin!.length).toBeGreaterThanOrEqual(48);
    {
      expect(once.snapshot.PollBallot).toHaveLength(6);
      // Six anonymous ballots (never replaced): five landed as a batch, one still staged (poll open).
      expect(once.snapshot.PollAnonBallot).toHaveLength(5);
      expect(once.snapshot.PollReceipt).toHaveLength(12); // a receipt per voter in both polls
    }

    // Each update's second copy is inserted at a random position after its first (seed 20261126).
    const random = seededRandom(20261126);
    const order: number[][] = steps.map((_, i) => [i]);
    for (let i = n - 1; i >= 0; i--) {
      const at = i + 1 + Math.floor(random() * (order.length - i));
      order.splice(at, 0, [i]);
    }
    expect(order).toHaveLength(2 * n);
    const twice = await feed(steps, order);
    expect(twice.outcomes.duplicate).toBe(n);
    expect(twice.snapshot).toEqual(once.snapshot);
    expect(twice.replies.sort()).toEqual([...once.replies].sort());

    // Both copies at the same moment (two webhook deliveries racing).
    const together = await feed(steps, steps.map((_, i) => [i, i]));
    expect(together.outcomes.duplicate).toBe(n);
    expect(together.snapshot).toEqual(once.snapshot);
    expect(together.replies.sort()).toEqual([...once.replies].sort());
  }, 600_000);
});
