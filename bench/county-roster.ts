/**
 * The county's roster written in bulk, straight into the real schema (units, group chats bound to
 * them, members and their platform identities), in a few INSERT … SELECT statements rather than
 * tens of thousands of commands; the roster version is bumped so every instance's cache reads it
 * afresh. What /bindchat and a member's first message would have written, nothing more.
 */
import type pg from 'pg';

/** Sizes and names of the county. */
export interface CountyRoster {
  readonly groups: number;
  readonly members: number;
  /** The platform of every chat and identity. */
  readonly platform: string;
}

/** The external id (and title) of group k (1-based). */
export const groupId = (k: number): string => `village-${k}`;
/** The external id (and display name) of member j (0-based). */
export const memberId = (j: number): string => `党员${j}`;
/** The group (1-based) of member j. */
export const groupOf = (j: number, groups: number): number => 1 + (j % groups);

/** Writes the roster into an empty, migrated PostgreSQL database; returns the ms it took. */
export async function writeCountyRoster(client: pg.Client, r: CountyRoster): Promise<number> {
  const t0 = performance.now();
  await client.query('BEGIN');
  const root = await client.query<{ id: number }>(`INSERT INTO "OrgUnit" ("name", "kind") VALUES ('城关镇党委', 'township') RETURNING "id"`);
  await client.query(
    `INSERT INTO "OrgUnit" ("name", "kind", "parentId") SELECT '第' || k || '村党支部', 'branch', $1 FROM generate_series(1, $2::int) AS k`,
    [root.rows[0]!.id, r.groups],
  );
  await client.query(
    `INSERT INTO "Chat" ("platform", "externalId", "kind", "title", "unitId", "updatedAt")
     SELECT $1, 'village-' || k, 'group', 'village-' || k, u."id", now()
     FROM generate_series(1, $2::int) AS k JOIN "OrgUnit" u ON u."name" = '第' || k || '村党支部'`,
    [r.platform, r.groups],
  );
  await client.query(
    `INSERT INTO "Member" ("name", "role", "unitId", "updatedAt")
     SELECT '党员' || j, 'member', u."id", now()
     FROM generate_series(0, $1::int - 1) AS j JOIN "OrgUnit" u ON u."name" = '第' || (1 + j % $2::int) || '村党支部'
     ORDER BY j`,
    [r.members, r.groups],
  );
  await client.query(
    `INSERT INTO "PlatformIdentity" ("platform", "externalId", "displayName", "memberId", "updatedAt")
     SELECT $1, m."name", m."name", m."id", now() FROM "Member" m WHERE m."name" LIKE '党员%'`,
    [r.platform],
  );
  await client.query(`UPDATE "RosterVersion" SET "version" = "version" + 1 WHERE "id" = 1`);
  await client.query('COMMIT');
  await client.query('ANALYZE');
  return performance.now() - t0;
}
