// The intake records events (the inbox's first step) at most RECORD_CONCURRENCY at once, in the
// order handed over, however many chats a burst comes from: a burst's inserts must leave the
// database pool's connections to the handlers (the county benchmark, #18). Without a database:
// a staged receiver that counts records in flight and holds each until the test lets it go.
import { expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/bot/inbox.ts';
import type { Incoming } from '../../src/bot/types.ts';
import { Intake, RECORD_CONCURRENCY } from '../../src/ops/intake.ts';

const event = (chat: number, id: string): Incoming => ({ eventId: id, chat: { platform: 'console', chatId: `c${chat}`, kind: 'group' } }) as unknown as Incoming;
const turn = () => new Promise((r) => setImmediate(r));

it(`records at most ${RECORD_CONCURRENCY} events at once, in the order handed over, and processes every one`, async () => {
  let inFlight = 0;
  let most = 0;
  const started: string[] = [];
  const release: (() => void)[] = [];
  const processed: string[] = [];
  const intake = new Intake({
    record: async (incoming) => {
      inFlight++;
      most = Math.max(most, inFlight);
      started.push(incoming.eventId);
      await new Promise<void>((resolve) => release.push(resolve));
      inFlight--;
      return { id: started.length, incoming, secrecy: 'open', receivedAt: new Date() } satisfies RecordedEvent;
    },
    processRecorded: async (e) => {
      processed.push(e.incoming.eventId);
      return 'done';
    },
  });
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
  expect(started).toEqual(ids);
  expect([...processed].sort()).toEqual([...ids].sort());
});
