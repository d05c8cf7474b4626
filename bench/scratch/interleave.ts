import { freshSqlite } from '../../test/support/db.ts';
const d = await freshSqlite();
const db = d.db;
let outside: Promise<unknown> | undefined;
try {
  await db.$transaction(async (tx) => {
    await tx.auditLog.create({ data: { action: 'inside', detail: '' } });
    outside = db.auditLog.create({ data: { action: 'outside', detail: '' } });
    await outside;
    throw new Error('rollback');
  });
} catch (e) { console.log('tx:', (e as Error).message); }
console.log(await db.auditLog.findMany({ select: { action: true } }));
await d.close();
