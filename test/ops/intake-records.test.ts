// The intake records events (the inbox's first step) in batches, at most RECORD_CONCURRENCY
// statements at once, in the order handed over, however many chats a burst comes from: a burst's
// inserts must leave the database pool's connections to the handlers (the county benchmark, #18).
// Without a database: a staged receiver that counts statements in flight and holds each until the
// test lets it go.
import { expect, it } from 'vitest';
import type { RecordAttempt, RecordedEvent } from '../../src/bot/inbox.ts';
import type { Incoming } from '../../src/bot/types.ts';
import { Intake, RECORD_CONCURRENCY } from '../../src/ops/intake.ts';

const event = (chat: number, id: string): Incoming => ({ eventId: id, chat: { platform: 'console', chatId: `c${chat}`, kind: 'group' } }) as unknown as Incoming;
const turn = () => new Promise((r) => setImmediate(r));

it(`records in batches, at most ${RECORD_CONCURRENCY} statements at once, in the order handed over, and processes every one`, async () => {
  let inFlight = 0;
  let most = 0;
  const started: string[] = [];
  const batches: number[] = [];
  const release: (() => void)[] = [];
  const processed: string[] = [];
  const intake = new Intake(
    {
      recordMany: async (incomings) => {
        inFlight++;
        most = Math.max(most, inFlight);
        batches.push(incomings.length);
        started.push(...incomings.map((i) => i.eventId));
        await new Promise<void>((resolve) => release.push(resolve));
        inFlight--;
        return incomings.map((incoming): RecordAttempt => ({ ok: true, value: { id: started.indexOf(incoming.eventId) + 1, incoming, secrecy: 'open', receivedAt: new Date() } satisfies RecordedEvent }));
      },
      processRecorded: async (e) => {
        processed.push(e.incoming.eventId);
        return 'done';
      },
    },
    undefined,
    { recordBatchRows: 3 },
  );
  const ids = Array.from({ length: 12 }, (_, i) => `e${i}`);
  const sinks = ids.map((id, i) => intake.sink(event(i, id)));
  for (let i = 0; i < 20; i++) await turn();
  expect(inFlight).toBe(RECORD_CONCURRENCY);
  while (release.length || inFlight) {
    release.shift()?.();
    await turn();
    await turn();
  }
  await Promise.all(sinks);
  await intake.idle();
  expect(most).toBe(RECORD_CONCURRENCY);
  expect(batches).toEqual([3, 3, 3, 3]);
  expect(started).toEqual(ids);
  expect([...processed].sort()).toEqual([...ids].sort());
});

it('rejects the sink of the one event whose recording failed, and records and processes the others', async () => {
  const processed: string[] = [];
  const intake = new Intake({
    recordMany: async (incomings) =>
      incomings.map((incoming, k): RecordAttempt => (incoming.eventId === 'bad' ? { ok: false, error: new Error('refused') } : { ok: true, value: { id: k + 1, incoming, secrecy: 'open', receivedAt: new Date() } })),
    processRecorded: async (e) => {
      processed.push(e.incoming.eventId);
      return 'done';
    },
  });
  const results = await Promise.allSettled(['a', 'bad', 'b'].map((id, i) => intake.sink(event(i, id))));
  await intake.idle();
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(processed.sort()).toEqual(['a', 'b']);
});
