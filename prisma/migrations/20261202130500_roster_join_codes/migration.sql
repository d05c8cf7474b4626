-- CreateTable
CREATE TABLE "JoinCode" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "memberId" INTEGER NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "issuedById" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "JoinAttempt" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "platform" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "JoinCode_codeHash_key" ON "JoinCode"("codeHash");

-- CreateIndex
CREATE INDEX "JoinCode_memberId_idx" ON "JoinCode"("memberId");

-- CreateIndex
CREATE INDEX "JoinAttempt_platform_externalId_at_idx" ON "JoinAttempt"("platform", "externalId", "at");

-- Audit rows are never changed or deleted (only a removed member's link may be cleared).
CREATE TRIGGER "AuditLog_no_update" BEFORE UPDATE OF "action", "detail", "createdAt" ON "AuditLog"
BEGIN SELECT RAISE(ABORT, 'audit rows are never changed'); END;
CREATE TRIGGER "AuditLog_no_delete" BEFORE DELETE ON "AuditLog"
BEGIN SELECT RAISE(ABORT, 'audit rows are never deleted'); END;
