// Several bot instances on one database and one WeCom bot id: the lease in the database decides
// which instance holds the single long connection and sends WeCom messages. The holder is killed
// (it never releases its lease); another instance takes over once the lease time has passed, and
// every message is delivered exactly once. On SQLite always, on PostgreSQL with TEST_DATABASE_URL
// (CI). The lease clock is manual: the take-over is driven by hand, with no waiting.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { LeaseStore } from '../../src/db/lease.ts';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';
import { FakeWecom } from '../support/fake-wecom.ts';
import { flush, processed, reaches, startWecomBot, type WecomBot } from '../support/wecom-harness.ts';

/** A lease store that, like a killed process, never gives its lease back. */
class CrashingLeaseStore extends LeaseStore {
  override async release(): Promise<void> {}
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function takeover(fresh: () => Promise<Database>): Promise<void> {
  const db = await fresh();
  const second = await openDatabase(db.url);
  const clock = new ManualClock('2026-11-26T02:00:00Z');
  const fake = new FakeWecom({ clock: () => clock.now().getTime() });
  await fake.start();
  cleanups.push(async () => {
    await fake.stop();
    await second.close();
    await db.close();
  });
  const a = await startWecomBot({ db, fake, clock, instanceId: 'instance-a', leaseStore: () => new CrashingLeaseStore(db.db, clock) });
  let aAlive = true;
  cleanups.push(async () => void (aAlive && (await a.stop())));
  const b: WecomBot = await startWecomBot({ db: second, fake, clock, instanceId: 'instance-b' });
  cleanups.push(() => b.stop());
  await reaches(a, 'online');
  const leases = new LeaseStore(db.db, clock);
  expect(await leases.holderOf(`wecom:${fake.botId}`)).toBe('instance-a');
  expect(a.adapter.status).toBe('online');
  expect(b.adapter.status).toBe('standby');
  expect(b.adapter.isOnline()).toBe(false);
  expect(fake.subscribes.filter((s) => s.ok)).toHaveLength(1);

  // The holder answers; the other instance's outbox leaves WeCom's messages alone.
  const msgid = fake.say('zhangwei', '@先锋 /bindchat 东北流村党支部', { chatId: 'wrG1' });
  await processed(db, msgid);
  await b.app.outbox.tick();
  expect(fake.deliveries).toHaveLength(0);
  await flush(a);
  expect(fake.to('wrG1').map((d) => d.cmd)).toEqual(['aibot_respond_msg']);

  // A notice to three groups is queued; then the holder is killed before it sends them.
  const notice = (n: number) => ({ chat: { platform: 'wecom', chatId: `wrN${n}`, kind: 'group' as const }, message: { kind: 'text' as const, text: `通知 ${n}` }, key: `notice:${n}` });
  await enqueueMessages(db.db, [1, 2, 3].map(notice), () => a.adapter.capabilities, clock.now());
  await a.stop();
  aAlive = false;
  await fake.until(() => !fake.connected, 'the killed holder to be gone');

  // Its lease has not expired yet: the other instance waits; once it has, it takes over.
  await b.adapter.lease!.check();
  expect(b.adapter.status).toBe('standby');
  clock.advance(30_001);
  await b.adapter.lease!.check();
  await reaches(b, 'online');
  expect(await leases.holderOf(`wecom:${fake.botId}`)).toBe('instance-b');
  expect(b.adapter.isOnline()).toBe(true);
  await flush(b);
  const sent = fake.deliveries.filter((d) => d.chatId.startsWith('wrN')).map((d) => d.text).sort();
  expect(sent).toEqual(['通知 1', '通知 2', '通知 3']);
  // And the conversation goes on with the new holder.
  const next = fake.say('lisi', '@先锋 /whoami', { chatId: 'wrG1' });
  await processed(second, next);
  await flush(b);
  expect(fake.to('wrG1')).toHaveLength(2);
  expect(fake.subscribes.filter((s) => s.ok)).toHaveLength(2);
}

describe('WeCom with two instances on SQLite', () => {
  it('exactly one holds the connection; after it is killed the other takes over within the lease time, nothing sent twice', async () => {
    await takeover(freshSqlite);
  });
});

describePg('WeCom with two instances on PostgreSQL', () => {
  it('exactly one holds the connection; after it is killed the other takes over within the lease time, nothing sent twice', async () => {
    await takeover(freshPostgres);
  });
});
