// The roster's typed raw reads (#18: a county's quiz answers come from speakers the cache has not
// seen), on SQLite and PostgreSQL: a speaker's identity and member in one JOIN (Prisma's nested
// select ran two statements), a member's private chats. A known speaker is resolved with its
// member's fields typed as before, a removed one is nobody, a renamed one is renamed, a stranger
// is not found; on SQLite a known speaker costs one statement.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatInfo } from '../../src/bot/feature.ts';
import { privateChatsOf, resolveMember, type RegistrationPolicy } from '../../src/bot/roster.ts';
import type { Database } from '../../src/db/client.ts';
import { startTrace, stopTrace } from '../../bench/sqltrace.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const policy: RegistrationPolicy = { admins: [], firstSpeakerIsAdmin: () => false };
const privateChat = (userId: string): ChatInfo => ({ id: 0, ref: { platform: 'console', chatId: userId, kind: 'private' }, unitId: null, masses: false });

async function rosterReads(fresh: () => Promise<Database>): Promise<void> {
  db = await fresh();
  const tx = db.db;
  const unit = await tx.orgUnit.findFirst();
  const unitId = unit?.id ?? null;
  const m = await tx.member.create({
    data: { name: '张三', role: 'member', unitId, identities: { create: [{ platform: 'console', externalId: 'zs', displayName: '张三', username: 'zs' }, { platform: 'other', externalId: 'zs-2', displayName: '三' }] } },
  });
  const resolved = await resolveMember(tx, { platform: 'console', userId: 'zs', displayName: '张三', username: 'zs' }, privateChat('zs'), policy);
  expect(resolved).toEqual({ member: { id: m.id, name: '张三', role: 'member', unitId }, registered: false });
  expect(await privateChatsOf(tx, m.id)).toEqual([
    { platform: 'console', chatId: 'zs', kind: 'private', title: '张三' },
    { platform: 'other', chatId: 'zs-2', kind: 'private', title: '三' },
  ]);
  expect(await privateChatsOf(tx, m.id + 100)).toEqual([]);

  // A new display name is stored.
  await resolveMember(tx, { platform: 'console', userId: 'zs', displayName: '张老三' }, privateChat('zs'), policy);
  expect(await tx.platformIdentity.findUniqueOrThrow({ where: { platform_externalId: { platform: 'console', externalId: 'zs' } } })).toMatchObject({ displayName: '张老三', username: null });

  // A removed member is nobody; a stranger in a private chat is not registered.
  await tx.member.update({ where: { id: m.id }, data: { removedAt: new Date('2026-11-26T02:00:00Z') } });
  expect(await resolveMember(tx, { platform: 'console', userId: 'zs', displayName: '张老三' }, privateChat('zs'), policy)).toEqual({ member: null, registered: false });
  expect(await resolveMember(tx, { platform: 'console', userId: 'nobody', displayName: '路人' }, privateChat('nobody'), policy)).toEqual({ member: null, registered: false });
}

describe('the roster reads on SQLite', () => {
  it('resolve speakers and private chats as before', () => rosterReads(freshSqlite));

  it('a known speaker costs one statement', async () => {
    db = await freshSqlite();
    await db.db.member.create({ data: { name: '李四', role: 'member', identities: { create: { platform: 'console', externalId: 'ls', displayName: '李四' } } } });
    startTrace();
    expect((await resolveMember(db.db, { platform: 'console', userId: 'ls', displayName: '李四' }, privateChat('ls'), policy)).member?.name).toBe('李四');
    expect(stopTrace()).toHaveLength(1);
  });
});

describePg('the roster reads on PostgreSQL', () => {
  it('resolve speakers and private chats as before', () => rosterReads(freshPostgres));
});
