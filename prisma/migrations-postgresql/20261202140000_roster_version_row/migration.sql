-- The one RosterVersion row exists from the start, so bumping it is always an UPDATE: two first
-- roster changes at once (two chats bound together on PostgreSQL) no longer race to insert it.
INSERT INTO "RosterVersion" ("id", "version") VALUES (1, 0) ON CONFLICT DO NOTHING;
