-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OutboxMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "platform" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "chatKind" TEXT NOT NULL DEFAULT 'group',
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "notBefore" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "idempotencyKey" TEXT NOT NULL,
    "lastError" TEXT,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "externalMessageId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME
);
INSERT INTO "new_OutboxMessage" ("attempts", "chatId", "chatKind", "createdAt", "externalMessageId", "id", "idempotencyKey", "lastError", "lockedBy", "lockedUntil", "notBefore", "payload", "platform", "sentAt", "status") SELECT "attempts", "chatId", "chatKind", "createdAt", "externalMessageId", "id", "idempotencyKey", "lastError", "lockedBy", "lockedUntil", "notBefore", "payload", "platform", "sentAt", "status" FROM "OutboxMessage";
DROP TABLE "OutboxMessage";
ALTER TABLE "new_OutboxMessage" RENAME TO "OutboxMessage";
CREATE UNIQUE INDEX "OutboxMessage_idempotencyKey_key" ON "OutboxMessage"("idempotencyKey");
CREATE INDEX "OutboxMessage_status_notBefore_idx" ON "OutboxMessage"("status", "notBefore");
CREATE INDEX "OutboxMessage_platform_chatId_status_idx" ON "OutboxMessage"("platform", "chatId", "status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
