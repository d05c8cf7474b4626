import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRef } from '../../src/bot/types.ts';
import { isUniqueViolation, type Database } from '../../src/db/client.ts';
import { enqueueMessages, type OutboxItem } from '../../src/outbox/enqueue.ts';
import { freshSqlite } from '../support/db.ts';
import { TEXT_CAPABILITIES } from '../support/recording-adapter.ts';

const chat: ChatRef = { platform: 'console', chatId: 'g', kind: 'group' };
const caps = { ...TEXT_CAPABILITIES, maxTextLength: 10 };
const now = new Date('2026-11-26T08:00:00Z');

describe('enqueueMessages with freshKeys', () => {
  let database: (Database & { close(): Promise<void> }) | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('stores the same rows as the checking path, in order, and refuses an existing key', async () => {
    database = await freshSqlite();
    const { db } = database;
    const items = (prefix: string): OutboxItem[] => [
      { chat, message: { kind: 'text', text: 'short' }, key: `${prefix}:0` },
      { chat, message: { kind: 'text', text: '一二三四五六七八九十一二三四五' }, key: `${prefix}:1` },
    ];
    const rows = async (prefix: string) =>
      (await db.outboxMessage.findMany({ where: { idempotencyKey: { startsWith: prefix } }, orderBy: { id: 'asc' } })).map((r) => ({
        key: r.idempotencyKey.slice(prefix.length),
        payload: r.payload,
        status: r.status,
      }));
    expect(await db.$transaction((tx) => enqueueMessages(tx, items('fresh'), () => caps, now, { freshKeys: true }))).toBe(3);
    expect(await db.$transaction((tx) => enqueueMessages(tx, items('checked'), () => caps, now))).toBe(3);
    expect(await rows('fresh')).toEqual(await rows('checked'));
    expect((await rows('fresh')).map((r) => r.key)).toEqual([':0', ':1#1', ':1#2']);
    const again = await db.$transaction((tx) => enqueueMessages(tx, items('fresh'), () => caps, now, { freshKeys: true })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUniqueViolation(again)).toBe(true);
    expect(await db.outboxMessage.count()).toBe(6);
  });
});
