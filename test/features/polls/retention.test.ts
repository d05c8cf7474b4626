// Retention (issue 12): processed inbound events and finished outbox messages keep no message
// text after BOT_RETENTION_DAYS; recent ones and unfinished ones keep theirs. And the outbox seal:
// a receipt code waits encrypted, readable only by the process that wrote it.
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.ts';
import { EXPIRED_OUTBOX_PAYLOAD, purgeOldText } from '../../../src/outbox/retention.ts';
import { messageOf, payloadOf } from '../../../src/outbox/seal.ts';
import { loadConfig } from '../../../src/config.ts';
import { freshSqlite } from '../../support/db.ts';

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const DAY = 86_400_000;

it('drops the text of events and messages older than the retention, keeping who, where and when', async () => {
  db = await freshSqlite();
  const now = new Date('2026-12-01T00:00:00Z');
  const event = (eventId: string, ageDays: number, status: string) =>
    db!.db.inboundEvent.create({
      data: { platform: 'console', eventId, status, payload: JSON.stringify({ eventId, actor: { userId: '甲' }, content: { type: 'text', text: `第${eventId}条：我家门口的路灯坏了` } }), receivedAt: new Date(now.getTime() - ageDays * DAY) },
    });
  await event('old', 31, 'done');
  await event('recent', 29, 'done');
  await event('unfinished', 40, 'received');
  const message = (key: string, ageDays: number, status: string) =>
    db!.db.outboxMessage.create({ data: { platform: 'console', chatId: '甲', payload: JSON.stringify({ kind: 'text', text: `回复${key}` }), status, idempotencyKey: key, createdAt: new Date(now.getTime() - ageDays * DAY) } });
  await message('old', 31, 'sent');
  await message('recent', 29, 'sent');
  await message('pending', 40, 'pending');
  expect(await purgeOldText(db.db, now, 30)).toEqual({ inbound: 1, outbox: 1 });
  const events = Object.fromEntries((await db.db.inboundEvent.findMany()).map((e) => [e.eventId, e.payload]));
  expect(events.old).not.toContain('路灯');
  expect(JSON.parse(events.old!)).toMatchObject({ eventId: 'old', actor: { userId: '甲' }, content: { text: '[expired]' } });
  expect(events.recent).toContain('路灯');
  expect(events.unfinished).toContain('路灯');
  const out = Object.fromEntries((await db.db.outboxMessage.findMany()).map((o) => [o.idempotencyKey, o.payload]));
  expect(out).toEqual({ old: EXPIRED_OUTBOX_PAYLOAD, recent: JSON.stringify({ kind: 'text', text: '回复recent' }), pending: JSON.stringify({ kind: 'text', text: '回复pending' }) });
  // A second run finds nothing more to do.
  expect(await purgeOldText(db.db, now, 30)).toEqual({ inbound: 0, outbox: 0 });
});

it('BOT_RETENTION_DAYS defaults to 30 and must be 1-3650', () => {
  expect(loadConfig({}).BOT_RETENTION_DAYS).toBe(30);
  expect(loadConfig({ BOT_RETENTION_DAYS: '7' }).BOT_RETENTION_DAYS).toBe(7);
  expect(() => loadConfig({ BOT_RETENTION_DAYS: '0' })).toThrow(/BOT_RETENTION_DAYS/);
  expect(() => loadConfig({ BOT_RETENTION_DAYS: '99999' })).toThrow(/BOT_RETENTION_DAYS: must be 1-3650 days/);
});

it('a receipt waits sealed: the stored payload holds no code, and a tampered or foreign one opens to nothing', () => {
  const secret = { kind: 'text' as const, text: '#3 的回执码：K7QX-M3PD', ephemeral: true };
  const stored = payloadOf(secret);
  expect(stored).not.toContain('K7QX');
  expect(stored).not.toContain('回执码');
  expect(messageOf(stored)).toEqual(secret);
  const sealed = JSON.parse(stored) as { box: string };
  expect(messageOf(JSON.stringify({ ...sealed, box: Buffer.from('other').toString('base64') }))).toBeNull();
  const plain = { kind: 'text' as const, text: '已收到你的票。' };
  expect(payloadOf(plain)).toBe(JSON.stringify(plain));
  expect(messageOf(payloadOf(plain))).toEqual(plain);
});
