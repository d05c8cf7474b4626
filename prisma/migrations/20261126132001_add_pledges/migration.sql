-- CreateTable
CREATE TABLE "Pledge" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "scope" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "target" INTEGER,
    "unitWord" TEXT NOT NULL DEFAULT '',
    "dueDate" TEXT,
    "year" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "closeNote" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "closedAt" DATETIME
);

-- CreateTable
CREATE TABLE "PledgeCheckin" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pledgeId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "evidence" TEXT,
    "createdAt" DATETIME NOT NULL,
    "localDay" TEXT NOT NULL,
    "undoneAt" DATETIME,
    CONSTRAINT "PledgeCheckin_pledgeId_fkey" FOREIGN KEY ("pledgeId") REFERENCES "Pledge" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PledgeExemption" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "memberId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "untilDate" TEXT,
    "setById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "endedAt" DATETIME
);

-- CreateTable
CREATE TABLE "PledgeReminder" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "memberId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "episode" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PledgeSetting" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "staleDays" INTEGER NOT NULL,
    "escalateDays" INTEGER NOT NULL,
    "updatedById" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Pledge_unitId_year_idx" ON "Pledge"("unitId", "year");

-- CreateIndex
CREATE INDEX "Pledge_ownerId_status_idx" ON "Pledge"("ownerId", "status");

-- CreateIndex
CREATE INDEX "Pledge_year_status_idx" ON "Pledge"("year", "status");

-- CreateIndex
CREATE INDEX "PledgeCheckin_pledgeId_undoneAt_idx" ON "PledgeCheckin"("pledgeId", "undoneAt");

-- CreateIndex
CREATE INDEX "PledgeCheckin_memberId_localDay_idx" ON "PledgeCheckin"("memberId", "localDay");

-- CreateIndex
CREATE INDEX "PledgeExemption_memberId_endedAt_idx" ON "PledgeExemption"("memberId", "endedAt");

-- CreateIndex
CREATE INDEX "PledgeReminder_unitId_idx" ON "PledgeReminder"("unitId");

-- CreateIndex
CREATE UNIQUE INDEX "PledgeReminder_memberId_episode_stage_key" ON "PledgeReminder"("memberId", "episode", "stage");

-- CreateIndex
CREATE UNIQUE INDEX "PledgeSetting_unitId_key" ON "PledgeSetting"("unitId");
