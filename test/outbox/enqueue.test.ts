// enqueueMessages (src/outbox/enqueue.ts), on SQLite and PostgreSQL (TEST_DATABASE_URL): the
// inbox's fresh-key path (one raw multi-row INSERT) stores exactly the rows the checking path
// (Prisma, one key at a time) stores, in order, with every column alike (dates compare as Prisma
// dates); a batch larger than one statement's share is split; an existing key is refused.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRef } from '../../src/bot/types.ts';
import { isUniqueViolation, type Database } from '../../src/db/client.ts';
import { enqueueMessages, type OutboxItem } from '../../src/outbox/enqueue.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';
import { TEXT_CAPABILITIES } from '../support/recording-adapter.ts';

const chat: ChatRef = { platform: 'console', chatId: 'g', kind: 'group' };
const privateChat: ChatRef = { platform: 'console', chatId: 'p', kind: 'private' };
const caps = { ...TEXT_CAPABILITIES, maxTextLength: 10 };
const now = new Date('2026-11-26T08:00:00.123Z');
const later = new Date('2026-11-26T09:30:00.456Z');

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

const items = (prefix: string): OutboxItem[] => [
  { chat, message: { kind: 'text', text: 'short' }, key: `${prefix}:0`, reply: true },
  { chat, message: { kind: 'text', text: '一二三四五六七八九十一二三四五' }, key: `${prefix}:1` },
  { chat: privateChat, message: { kind: 'text', text: "it's '--'" }, key: `${prefix}:2`, notBefore: later },
];

async function stores(open: () => Promise<Database>): Promise<void> {
  database = await open();
  const { db } = database;
  const rows = async (prefix: string) =>
    (await db.outboxMessage.findMany({ where: { idempotencyKey: { startsWith: prefix } }, orderBy: { id: 'asc' } })).map(({ id: _id, idempotencyKey, ...r }) => ({
      ...r,
      key: idempotencyKey.slice(prefix.length),
    }));
  expect(await db.$transaction((tx) => enqueueMessages(tx, items('fresh'), () => caps, now, { freshKeys: true }))).toBe(4);
  expect(await db.$transaction((tx) => enqueueMessages(tx, items('checked'), () => caps, now))).toBe(4);
  expect(await rows('fresh')).toEqual(await rows('checked'));
  const fresh = await rows('fresh');
  expect(fresh.map((r) => r.key)).toEqual([':0', ':1#1', ':1#2', ':2']);
  expect(fresh.map((r) => [r.priority, r.chatKind, r.status, r.attempts])).toEqual([[1, 'group', 'pending', 0], [0, 'group', 'pending', 0], [0, 'group', 'pending', 0], [0, 'private', 'pending', 0]]);
  expect(await db.outboxMessage.count({ where: { idempotencyKey: { startsWith: 'fresh' }, notBefore: { gt: now } } })).toBe(1);
  expect(fresh[3]!.notBefore.toISOString()).toBe(later.toISOString());
  expect(fresh[0]!.createdAt.toISOString()).toBe(now.toISOString());

  const again = await db.$transaction((tx) => enqueueMessages(tx, items('fresh'), () => caps, now, { freshKeys: true })).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isUniqueViolation(again)).toBe(true);
  expect(isUniqueViolation(again, ["idempotencyKey"])).toBe(true);
  expect(await db.outboxMessage.count()).toBe(8);

  const many: OutboxItem[] = Array.from({ length: 1201 }, (_, i) => ({ chat, message: { kind: 'text', text: `m${i}` }, key: `many:${i}` }));
  expect(await db.$transaction((tx) => enqueueMessages(tx, many, () => caps, now, { freshKeys: true }))).toBe(1201);
  const stored = await db.outboxMessage.findMany({ where: { idempotencyKey: { startsWith: 'many:' } }, orderBy: { id: 'asc' }, select: { idempotencyKey: true } });
  expect(stored.map((r) => r.idempotencyKey)).toEqual(many.map((m) => m.key));
}

describe('enqueueMessages on SQLite', () => {
  it('stores with fresh keys the rows the checking path stores, splits large batches, refuses an existing key', () => stores(freshSqlite));
});

describePg('enqueueMessages on PostgreSQL', () => {
  it('stores with fresh keys the rows the checking path stores, splits large batches, refuses an existing key', () => stores(freshPostgres));
});
